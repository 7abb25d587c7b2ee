import mqtt, { type MqttClient } from 'mqtt';
import { firstValueFrom, filter, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestBroker } from '../../../test/support/broker';
import { encodeDataFrame } from '../codec/data-frame';
import { CommandRejectedError, DeviceTimeoutError } from '../errors';
import type { Command } from '../messages';
import { MqttBus } from './mqtt-bus';

/**
 * A device written from docs/protocol.md with plain mqtt.js: it acks, reports progress, sends a
 * data frame and a result. `behaviour` lets a test make it reject, stay silent or go away.
 */
async function fakeDevice(url: string, id: string, behaviour: { reject?: boolean; silent?: boolean; holdResult?: boolean } = {}) {
  const client = await mqtt.connectAsync(url, {
    clientId: `device-${id}`,
    will: { topic: `lab/v1/${id}/status`, payload: Buffer.from(JSON.stringify({ v: 1, instrumentId: id, online: false, state: 'offline', ready: false, reasons: ['offline'] })), qos: 1, retain: true },
  });
  const publish = (channel: string, body: unknown, qos: 0 | 1 = 1) =>
    client.publishAsync(`lab/v1/${id}/${channel}`, typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body), { qos });
  await publish('status', { v: 1, instrumentId: id, online: true, state: 'idle', ready: true, reasons: [], seq: 1 }, 1);
  await client.publishAsync(`lab/v1/${id}/status`, JSON.stringify({ v: 1, instrumentId: id, online: true, state: 'idle', ready: true, reasons: [], seq: 1 }), { qos: 1, retain: true });
  const held: (() => Promise<void>)[] = [];
  await client.subscribeAsync(`lab/v1/${id}/cmd`, { qos: 1 });
  client.on('message', async (_topic, payload) => {
    const cmd = JSON.parse(payload.toString()) as Command;
    if (behaviour.silent) return;
    if (behaviour.reject) {
      await publish('ack', { v: 1, cmdId: cmd.cmdId, accepted: false, reason: { code: 'validation', message: 'vMaxV 20 outside [0, 10]', field: 'vMaxV' } });
      return;
    }
    await publish('ack', { v: 1, cmdId: cmd.cmdId, accepted: true });
    await publish('progress', { v: 1, cmdId: cmd.cmdId, fraction: 0.5, etaS: 1 }, 0);
    const finish = async () => {
      const header = { v: 1, cmdId: cmd.cmdId, dataId: `d-${cmd.cmdId}`, kind: 'spectrum', dtype: 'float32', shape: [2, 2], rows: ['biasV', 'piezoresponsePm'] };
      const json = Buffer.from(JSON.stringify(header));
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32BE(json.length);
      await publish('data', Buffer.concat([prefix, json, Buffer.from(new Float32Array([-1, 1, 2, -2]).buffer)]));
      await publish('result', { v: 1, cmdId: cmd.cmdId, status: 'succeeded', outputs: { echoed: cmd.action }, dataIds: [header.dataId] });
    };
    if (behaviour.holdResult) held.push(finish);
    else await finish();
  });
  return { client, releaseHeld: async () => { for (const f of held.splice(0)) await f(); } };
}

const command = (action: string, deadlineInMs = 5000): Command => ({
  v: 1, cmdId: `c-${Math.random().toString(36).slice(2)}`, idempotencyKey: `k-${Math.random()}`, action, params: { xNm: 1 },
  issuedBy: 'test', issuedAtMs: Date.now(), deadlineMs: Date.now() + deadlineInMs, expectedDurationS: 1,
});

describe('MQTT link against a device written from the protocol document', () => {
  let broker: TestBroker;
  let bus: MqttBus;
  const clients: MqttClient[] = [];

  beforeEach(async () => {
    broker = await new TestBroker().start();
    bus = await MqttBus.connect({ url: broker.url, clientId: `orchestrator-${Math.random()}`, reconnectMs: 100 });
  });
  afterEach(async () => {
    await bus.close();
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await broker.stop();
  });

  it('round-trips ack, progress, binary data and result', async () => {
    clients.push((await fakeDevice(broker.url, 'afm')).client);
    const link = bus.link('afm');
    const handle = link.send(command('hysteresisLoop'));
    const progress = firstValueFrom(handle.progress$.pipe(toArray()));
    await expect(handle.accepted).resolves.toMatchObject({ accepted: true });
    const result = await handle.result;
    expect(result.outputs).toEqual({ echoed: 'hysteresisLoop' });
    expect([...result.data[0].values]).toEqual([-1, 1, 2, -2]);
    expect((await progress).map((p) => p.fraction)).toEqual([0.5]);
  });

  it('surfaces a rejection with its code and field', async () => {
    clients.push((await fakeDevice(broker.url, 'afm', { reject: true })).client);
    const error = await bus.link('afm').send(command('hysteresisLoop')).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandRejectedError);
    expect(error).toMatchObject({ code: 'validation', field: 'vMaxV' });
  });

  it('times out when the instrument never answers', async () => {
    clients.push((await fakeDevice(broker.url, 'afm', { silent: true })).client);
    const error = await bus.link('afm', { ackTimeoutMs: 300 }).send(command('scan')).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceTimeoutError);
  });

  it('sees the retained status, and the last-will when the device dies', async () => {
    const device = await fakeDevice(broker.url, 'afm');
    const link = bus.link('afm');
    await firstValueFrom(link.status$.pipe(filter((s) => s.online)));
    device.client.stream.destroy();
    const offline = await firstValueFrom(link.status$.pipe(filter((s) => !s.online)));
    expect(offline.state).toBe('offline');
  });

  it('loses no result across a broker restart', async () => {
    const device = await fakeDevice(broker.url, 'afm', { holdResult: true });
    clients.push(device.client);
    const handle = bus.link('afm').send(command('scan', 20_000));
    await handle.accepted;
    await broker.stop();
    await new Promise((r) => setTimeout(r, 300));
    await broker.start();
    await firstValueFrom(bus.state$.pipe(filter((s) => s === 'connected')));
    await new Promise<void>((resolve) => (device.client.connected ? resolve() : device.client.once('connect', () => resolve())));
    await device.releaseHeld();
    await expect(handle.result).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('reports garbage on its topics as a warning without failing the command in flight', async () => {
    clients.push((await fakeDevice(broker.url, 'afm', { holdResult: true })).client);
    const warnings = firstValueFrom(bus.warnings$);
    const link = bus.link('afm');
    const handle = link.send(command('scan'));
    await handle.accepted;
    const rogue = await mqtt.connectAsync(broker.url);
    clients.push(rogue);
    await rogue.publishAsync('lab/v1/afm/result', '{not json', { qos: 1 });
    expect((await warnings).error.message).toMatch(/result is not valid JSON/);
  });
});
