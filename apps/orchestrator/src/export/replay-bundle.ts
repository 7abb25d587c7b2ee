import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CampaignConfig, parseCampaign } from '@lab/config';
import { type AskOptions, type Candidate, createPlanner, type Observation, PLANNERS_VERSION, type Point, type Proposal, type SteerablePlanner } from '@lab/planners';
import { plannerConfigOf } from '../campaigns/planner-config';
import { type AuditFile, BUNDLE_FILES, type CandidatesFile, type ExperimentRecord, type ExperimentsFile } from './bundle-format';
import { verifyBundle } from './manifest';

/** How an experiment came to be, which decides what the replay can compare. */
export type ReplayOrigin = 'planner' | 'replacement' | 'injected' | 'edited';

export interface ReplayStep {
  index: number;
  experimentId: string;
  status: string;
  origin: ReplayOrigin;
  recorded: Point;
  /** What the rebuilt planner proposed at this step; null for injected experiments (no planner involved). */
  replayed: Point | null;
  /** Largest |recorded - replayed| over numeric parameters (Infinity when a categorical differs); null when not compared. */
  maxAbsDiff: number | null;
  /** Prediction of the first objective: recorded with the proposal, and by the replay. */
  recordedPredicted: { mean: number; sd: number } | null;
  replayedPredicted: { mean: number; sd: number } | null;
  /** True when recorded and replayed points are equal, bit for bit; null when not compared. */
  identical: boolean | null;
}

export type ReplayVerdict = 'identical' | 'diverged';

export interface ReplayReport {
  campaignId: string;
  campaignName: string;
  planner: { kind: string; recordedVersion: string; replayVersion: string; seed: number };
  objective: string;
  candidates: number | null;
  steps: ReplayStep[];
  compared: number;
  identical: number;
  verdict: ReplayVerdict;
  /** The first planner-proposed experiment whose replayed point differs. */
  firstDivergence: number | null;
  notes: string[];
}

/**
 * Re-import a bundle and replay its planner offline: verify every checksum, rebuild the planner
 * from the stored config and seed, and walk the recorded experiments in index order the way
 * CampaignRunner did (ask a batch when the queue is empty; after a rejection ask one replacement
 * with the queue and the rejected points as pending; injected experiments take no proposal; tell
 * each succeeded or failed result before the next ask; apply config versions and exclusions when
 * they happened). At every planner-proposed step the replayed point is compared with the recorded one.
 */
