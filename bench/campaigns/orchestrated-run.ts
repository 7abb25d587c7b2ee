import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { LedgerEntry, SimulatedLab, World } from '@lab/simulations';
import { type Orchestrator, startOrchestrator } from '../../apps/orchestrator/src/bootstrap';
import { benchLab } from '../support/bench-lab';
import { startTwinsProcess } from '../support/twins-process';
import type { CampaignSummary } from '../../apps/orchestrator/src/campaigns/campaign-runner';
import { CommandLogEntity, ExperimentEntity } from '../../apps/orchestrator/src/persistence/entities';

/** What one campaign run left: the orchestrator's rows and what the twins executed. */
export interface CampaignRecord {
  summary: CampaignSummary;
  experiments: ExperimentEntity[];
  /** The orchestrator's command log: what it sent, with each command's nominal duration. */
  commands: CommandLogEntity[];
  /** What the twins executed for this campaign, in start order. */
  ledger: LedgerEntry[];
  wallMs: number;
  timeScale: number;
}

export interface OrchestratedRun extends CampaignRecord {
  world: World;
}

export interface RunSpec {
  /** Campaign file, relative to the package root. */
  file: string;
  edit?: (text: string) => string;
  seed: number;
  /** Hidden physics for this run (`simulation.world` of the lab file). */
  world?: Record<string, unknown>;
  timeScale: number;
}

/**
 * One campaign end to end through the real orchestrator, twins and vision pipeline, in this
 * process, on a throw-away database: what `lab run` does, with the twins' truth kept for scoring.
 */
export async function runOrchestrated(spec: RunSpec): Promise<OrchestratedRun> {
  return withOrchestratedRun(spec, async (record, _orchestrator, sim) => ({ ...record, world: sim.world }));
}

/** The same, with the lab still open afterwards for `inspect` (stored frames, the twins' world). */
export async function withOrchestratedRun<T>(spec: RunSpec, inspect: (record: CampaignRecord, orchestrator: Orchestrator, sim: SimulatedLab) => Promise<T>): Promise<T> {
  const { lab, root, dir } = benchLab('bench-campaign', { timeScale: spec.timeScale, seed: spec.seed, world: spec.world });
  const orchestrator = await startOrchestrator({ lab, baseDir: root, http: false, simulationSeed: spec.seed });
  try {
    const sim = orchestrator.runtime.sim;
    if (!sim) throw new Error('the benchmark needs the digital twins (simulation.enabled)');
    return await inspect(await runCampaign(orchestrator, root, spec, () => sim.ledger()), orchestrator, sim);
  } finally {
    await orchestrator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same with the twins in a process of their own (`lab sim`), as instruments on their own
 * computers: the orchestrator's process holds only the orchestrator and the embedded broker.
 */
export async function runWithTwinsApart(spec: RunSpec): Promise<CampaignRecord> {
  const { lab, root, dir } = benchLab('bench-campaign', { timeScale: spec.timeScale, seed: spec.seed, world: spec.world, enabled: false });
  const labFile = join(dir, 'lab.yaml');
  writeFileSync(labFile, stringify(lab.config));
  const orchestrator = await startOrchestrator({ lab, baseDir: root, http: false, simulate: false });
  const twins = await startTwinsProcess(root, labFile, orchestrator.runtime.brokerUrl, { seed: spec.seed, ledgerPath: join(dir, 'ledger.jsonl') });
  try {
    return await runCampaign(orchestrator, root, spec, () => twins.ledger());
  } finally {
    await orchestrator.close();
    await twins.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runCampaign(orchestrator: Orchestrator, root: string, spec: RunSpec, ledger: () => LedgerEntry[]): Promise<CampaignRecord> {
  const text = (spec.edit ?? ((t: string) => t))(readFileSync(join(root, spec.file), 'utf8'));
  const row = await orchestrator.campaigns.create({ file: spec.file, text, seed: spec.seed });
  const startedMs = Date.now();
  const summary = await (await orchestrator.campaigns.start(row.id)).done;
  const wallMs = Date.now() - startedMs;
  const experiments = await orchestrator.runtime.db.getRepository(ExperimentEntity).find({ where: { campaignId: row.id }, order: { index: 'ASC' } });
  const commands = await orchestrator.runtime.db.getRepository(CommandLogEntity).findBy({ campaignId: row.id });
  return { summary, experiments, commands, ledger: ledger().filter((l) => l.idempotencyKey.startsWith(row.id)), wallMs, timeScale: spec.timeScale };
}
