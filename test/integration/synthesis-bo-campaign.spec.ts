import { describe, expect, it } from 'vitest';
import { ExperimentEntity } from '../../apps/orchestrator/src/persistence/entities';
import { campaignText, startTestOrchestrator, testLab } from '../support/lab';

describe('two-objective synthesis with two experiments in flight', () => {
  it('keeps the robot busy while the STEM measures, never mixes up samples, and measures both objectives', async () => {
    const { lab, cleanup } = testLab({ timeScale: 0.00005 });
    const orchestrator = await startTestOrchestrator(lab);
    try {
      const text = campaignText('config/campaigns/synthesis-bo.yaml', (t) => t.replace('experiments: 40', 'experiments: 6').replace('initialDesign: 8', 'initialDesign: 3'));
      const row = await orchestrator.campaigns.create({ file: 'synthesis-bo.yaml', text, seed: 4 });
      const progress: number[] = [];
      const summary = await (await orchestrator.campaigns.start(row.id, ({ done }) => progress.push(done))).done;
      // Progress counts finished experiments, in flight or not: 1, 2, ... up to all of them.
      expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
      expect(summary.status).toBe('completed');
      expect(summary.experiments).toBe(6);

      const experiments = await orchestrator.runtime.db.getRepository(ExperimentEntity).find({ where: { campaignId: row.id }, order: { index: 'ASC' } });
      for (const e of experiments.filter((x) => x.status === 'succeeded')) {
        expect(e.objectives?.vacancy_fraction).toBeGreaterThanOrEqual(0);
        expect(e.objectives?.grain_size_nm).toBeGreaterThan(10);
      }
      // Pending experiments: a synthesis started before the previous experiment was done.
      const overlapping = experiments.slice(1).filter((e, i) => (e.startedAtMs ?? 0) < (experiments[i].finishedAtMs ?? 0));
      expect(overlapping.length).toBeGreaterThan(0);

      // The twins' own record: one command at a time per instrument, and every STEM scan between
      // its sample's handover and the next handover to the STEM (the right sample under the beam).
      const ledger = orchestrator.runtime.sim?.ledger().filter((l) => l.idempotencyKey.startsWith(row.id)) ?? [];
      for (const instrumentId of ['robot', 'stem']) {
        const runs = ledger.filter((l) => l.instrumentId === instrumentId && ['synthesize', 'handover', 'scan'].includes(l.action));
        for (let i = 1; i < runs.length; i++) expect(runs[i].startedAtMs).toBeGreaterThanOrEqual(runs[i - 1].finishedAtMs ?? Infinity);
      }
      const stemSequence = ledger
        .filter((l) => (l.action === 'handover' && l.params.to === 'stem') || (l.instrumentId === 'stem' && l.action === 'scan'))
        .sort((a, b) => a.startedAtMs - b.startedAtMs)
        .map((l) => `${l.action}:${l.idempotencyKey.split('/')[1]}`);
      for (let i = 0; i < stemSequence.length; i += 3) {
        const [handover, ...scans] = stemSequence.slice(i, i + 3);
        const index = handover.split(':')[1];
        expect(handover).toBe(`handover:${index}`);
        expect(scans).toEqual([`scan:${index}`, `scan:${index}`]);
      }
    } finally {
      await orchestrator.close();
      cleanup();
    }
  }, 120_000);
});
