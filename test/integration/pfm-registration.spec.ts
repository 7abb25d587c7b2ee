import { startSimulatedLab } from '@lab/simulations';
import { describe, expect, it } from 'vitest';
import { startOrchestrator } from '../../apps/orchestrator/src/bootstrap';
import { CommandLogEntity, ExperimentEntity, MeasurementEntity } from '../../apps/orchestrator/src/persistence/entities';
import { twinOptionsOf } from '../../apps/orchestrator/src/runtime/twin-options';
import { drifted, PfmSurface } from '../../simulations/src/world/pfm';
import { TestBroker } from '../support/broker';
import { campaignText, ROOT, startTestOrchestrator, testLab } from '../support/lab';

const DRIFT_NM_PER_MEASUREMENT = 4;

describe('PFM campaign with drift re-registration', () => {
  it('rescans, adopts the drift and sends the loops where the candidates now are', async () => {
    const { lab, cleanup } = testLab();
    lab.config.simulation.world = { spm: { loop: { driftNmPerMeasurement: DRIFT_NM_PER_MEASUREMENT } } };
    const orchestrator = await startTestOrchestrator(lab);
    const alerts: Record<string, unknown>[] = [];
    const subscription = orchestrator.runtime.events.events$.subscribe((e) => {
      if (e.type === 'alert' && e.data.code === 'reregistered') alerts.push(e.data);
    });
    try {
      const text = campaignText('config/campaigns/pfm-active-learning.yaml', (t) =>
        t
          .replace('experiments: 40', 'experiments: 12')
          .replace('grid: 32', 'grid: 8')
          .replace('registration: { everyExperiments: 10,', 'registration: { everyExperiments: 1,'),
      );
      expect(text).toContain('everyExperiments: 1,');
      const row = await orchestrator.campaigns.create({ file: 'pfm.yaml', text, seed: 2 });
      const summary = await (await orchestrator.campaigns.start(row.id)).done;
      expect(summary.status).toBe('completed');
      const db = orchestrator.runtime.db;

      // The reference and one rescan after each experiment but the last, under their own keys, stored for a restart.
      const rescans = await db.getRepository(CommandLogEntity).find({ where: { campaignId: row.id, action: 'scan' }, order: { issuedAtMs: 'ASC' } });
      const keys = rescans.map((c) => c.idempotencyKey).filter((k) => k.includes('/registration/'));
      expect(keys).toEqual(Array.from({ length: 12 }, (_, k) => `${row.id}/registration/${k}`));
      const stored = await db.getRepository(MeasurementEntity).findBy({ experimentId: `registration-${row.id}` });
      expect(stored.map((m) => m.stepId).sort()).toEqual(Array.from({ length: 12 }, (_, k) => `registration-${k}`).sort());
      expect(alerts.length).toBeGreaterThan(3);

      // Each loop went out at the candidate plus the correction it records; the row keeps the candidate.
      const experiments = await db.getRepository(ExperimentEntity).find({ where: { campaignId: row.id }, order: { index: 'ASC' } });
      const loops = await db.getRepository(MeasurementEntity).findBy({ campaignId: row.id, stepId: 'loop' });
      const sent = await db.getRepository(CommandLogEntity).findBy({ campaignId: row.id, action: 'hysteresisLoop' });
      expect(loops).toHaveLength(12);

      // The twin's truth: the film, its drift direction, and each AFM measurement's index (ledger order).
      const world = orchestrator.runtime.sim?.world;
      if (!world) throw new Error('no simulated lab');
      const sample = world.sample(`${row.id.slice(0, 8)}-setup`);
      if (!sample) throw new Error('no film');
      const surface = new PfmSurface(world.params, sample);
      const afm = (orchestrator.runtime.sim?.ledger() ?? []).filter((l) => l.instrumentId === 'afm' && ['scan', 'hysteresisLoop'].includes(l.action));
      const residualsNm: number[] = [];
      const uncorrectedNm: number[] = [];
      for (const e of experiments) {
        const loop = loops.find((m) => m.experimentId === e.id);
        const command = sent.find((c) => c.experimentId === e.id);
        if (!loop || !command) throw new Error(`experiment ${e.index}: no loop`);
        const dx = Number(loop.outputs.registrationDxNm);
        const dy = Number(loop.outputs.registrationDyNm);
        expect(command.params.xNm).toBeCloseTo(Number(e.params.xNm) + dx, 6);
        expect(command.params.yNm).toBeCloseTo(Number(e.params.yNm) + dy, 6);
        const measurementIndex = afm.findIndex((l) => l.idempotencyKey === command.idempotencyKey);
        expect(measurementIndex).toBeGreaterThan(0);
        const truth = drifted(surface, { xNm: Number(command.params.xNm), yNm: Number(command.params.yNm), measurementIndex });
        residualsNm.push(Math.hypot(truth.xNm - Number(e.params.xNm), truth.yNm - Number(e.params.yNm)));
        uncorrectedNm.push(DRIFT_NM_PER_MEASUREMENT * measurementIndex);
      }
      // Without registration the last loops would be 80+ nm off (the whole drift); with it, the
      // loop is off by what drifted since the rescan before it and since the overview (one
      // measurement each, 4 nm) plus the estimate's error.
      expect(Math.max(...uncorrectedNm)).toBeGreaterThan(80);
      expect(Math.max(...residualsNm)).toBeLessThan(3 * DRIFT_NM_PER_MEASUREMENT);
    } finally {
      subscription.unsubscribe();
      await orchestrator.close();
      cleanup();
    }
  });
});

