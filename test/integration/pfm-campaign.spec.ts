import { describe, expect, it } from 'vitest';
import { CommandLogEntity, ExperimentEntity, MeasurementEntity } from '../../apps/orchestrator/src/persistence/entities';
import { campaignText, startTestOrchestrator, testLab } from '../support/lab';

describe('PFM active learning: setup, candidate grid, loops where the planner chooses', () => {
  it('runs the setup once, then measures loops only at locations of the overview grid', async () => {
    const { lab, cleanup } = testLab();
    const orchestrator = await startTestOrchestrator(lab);
    try {
      const text = campaignText('config/campaigns/pfm-active-learning.yaml', (t) => t.replace('experiments: 40', 'experiments: 10').replace('grid: 32', 'grid: 8'));
      const row = await orchestrator.campaigns.create({ file: 'pfm.yaml', text, seed: 2 });
      const summary = await (await orchestrator.campaigns.start(row.id)).done;
      expect(summary.status).toBe('completed');
      const db = orchestrator.runtime.db;
      const setup = await db.getRepository(MeasurementEntity).findBy({ experimentId: `setup-${row.id}` });
      expect(setup.map((m) => m.stepId).sort()).toEqual(['approach', 'handover', 'make', 'overview']);
      expect(setup.find((m) => m.stepId === 'overview')?.files.map((f) => f.channel).sort()).toEqual(['current', 'height', 'pfmAmplitude', 'pfmPhase']);
      const experiments = await db.getRepository(ExperimentEntity).find({ where: { campaignId: row.id }, order: { index: 'ASC' } });
      // An 8x8 grid over 5000 nm at 128 px: centres at (16 k + 8.5) px of 39.0625 nm.
      const onGrid = (nm: number) => Number.isInteger(Math.round((nm / (5000 / 128) - 8.5) * 1000) / 1000 / 16);
      for (const e of experiments) {
        expect(onGrid(Number(e.params.xNm)), `x ${e.params.xNm}`).toBe(true);
        expect(onGrid(Number(e.params.yNm)), `y ${e.params.yNm}`).toBe(true);
      }
      const synthesized = await db.getRepository(CommandLogEntity).countBy({ campaignId: row.id, action: 'synthesize' });
      expect(synthesized).toBe(1);
      expect(experiments.slice(6).every((e) => e.predicted.loop_area?.sd > 0)).toBe(true);
    } finally {
      await orchestrator.close();
      cleanup();
    }
  });
});
