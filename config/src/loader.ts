import { createHash } from 'node:crypto';
import { type CampaignConfig, campaignSchema, campaignSemanticIssues } from './campaign.schema';
import { ConfigError, type ConfigIssue } from './config-error';
import { type LabConfig, labSchema, labSemanticIssues } from './lab.schema';
import { YamlSource } from './yaml-source';

/** A validated config file and the exact text it came from, pinned by hash. */
export interface Loaded<T> {
  file: string;
  config: T;
  text: string;
  sha256: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export function loadLab(file: string): Loaded<LabConfig> {
  const source = YamlSource.read(file);
  const { value, issues } = source.validate(labSchema, labSemanticIssues);
  if (!value) throw new ConfigError(issues);
  return { file, config: value, text: source.text, sha256: sha256(source.text) };
}

/** Parse a campaign from text (a file, or a row of the database); with a lab, also check it against it. */
export function parseCampaign(file: string, text: string, lab?: LabConfig): Loaded<CampaignConfig> {
  const source = YamlSource.parse(file, text);
  const { value, issues } = source.validate(campaignSchema, campaignSemanticIssues);
  const all = value && lab ? [...issues, ...crossCheck(source, value, lab)] : issues;
  if (!value || all.length > 0) throw new ConfigError(all);
  return { file, config: value, text, sha256: sha256(text) };
}

export function loadCampaign(file: string, lab?: LabConfig): Loaded<CampaignConfig> {
  return parseCampaign(file, YamlSource.read(file).text, lab);
}

/** Every issue in the given files: lab files (with `instruments:`) and campaign files (with `workflow:`). */
export function validateFiles(files: string[], lab?: LabConfig): ConfigIssue[] {
  return files.flatMap((file) => {
    try {
      const source = YamlSource.read(file);
      const data = source.data as Record<string, unknown> | null;
      if (data && typeof data === 'object' && 'instruments' in data) {
        loadLab(file);
      } else {
        parseCampaign(file, source.text, lab);
      }
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.issues;
      throw error;
    }
  });
}

function crossCheck(source: YamlSource, campaign: CampaignConfig, lab: LabConfig): ConfigIssue[] {
  const ids = lab.instruments.map((i) => i.id);
  const issues: ConfigIssue[] = [];
  for (const section of ['setup', 'workflow'] as const) {
    campaign[section].forEach((step, index) => {
      if (!ids.includes(step.instrument)) {
        issues.push(source.locate([section, index, 'instrument'], `no instrument '${step.instrument}' in the lab (has: ${ids.join(', ')})`));
      }
    });
  }
  for (const id of Object.keys(campaign.safety)) {
    if (!ids.includes(id)) issues.push(source.locate(['safety', id], `no instrument '${id}' in the lab`));
  }
  return issues;
}
