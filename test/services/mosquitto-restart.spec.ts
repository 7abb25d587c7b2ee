import { execFileSync, execSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandLogEntity } from '../../apps/orchestrator/src/persistence/entities';
import { campaignText, startTestOrchestrator, testLab } from '../support/lab';

const BROKER = 'mqtt://127.0.0.1:1883';
/** How this machine starts Mosquitto (the services are started this way before every session). */
const START = ['-d', '-c', '/etc/mosquitto/mosquitto.conf'];

const mosquittoPid = (): string | undefined => {
  try {
    return execSync('pgrep -x mosquitto', { encoding: 'utf8' }).trim().split('\n')[0] || undefined;
  } catch {
    return undefined;
  }
};
const ensureMosquitto = (): void => {
  if (!mosquittoPid()) execFileSync('mosquitto', START);
};

describe('a real Mosquitto restart in the middle of a campaign', () => {
  afterAll(() => ensureMosquitto());

  it('completes the campaign and loses no command result', async () => {
    const { lab, cleanup } = testLab({ timeScale: 0.0003 });
    lab.config.broker.url = BROKER;
    const orchestrator = await startTestOrchestrator(lab);
    try {
      const text = campaignText('config/campaigns/demo.yaml', (t) => t.replace('experiments: 24', 'experiments: 6'));
      const row = await orchestrator.campaigns.create({ file: 'demo.yaml', text, seed: 11 });
      const { done } = await orchestrator.campaigns.start(row.id);
      // Restart the broker while the second experiment is under way.
      await new Promise<void>((resolve) => {
        const sub = orchestrator.runtime.events.events$.subscribe((event) => {
          if (event.type === 'experiment.started' && event.data.index === 1) {
            sub.unsubscribe();
            resolve();
          }
        });
      });
      const pid = mosquittoPid();
      expect(pid, 'Mosquitto must be running for this test').toBeDefined();
      execFileSync('kill', [pid as string]);
      for (let i = 0; i < 50 && mosquittoPid(); i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1000));
      execFileSync('mosquitto', START);
      const summary = await done;
      expect(summary.status).toBe('completed');
      const commands = await orchestrator.runtime.db.getRepository(CommandLogEntity).findBy({ campaignId: row.id });
      const ledger = orchestrator.runtime.sim?.ledger().filter((l) => l.idempotencyKey.startsWith(row.id)) ?? [];
      expect(new Set(ledger.map((l) => l.idempotencyKey)).size).toBe(ledger.length);
      const logged = new Map(commands.map((c) => [c.idempotencyKey, c.status]));
      expect(ledger.filter((l) => l.status !== 'running' && logged.get(l.idempotencyKey) !== l.status)).toEqual([]);
      expect(summary.experiments).toBe(6);
    } finally {
      await orchestrator.close();
      cleanup();
      ensureMosquitto();
    }
  }, 120_000);
});
