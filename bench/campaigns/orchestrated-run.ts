import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LedgerEntry, World } from '@lab/simulations';
import { startOrchestrator } from '../../apps/orchestrator/src/bootstrap';
import { benchLab } from '../support/bench-lab';
import type { CampaignSummary } from '../../apps/orchestrator/src/campaigns/campaign-runner';
import { CommandLogEntity, ExperimentEntity } from '../../apps/orchestrator/src/persistence/entities';

export interface OrchestratedRun {
  summary: CampaignSummary;
  experiments: ExperimentEntity[];
  /** The orchestrator's command log: what it sent, with each command's nominal duration. */
  commands: CommandLogEntity[];
  /** What the twins executed for this campaign, in start order. */
  ledger: LedgerEntry[];
  world: World;
  wallMs: number;
  timeScale: number;
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
  const { lab, root, dir } = benchLab('bench-campaign', { timeScale: spec.timeScale, seed: spec.seed, world: spec.world });
  const orchestrator = await startOrchestrator({ lab, baseDir: root, http: false, simulationSeed: spec.seed });
  try {
    const text = (spec.edit ?? ((t: string) => t))(readFileSync(join(root, spec.file), 'utf8'));
    const row = await orchestrator.campaigns.create({ file: spec.file, text, seed: spec.seed });
    const startedMs = Date.now();
    const summary = await (await orchestrator.campaigns.start(row.id)).done;
    const wallMs = Date.now() - startedMs;
    const experiments = await orchestrator.runtime.db.getRepository(ExperimentEntity).find({ where: { campaignId: row.id }, order: { index: 'ASC' } });
    const commands = await orchestrator.runtime.db.getRepository(CommandLogEntity).findBy({ campaignId: row.id });
    const sim = orchestrator.runtime.sim;
    if (!sim) throw new Error('the benchmark needs the digital twins (simulation.enabled)');
    return { summary, experiments, commands, ledger: sim.ledger().filter((l) => l.idempotencyKey.startsWith(row.id)), world: sim.world, wallMs, timeScale: spec.timeScale };
  } finally {
    await orchestrator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