export async function replayBundle(bundleDir: string): Promise<ReplayReport> {
  const manifest = await verifyBundle(bundleDir);
  const read = async <T>(name: string): Promise<T> => JSON.parse(await readFile(join(bundleDir, name), 'utf8')) as T;
  const { experiments } = await read<ExperimentsFile>(BUNDLE_FILES.experimentsJson);
  const audit = await read<AuditFile>(BUNDLE_FILES.audit);
  const candidateFile = BUNDLE_FILES.candidates in manifest.files ? await read<CandidatesFile>(BUNDLE_FILES.candidates) : undefined;
  const versions = await Promise.all(
    [...manifest.configVersions]
      .sort((a, b) => a.version - b.version)
      .map(async (v) => ({ ...v, config: parseCampaign(v.file, await readFile(join(bundleDir, v.file), 'utf8')).config })),
  );
  const notes: string[] = [];
  const { seed } = manifest.planner;
  if (manifest.planner.version !== PLANNERS_VERSION) notes.push(`recorded with planners ${manifest.planner.version}, replayed with ${PLANNERS_VERSION}: differences may come from the planner version`);

  let config: CampaignConfig = versions[0].config;
  const candidates: Candidate[] | undefined = candidateFile?.candidates;
  if (config.candidates && !candidates) notes.push('the campaign chooses among setup candidates but the bundle has none (setup not recorded): proposals cannot be replayed exactly');
  const spaceOf = (c: CampaignConfig) => ({ ...plannerConfigOf(c, seed).space, ...(candidates ? { candidates } : {}) });
  const planner: SteerablePlanner = createPlanner(plannerConfigOf(config, seed));
  if (candidates) planner.updateSpace(spaceOf(config));

  const edited = new Set(audit.filter((a) => a.action === 'approve' && a.outcome === 'done' && a.details.params !== undefined && a.target !== null).map((a) => a.target as string));
  const exclusions = audit.filter((a) => a.action === 'exclude' && a.outcome === 'done' && a.target !== null).map((a) => ({ id: a.target as string, atMs: a.atMs }));
  const told = new Set<string>();
  let appliedVersion = versions[0].version;
  const objective = config.objectives[0].name;

  /** What had happened by the time this proposal was made: later config versions and exclusions. */
  const catchUp = (atMs: number): void => {
    for (const v of versions) {
      if (v.version > appliedVersion && v.createdAtMs <= atMs) {
        planner.updateSpace(spaceOf(v.config));
        config = v.config;
        appliedVersion = v.version;
        notes.push(`config v${v.version} applied before experiment proposed at ${new Date(atMs).toISOString()}`);
      }
    }
    for (const e of exclusions.splice(0)) {
      if (e.atMs <= atMs && told.has(e.id)) planner.exclude(e.id);
      else exclusions.push(e);
    }
  };

  const queue: Proposal[] = [];
  let counted = 0;
  let chainPending: Point[] = [];
  let rejectedInChain: Point[] = [];
  const steps: ReplayStep[] = [];
  /** Experiments proposed (and not rejected) whose result the planner has not been told yet, in proposal order. */
  const running: ExperimentRecord[] = [];
  /**
   * Tell the results that were in before this proposal, in the order they came in. With one
   * experiment at a time that is every earlier one; with several in flight, those that finished
   * before it was proposed (the others are pending for the planner, as they were then).
   */
  const tellFinished = (atMs: number): void => {
    const sequential = inFlightOf(config) <= 1;
    const done = running.filter((r) => sequential || (r.finishedAtMs !== null && r.finishedAtMs <= atMs)).sort((a, b) => (a.finishedAtMs ?? 0) - (b.finishedAtMs ?? 0) || a.index - b.index);
    for (const row of done) {
      running.splice(running.indexOf(row), 1);
      const observation = observationOf(row);
      if (!observation) continue;
      planner.tell([observation]);
      told.add(row.id);
    }
  };
  const pendingOptions = (): AskOptions | undefined => {
    const pending = running.map((r) => r.params);
    return pending.length > 0 ? { pending } : undefined;
  };

  let previous: ExperimentRecord | undefined;
  for (const row of experiments) {
    tellFinished(row.proposedAtMs);
    catchUp(row.proposedAtMs);
    const replacement = previous?.status === 'rejected' && previous.index === row.index - 1;
    if (!replacement) rejectedInChain = [];
    let proposal: Proposal | undefined;
    let origin: ReplayOrigin;
    if (row.proposedBy.startsWith('user:')) {
      origin = 'injected';
    } else if (replacement) {
      origin = 'replacement';
      const pending = [...chainPending, ...running.map((r) => r.params), ...rejectedInChain];
      [proposal] = planner.ask(1, { pending });
    } else {
      origin = 'planner';
      if (queue.length === 0) queue.push(...planner.ask(Math.min(config.planner.batchSize, config.budget.experiments - counted), pendingOptions()));
      proposal = queue.shift();
    }
    if (!replacement) chainPending = queue.map((p) => p.point);
    if (proposal && edited.has(row.id)) origin = 'edited';
    steps.push(compare(row, origin, proposal, objective));

    if (row.status === 'rejected') {
      rejectedInChain.push(row.params);
    } else {
      counted += 1;
      running.push(row);
    }
    previous = row;
  }
  for (const e of exclusions) if (!told.has(e.id)) notes.push(`exclusion of ${e.id} not applied: no result of it was told`);

  const compared = steps.filter((s) => s.origin === 'planner' || s.origin === 'replacement');
  const identical = compared.filter((s) => s.identical).length;
  const firstDivergence = compared.find((s) => !s.identical)?.index ?? null;
  return {
    campaignId: manifest.campaignId,
    campaignName: manifest.campaignName,
    planner: { kind: manifest.planner.kind, recordedVersion: manifest.planner.version, replayVersion: PLANNERS_VERSION, seed },
    objective,
    candidates: candidates?.length ?? null,
    steps,
    compared: compared.length,
    identical,
    verdict: firstDivergence === null ? 'identical' : 'diverged',
    firstDivergence,
    notes,
  };
}

/** How many experiments the campaign runs at once (`planner.inFlight`, 1 when the config has no such key). */
function inFlightOf(config: CampaignConfig): number {
  const value: unknown = 'inFlight' in config.planner ? config.planner.inFlight : undefined;
  return typeof value === 'number' ? value : 1;
}

/** The observation CampaignRunner told for this row (the same rule as its observationOf). */
function observationOf(row: ExperimentRecord): Observation | undefined {
  if (row.status === 'succeeded' && row.objectives) return { id: row.id, point: row.params, values: row.objectives };
  if (row.status === 'failed') return { id: row.id, point: row.params, failed: true };
  return undefined;
}

function compare(row: ExperimentRecord, origin: ReplayOrigin, proposal: Proposal | undefined, objective: string): ReplayStep {
  const recordedPredicted = row.predicted[objective] ?? null;
  const base = { index: row.index, experimentId: row.id, status: row.status, origin, recorded: row.params, recordedPredicted };
  if (!proposal) return { ...base, replayed: null, maxAbsDiff: null, replayedPredicted: null, identical: null };
  const maxAbsDiff = maxAbsDifference(row.params, proposal.point);
  const comparable = origin === 'planner' || origin === 'replacement';
  return {
    ...base,
    replayed: proposal.point,
    maxAbsDiff,
    replayedPredicted: proposal.predicted[objective] ?? null,
    identical: comparable ? maxAbsDiff === 0 && sameKeys(row.params, proposal.point) : null,
  };
}

/** Largest absolute difference over the parameters of either point; Infinity for a categorical mismatch or a missing parameter. */
export function maxAbsDifference(a: Point, b: Point): number {
  let max = 0;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[key];
    const y = b[key];
    if (typeof x === 'number' && typeof y === 'number') max = Math.max(max, Math.abs(x - y));
    else if (x !== y) return Number.POSITIVE_INFINITY;
  }
  return max;
}

const sameKeys = (a: Point, b: Point): boolean => Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => k in b);
