import { describe, expect, it } from 'vitest';
import { CommandLogEntity } from '../../apps/orchestrator/src/persistence/entities';
import { campaignText, startTestOrchestrator, testLab } from '../support/lab';

describe('commands journalled ahead of their turn', () => {
  it('queues the next experiment\'s synthesis while the robot runs one, and withdraws it unsent on abort', async () => {
    const { lab, cleanup } = testLab({ timeScale: 0.00005 });
    const orchestrator = await startTestOrchestrator(lab);
    try {
      const text = campaignText('config/campaigns/synthesis-bo.yaml', (t) => t.replace('experiments: 40', 'experiments: 6'));
      const row = await orchestrator.campaigns.create({ file: 'synthesis-bo.yaml', text, seed: 5 });
      const commands = orchestrator.runtime.db.getRepository(CommandLogEntity);
      let queuedWhileBusy: CommandLogEntity | undefined;
      let running: string | undefined;
      const sub = orchestrator.runtime.events.events$.subscribe((event) => {
        if (event.type !== 'command.progress' || event.campaignId !== row.id || event.data.stepId !== 'make' || queuedWhileBusy) return;
        running = String(event.data.experimentId);
        void commands.findOneBy({ campaignId: row.id, status: 'queued' }).then((queued) => {
          if (!queued || queuedWhileBusy) return;
          queuedWhileBusy = queued;
          orchestrator.campaigns.runner(row.id)?.abort();
        });
      });
      const summary = await (await orchestrator.campaigns.start(row.id)).done;
      sub.unsubscribe();
      expect(summary.status).toBe('aborted');

      // The robot was busy with one experiment's synthesis while the next one's waited, journalled.
      expect(queuedWhileBusy).toMatchObject({ stepId: 'make', action: 'synthesize' });
      expect(queuedWhileBusy?.experimentId).not.toBe(running);
      const withdrawn = await commands.findOneByOrFail({ cmdId: queuedWhileBusy?.cmdId });
      expect(withdrawn).toMatchObject({ status: 'cancelled', error: { code: 'withdrawn' }, ackAtMs: null });
      // Never sent: the twin never saw it, and nothing is left looking in flight.
      const ledger = orchestrator.runtime.sim?.ledger() ?? [];
      expect(ledger.some((l) => l.idempotencyKey === withdrawn.idempotencyKey)).toBe(false);
      const inFlight = (await commands.findBy({ campaignId: row.id })).filter((c) => c.status === 'queued' || c.status === 'accepted');
      expect(inFlight).toEqual([]);
    } finally {
      await orchestrator.close();
      cleanup();
    }
  }, 120_000);
});
