import { describe, expect, it } from 'vitest';
import { CommandLogEntity } from '../../apps/orchestrator/src/persistence/entities';
import { campaignText, startTestOrchestrator, testLab } from '../support/lab';

describe('a lab with an instrument on a serial line', () => {
  it('runs the demo with the AFM twin behind a pty pair and the robot on MQTT', async () => {
    const { lab, cleanup } = testLab();
    lab.config.instruments = lab.config.instruments.map((i) => (i.id === 'afm' ? { ...i, transport: { type: 'serial', path: '/dev/null-unused', baudRate: 115200 } } : i));
    const orchestrator = await startTestOrchestrator(lab);
    try {
      const text = campaignText('config/campaigns/demo.yaml', (t) => t.replace('experiments: 24', 'experiments: 3'));
      const row = await orchestrator.campaigns.create({ file: 'demo.yaml', text, seed: 4 });
      const summary = await (await orchestrator.campaigns.start(row.id)).done;
      expect(summary.status).toBe('completed');
      const afmCommands = await orchestrator.runtime.db.getRepository(CommandLogEntity).findBy({ instrumentId: 'afm' });
      expect(afmCommands.length).toBeGreaterThan(0);
      expect(afmCommands.every((c) => c.status === 'succeeded')).toBe(true);
      expect(afmCommands.map((c) => c.action)).toContain('hysteresisLoop');
    } finally {
      await orchestrator.close();
      cleanup();
    }
  });
});
