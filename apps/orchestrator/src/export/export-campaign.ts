import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type CampaignConfig, parseCampaign } from '@lab/config';
import { type DataFrame, decodeDataFrame } from '@lab/drivers';
import type { DataSource } from 'typeorm';
import { candidatesFromImages } from '../campaigns/candidates';
import { AuditEntity, CampaignConfigEntity, CampaignEntity, CommandLogEntity, ExperimentEntity, MeasurementEntity, type StoredFile } from '../persistence/entities';
import {
  BUNDLE_FILES,
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  type BundleConfigVersion,
  type BundleManifest,
  type CandidatesFile,
  configFileName,
  type ExperimentRecord,
  type ExperimentsFile,
} from './bundle-format';
import { experimentsCsv } from './experiments-csv';
import { fileEntry, sha256Of } from './manifest';
import { writeCampaignNexus } from './nexus-writer';

export interface ExportResult {
  dir: string;
  experiments: number;
  frames: number;
  files: { name: string; bytes: number }[];
}

const CREATOR = 'self-driving-lab lab export';

/**
 * Write a campaign as a self-describing bundle in `outDir` (created; an existing bundle there is
 * replaced): campaign.nxs (NeXus/HDF5 with every frame), experiments.csv/.json, commands.json,
 * audit.json, config-vN.yaml per config version, candidates.json when the campaign chose among
 * locations of a setup image, and manifest.json with the sha256 of every file. `blobsRoot` is the
 * data directory the stored file paths are relative to (the lab's `dataDir`).
 */
export async function exportCampaign(db: DataSource, blobsRoot: string, campaignId: string, outDir: string): Promise<ExportResult> {
  const campaignRow = await db.getRepository(CampaignEntity).findOneBy({ id: campaignId });
  if (!campaignRow) throw new Error(`no campaign ${campaignId} in this database`);
  const { configText, ...campaign } = campaignRow;
  const experimentRows = await db.getRepository(ExperimentEntity).find({ where: { campaignId }, order: { index: 'ASC' } });
  const measurements = await db.getRepository(MeasurementEntity).find({ where: { campaignId }, order: { createdAtMs: 'ASC' } });
  const commands = await db.getRepository(CommandLogEntity).find({ where: { campaignId }, order: { issuedAtMs: 'ASC' } });
  const versions = await configVersions(db, campaignRow);
  const experimentIds = new Set(experimentRows.map((e) => e.id));
  // The audit log has no campaign column: an override belongs here when it names the campaign or one of its experiments.
  const audit = (await db.getRepository(AuditEntity).find({ order: { atMs: 'ASC' } })).filter(
    (a) => a.target === campaignId || (a.target !== null && experimentIds.has(a.target)) || a.details.campaignId === campaignId,
  );

  const experiments: ExperimentRecord[] = experimentRows.map((e) => ({ ...e, measurements: measurements.filter((m) => m.experimentId === e.id) }));
  // Setup steps, and the drift re-registration rescans taken between experiments (campaigns with candidates.registration).
  const setup = measurements.filter((m) => m.experimentId === `setup-${campaignId}` || m.experimentId === `registration-${campaignId}`);
  const configs = versions.map((v) => parseCampaign(v.file, v.text).config);

  const dir = resolve(outDir);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const write = (name: string, content: string): Promise<void> => writeFile(join(dir, name), content);
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

  let frames = 0;
  const frameOf = async (file: StoredFile): Promise<DataFrame> => {
    frames++;
    return readFrame(blobsRoot, file);
  };

  await writeCampaignNexus(join(dir, BUNDLE_FILES.nexus), {
    campaign,
    configVersions: versions,
    parameterUnits: parameterUnits(configs),
    objectives: configs[configs.length - 1].objectives.map((o) => o.name),
    setup,
    experiments,
    frameOf,
    creator: CREATOR,
  });
  await write(BUNDLE_FILES.experimentsCsv, experimentsCsv(experiments, { parameters: union(configs.map((c) => c.parameters.map((p) => p.name))), objectives: union(configs.map((c) => c.objectives.map((o) => o.name))) }));
  const experimentsFile: ExperimentsFile = { campaign, setup, experiments };
  await write(BUNDLE_FILES.experimentsJson, json(experimentsFile));
  await write(BUNDLE_FILES.commands, json(commands));
  await write(BUNDLE_FILES.audit, json(audit));
  for (const v of versions) await write(configFileName(v.version), v.text);
  const candidates = await candidatesOf(configs[0], setup, blobsRoot);
  if (candidates) await write(BUNDLE_FILES.candidates, json(candidates));

  const names = [BUNDLE_FILES.nexus, BUNDLE_FILES.experimentsCsv, BUNDLE_FILES.experimentsJson, BUNDLE_FILES.commands, BUNDLE_FILES.audit, ...versions.map((v) => configFileName(v.version)), ...(candidates ? [BUNDLE_FILES.candidates] : [])];
  const files: BundleManifest['files'] = {};
  for (const name of names) files[name] = await fileEntry(dir, name);
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    campaignId,
    campaignName: campaign.name,
    status: campaign.status,
    planner: { kind: campaign.plannerKind, version: campaign.plannerVersion, seed: campaign.seed },
    labSha256: campaign.labSha256,
    configVersions: versions.map(({ text: _text, ...v }): BundleConfigVersion => v),
    createdAt: new Date().toISOString(),
    createdBy: CREATOR,
    files,
  };
  await write(BUNDLE_FILES.manifest, json(manifest));
  const listed = [...names, BUNDLE_FILES.manifest];
  return { dir, experiments: experiments.length, frames, files: await Promise.all(listed.map(async (name) => ({ name, bytes: (await stat(join(dir, name))).size }))) };
}

