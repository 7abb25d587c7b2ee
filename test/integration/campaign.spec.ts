import { afterAll, describe, expect, it } from 'vitest';
import { CommandLogEntity, ExperimentEntity, MeasurementEntity } from '../../apps/orchestrator/src/persistence/entities';
import { campaignText, startTestOrchestrator, testLab } from '../support/lab';

const BUDGET = 8;
const INITIAL_DESIGN = 4;
const demo = campaignText('config/campaigns/demo.yaml', (t) =>
  t.replace('experiments: 24', `experiments: ${BUDGET}`).replace('batchSize: 1', `batchSize: 1\n  options: { initialDesign: ${INITIAL_DESIGN} }`),
);

async function runDemo(seed: number) {
  const { lab, cleanup } = testLab({ seed });
  const orchestrator = await startTestOrchestrator(lab, { seed });
  try {
    const row = await orchestrator.campaigns.create({ file: 'demo.yaml', text: demo, seed });
    const summary = await (await orchestrator.campaigns.start(row.id)).done;
    const db = orchestrator.runtime.db;
    return {
      summary,
      experiments: await db.getRepository(ExperimentEntity).find({ order: { index: 'ASC' } }),
      commands: await db.getRepository(CommandLogEntity).find(),
      measurements: await db.getRepository(MeasurementEntity).find(),
      ledger: orchestrator.runtime.sim?.ledger() ?? [],
    };
  } finally {
    await orchestrator.close();
    cleanup();
  }
}

describe('the demo campaign, closed loop on the digital twins', () => {
  const first = runDemo(1);
  afterAll(async () => void (await first));

  it('runs every experiment of its budget and completes', async () => {
    const { summary, experiments } = await first;
    expect(summary.status).toBe('completed');
    expect(experiments).toHaveLength(BUDGET);
    expect(experiments.every((e) => e.status === 'succeeded' || e.status === 'failed')).toBe(true);
    expect(summary.best?.value).toBeGreaterThan(0);
  });

  it('keeps one command-log row per command the instruments executed, each finished', async () => {
    const { commands, ledger } = await first;
    expect(commands.length).toBeGreaterThan(BUDGET);
    expect(new Set(commands.map((c) => c.idempotencyKey))).toEqual(new Set(ledger.map((l) => l.idempotencyKey)));
    expect(commands.every((c) => c.status === 'succeeded' && c.ackAtMs !== null && c.resultAtMs !== null)).toBe(true);
  });

  it('stores each proposal with its prediction and explanation, and each measurement with its raw data', async () => {
    const { experiments, measurements } = await first;
    for (const e of experiments) {
      expect(Math.abs(Number(e.params.fracA) + Number(e.params.fracB) + Number(e.params.fracC) - 1)).toBeLessThan(1e-6);
      expect(typeof e.explanation.reason).toBe('string');
    }
    // After the initial design every proposal comes from the model, with its prediction.
    for (const e of experiments.slice(INITIAL_DESIGN)) {
      expect(e.predicted.loop_area.sd).toBeGreaterThan(0);
      expect(e.acquisition).not.toBeNull();
    }
    const loops = measurements.filter((m) => m.stepId === 'loop');
    expect(loops).toHaveLength(experiments.filter((e) => e.status === 'succeeded').length);
    expect(loops[0].files[0]).toMatchObject({ kind: 'spectrum', rows: ['biasV', 'piezoresponsePm'] });
    expect(loops[0].features.loop_area).toBeGreaterThan(0);
  });

  it('proposes the same experiments and measures the same values for the same seed', async () => {
    const again = await runDemo(1);
    const { experiments } = await first;
    expect(again.experiments.map((e) => e.params)).toEqual(experiments.map((e) => e.params));
    expect(again.experiments.map((e) => e.objectives)).toEqual(experiments.map((e) => e.objectives));
  });

  it('proposes differently for another seed', async () => {
    const other = await runDemo(2);
    const { experiments } = await first;
    expect(other.experiments[1].params).not.toEqual(experiments[1].params);
  });
});
