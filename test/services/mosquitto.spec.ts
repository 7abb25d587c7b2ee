import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { CommandLogEntity } from '../../apps/orchestrator/src/persistence/entities';
import { campaignText, startTestOrchestrator, testLab } from '../support/lab';

/** The Mosquitto broker at 127.0.0.1:1883, as on the CI machine. */
const BROKER = process.env.LAB_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

describe('Mosquitto as the lab broker', () => {
  it('runs a campaign with the twins and the orchestrator on an external broker, on the documented topics', async () => {
    const spy = await mqtt.connectAsync(BROKER, { clientId: `spy-${process.pid}` });
    const topics = new Set<string>();
    spy.on('message', (topic) => topics.add(topic.replace(/^lab\/v1\/[^/]+\//, 'lab/v1/<id>/')));
    await spy.subscribeAsync('lab/v1/#', { qos: 1 });
    const { lab, cleanup } = testLab();
    lab.config.broker.url = BROKER;
    const orchestrator = await startTestOrchestrator(lab);
    try {
      const text = campaignText('config/campaigns/demo.yaml', (t) => t.replace('experiments: 24', 'experiments: 3'));
      const row = await orchestrator.campaigns.create({ file: 'demo.yaml', text, seed: 5 });
      const summary = await (await orchestrator.campaigns.start(row.id)).done;
      expect(summary.status).toBe('completed');
      const commands = await orchestrator.runtime.db.getRepository(CommandLogEntity).count();
      expect(commands).toBe(orchestrator.runtime.sim?.ledger().length);
    } finally {
      await orchestrator.close();
      await spy.endAsync();
      cleanup();
    }
    for (const channel of ['cmd', 'ack', 'progress', 'result', 'data', 'status']) expect(topics).toContain(`lab/v1/<id>/${channel}`);
  });
});
