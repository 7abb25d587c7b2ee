import type { Candidate } from '@lab/planners';
import type { AuditEntity, CampaignEntity, CommandLogEntity, ExperimentEntity, MeasurementEntity } from '../persistence/entities';

/**
 * The layout of a campaign bundle (docs/export.md). Bump BUNDLE_FORMAT_VERSION when a reader of
 * an older bundle would misread a newer one; replay refuses versions it does not know.
 */
export const BUNDLE_FORMAT = 'lab-campaign-bundle';
export const BUNDLE_FORMAT_VERSION = 1;

export const BUNDLE_FILES = {
  manifest: 'manifest.json',
  nexus: 'campaign.nxs',
  experimentsCsv: 'experiments.csv',
  experimentsJson: 'experiments.json',
  commands: 'commands.json',
  audit: 'audit.json',
  candidates: 'candidates.json',
} as const;

export const configFileName = (version: number): string => `config-v${version}.yaml`;

/** One config version as the manifest lists it; its text is the file. */
export interface BundleConfigVersion {
  version: number;
  file: string;
  sha256: string;
  author: string;
  reason: string | null;
  /** When it took effect: replay applies it before the first proposal recorded after this. */
  createdAtMs: number;
}

export interface BundleFileEntry {
  sha256: string;
  bytes: number;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  formatVersion: number;
  campaignId: string;
  campaignName: string;
  status: string;
  planner: { kind: string; version: string; seed: number };
  labSha256: string;
  configVersions: BundleConfigVersion[];
  createdAt: string;
  createdBy: string;
  /** Every other file of the bundle with its sha256: replay checks them all before reading any. */
  files: Record<string, BundleFileEntry>;
}

export type CampaignRecord = Omit<CampaignEntity, 'configText'>;

export interface ExperimentRecord extends ExperimentEntity {
  measurements: MeasurementEntity[];
}

/** experiments.json: the campaign row, what the setup measured, and every experiment in index order. */
export interface ExperimentsFile {
  campaign: CampaignRecord;
  setup: MeasurementEntity[];
  experiments: ExperimentRecord[];
}

export type CommandsFile = CommandLogEntity[];
export type AuditFile = AuditEntity[];

/** candidates.json: the locations the planner chose among, as the setup image gave them. */
export interface CandidatesFile {
  from: { step: string; channel: string };
  candidates: Candidate[];
}