describe('drift re-registration across a restart', () => {
  it('replays the stored rescans instead of scanning again, and goes on with the correction it had', async () => {
    // The twins (and the film's drift) outlive the orchestrator, as instruments do.
    const broker = await new TestBroker().start();
    const { lab, cleanup } = testLab();
    lab.config.simulation.world = { spm: { loop: { driftNmPerMeasurement: DRIFT_NM_PER_MEASUREMENT } } };
    const sim = await startSimulatedLab(twinOptionsOf(lab.config, { brokerUrl: broker.url, seed: 2 }));
    const start = () => startOrchestrator({ lab, baseDir: ROOT, http: false, brokerUrl: broker.url, simulate: false });
    let orchestrator = await start();
    try {
      const text = campaignText('config/campaigns/pfm-active-learning.yaml', (t) =>
        t.replace('experiments: 40', 'experiments: 10').replace('grid: 32', 'grid: 8').replace('registration: { everyExperiments: 10,', 'registration: { everyExperiments: 3,'),
      );
      const row = await orchestrator.campaigns.create({ file: 'pfm.yaml', text, seed: 2 });
      // Rescans go before experiments 3, 6 and 9 (0-based): stop the orchestrator once 7 are done.
      let finished = 0;
      const events$ = orchestrator.runtime.events.events$;
      const stopped = new Promise<void>((resolve) => {
        const sub = events$.subscribe((e) => {
          if (e.type === 'experiment.finished' && e.campaignId === row.id && ++finished === 7) {
            sub.unsubscribe();
            resolve();
          }
        });
      });
      const { done } = await orchestrator.campaigns.start(row.id);
      await stopped;
      await orchestrator.close();
      expect((await done).status).toBe('interrupted');

      orchestrator = await start();
      const summary = await (await orchestrator.campaigns.start(row.id)).done;
      expect(summary.status).toBe('completed');

      // Every rescan ran once on the instrument and has one command row: none was scanned again.
      const db = orchestrator.runtime.db;
      const keys = (await db.getRepository(CommandLogEntity).findBy({ campaignId: row.id, action: 'scan' })).map((c) => c.idempotencyKey).filter((k) => k.includes('/registration/'));
      expect(keys.sort()).toEqual([0, 1, 2, 3].map((k) => `${row.id}/registration/${k}`));
      const executed = sim.ledger().filter((l) => l.idempotencyKey.includes(`${row.id}/registration/`));
      expect(executed.map((l) => l.idempotencyKey).sort()).toEqual(keys.sort());

      // Experiment 8, the first started after the restart, went out with the correction of rescan
      // 2, as experiment 6 did before it: the stored rescans were replayed, in order.
      const experiments = await db.getRepository(ExperimentEntity).find({ where: { campaignId: row.id }, order: { index: 'ASC' } });
      const loops = await db.getRepository(MeasurementEntity).findBy({ campaignId: row.id, stepId: 'loop' });
      const correctionOf = (index: number): number[] => {
        const loop = loops.find((m) => m.experimentId === experiments.find((e) => e.index === index)?.id);
        return [Number(loop?.outputs.registrationDxNm), Number(loop?.outputs.registrationDyNm)];
      };
      expect(correctionOf(8)).toEqual(correctionOf(6));
      expect(correctionOf(6)).not.toEqual(correctionOf(5));
      expect(correctionOf(9)).not.toEqual(correctionOf(8));
    } finally {
      await orchestrator.close();
      await sim.stop();
      await broker.stop();
      cleanup();
    }
  });
});