/** Every config version; a campaign nobody changed has only its pinned text, which is version 1. */
async function configVersions(db: DataSource, campaign: CampaignEntity): Promise<(BundleConfigVersion & { text: string })[]> {
  const rows = await db.getRepository(CampaignConfigEntity).find({ where: { campaignId: campaign.id }, order: { version: 'ASC' } });
  const all = rows.length > 0 ? rows : [{ version: 1, text: campaign.configText, sha256: campaign.configSha256, author: 'creator', reason: null, createdAtMs: campaign.createdAtMs }];
  return all.map((r) => ({ version: r.version, file: configFileName(r.version), text: r.text, sha256: r.sha256, author: r.author, reason: r.reason, createdAtMs: r.createdAtMs }));
}

/** A stored frame, refused when its bytes are not the ones its name promises. */
export async function readFrame(blobsRoot: string, file: StoredFile): Promise<DataFrame> {
  const bytes = await readFile(join(blobsRoot, file.path));
  const actual = sha256Of(bytes);
  if (actual !== file.sha256) throw new Error(`blob ${file.path}: sha256 ${actual}, recorded ${file.sha256}; the blob store is damaged`);
  return decodeDataFrame(bytes);
}

/** The candidate set the planner chose among, recomputed from the setup image exactly as the runner did. */
async function candidatesOf(config: CampaignConfig, setup: ExperimentsFile['setup'], blobsRoot: string): Promise<CandidatesFile | undefined> {
  const spec = config.candidates;
  if (!spec) return undefined;
  const step = setup.find((m) => m.stepId === spec.from.step);
  if (!step) return undefined;
  const frames = await Promise.all(step.files.map((f) => readFrame(blobsRoot, f)));
  return { from: { step: spec.from.step, channel: spec.from.channel }, candidates: candidatesFromImages(frames, spec) };
}

function parameterUnits(configs: CampaignConfig[]): Record<string, string> {
  const units: Record<string, string> = {};
  for (const config of configs) for (const p of config.parameters) if ('unit' in p && p.unit) units[p.name] = p.unit;
  return units;
}

const union = (lists: string[][]): string[] => [...new Set(lists.flat())];
