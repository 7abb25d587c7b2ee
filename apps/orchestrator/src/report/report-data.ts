import { type CampaignConfig, type ObjectiveConfig, parseCampaign } from '@lab/config';
import type { DataSource } from 'typeorm';
import { CampaignConfigEntity, CampaignEntity, ExperimentEntity, MeasurementEntity } from '../persistence/entities';

/** Everything a campaign report shows, read once from the database. */
export interface ReportData {
  campaign: CampaignEntity;
  objectives: ObjectiveConfig[];
  parameters: CampaignConfig['parameters'];
  budgetExperiments: number;
  configVersions: CampaignConfigEntity[];
  experiments: ExperimentEntity[];
  measurements: MeasurementEntity[];
}

/**
 * The campaign whose id is `idOrPrefix` or starts with it: ids are UUIDs, and a person typing a
 * report command copies the first few characters, as with git hashes.
 */
export async function resolveCampaignId(db: DataSource, idOrPrefix: string): Promise<string> {
  const wanted = idOrPrefix.trim().toLowerCase();
  if (!wanted) throw new Error('give a campaign id (or the start of one)');
  const ids = (await db.getRepository(CampaignEntity).find({ select: { id: true } })).map((row) => row.id);
  if (ids.includes(wanted)) return wanted;
  const matches = ids.filter((id) => id.toLowerCase().startsWith(wanted));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new Error(`no campaign id starts with '${idOrPrefix}' (${ids.length} campaign${ids.length === 1 ? '' : 's'} in this database)`);
  throw new Error(`'${idOrPrefix}' is ambiguous: ${matches.length} campaigns start with it (${matches.slice(0, 5).join(', ')}${matches.length > 5 ? ', ...' : ''}); give more characters`);
}

/** Read a campaign, its config versions, experiments and measurements. */
export async function loadReportData(db: DataSource, campaignId: string): Promise<ReportData> {
  const campaign = await db.getRepository(CampaignEntity).findOneBy({ id: campaignId });
  if (!campaign) throw new Error(`no campaign ${campaignId}`);
  // The row holds the config in force (a PI change rewrites it and adds a version), so its objectives are the current ones.
  const { config } = parseCampaign(campaign.configFile, campaign.configText);
  const [configVersions, experiments, measurements] = await Promise.all([
    db.getRepository(CampaignConfigEntity).find({ where: { campaignId }, order: { version: 'ASC' } }),
    db.getRepository(ExperimentEntity).find({ where: { campaignId }, order: { index: 'ASC' } }),
    db.getRepository(MeasurementEntity).find({ where: { campaignId }, order: { createdAtMs: 'ASC' } }),
  ]);
  return { campaign, objectives: config.objectives, parameters: config.parameters, budgetExperiments: config.budget.experiments, configVersions, experiments, measurements };
}
