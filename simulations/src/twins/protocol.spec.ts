import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SimulatedLab, startSimulatedLab } from '../lab';
import { startTestBroker, TestOrchestrator, waitFor } from '../testing/mqtt-harness';

const TIME_SCALE = 1e-5;
const recipe = { fractions: { A: 0.55, B: 0.3, C: 0.15 }, annealTempC: 720, annealTimeMin: 60 };

describe('twins over MQTT: the protocol', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  let lab: SimulatedLab;
  let orch: TestOrchestrator;

  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker.close();
  });
  beforeEach(async () => {
    orch = await TestOrchestrator.connect(broker.url);
    lab = await startSimulatedLab({
      brokerUrl: broker.url,
      seed: 7,
      timeScale: TIME_SCALE,
      instruments: [
        { id: 'robot', kind: 'synthesis-robot', transport: { type: 'mqtt' }, envelope: { annealTempC: { min: 200, max: 1100 } } },
        { id: 'afm', kind: 'spm', transport: { type: 'mqtt' }, envelope: { vMaxV: { max: 10 }, biasV: { min: -10, max: 10 } } },
      ],
    });
  });
  afterEach(async () => {
    await lab.stop();
    await orch.close();
  });

  it('answers ack, progress, data, then exactly one result listing the data', async () => {
    await orch.run('afm', 'loadSample', { sampleId: 'ref-strong' });
    const loop = await orch.run('afm', 'hysteresisLoop', { xNm: 500, yNm: 500, vMaxV: 8, cycles: 2, points: 64 });
    expect(loop.ack?.accepted).toBe(true);
    expect(loop.result?.status).toBe('succeeded');
    expect(loop.order[0]).toBe('ack');
    expect(loop.order.at(-1)).toBe('result');
    expect(loop.order.filter((t) => t === 'result')).toHaveLength(1);
    expect(loop.order.indexOf('data')).toBeGreaterThan(loop.order.indexOf('progress'));
    expect(loop.result?.dataIds).toEqual(loop.data.map((d) => d.header.dataId));
    expect(loop.data[0].header).toMatchObject({ kind: 'spectrum', dtype: 'float32', shape: [2, 128], rows: ['biasV', 'piezoresponsePm'] });
    expect(loop.result?.outputs).toEqual({ xNm: 500, yNm: 500 });
  });

  it('rejects with typed reasons and a field', async () => {
    const outOfEnvelope = await orch.run('afm', 'setBias', { biasV: 14 });
    expect(outOfEnvelope.ack?.reason).toMatchObject({ code: 'validation', field: 'biasV' });
    const loopTooHigh = await orch.run('afm', 'hysteresisLoop', { xNm: 1, yNm: 1, vMaxV: 12, cycles: 1, points: 16 });
    expect(loopTooHigh.ack?.reason).toMatchObject({ code: 'validation', field: 'vMaxV' });
    const missing = await orch.run('afm', 'moveTip', { xNm: 5 });
    expect(missing.ack?.reason).toMatchObject({ code: 'validation', field: 'yNm' });
    const nested = await orch.run('robot', 'synthesize', { sampleId: 's-hot', recipe: { ...recipe, annealTempC: 1500 } });
    expect(nested.ack?.reason).toMatchObject({ code: 'validation', field: 'recipe.annealTempC' });
    const unknown = await orch.run('afm', 'levitate');
    expect(unknown.ack?.reason?.code).toBe('unsupported');
    const late = await orch.run('afm', 'withdraw', {}, { deadlineMs: Date.now() - 1 });
    expect(late.ack?.reason).toMatchObject({ code: 'validation', field: 'deadlineMs' });
    const noSample = await orch.run('afm', 'scan', { sizeNm: 500, pixels: 16, lineRateHz: 1 });
    expect(noSample.ack?.reason?.code).toBe('interlock');
    // A rejection is final: no result follows.
    expect(outOfEnvelope.result).toBeUndefined();
  });

  it('refuses a second motion with busy, and a coarse move with the tip engaged with interlock', async () => {
    await orch.run('afm', 'loadSample', { sampleId: 'ref-strong' });
    const longScan = orch.send('afm', 'scan', { sizeNm: 1000, pixels: 64, lineRateHz: 0.001 });
    await waitFor(() => orch.exchange(longScan).ack);
    const second = await orch.run('afm', 'withdraw');
    expect(second.ack?.reason?.code).toBe('busy');
    const described = await orch.run('afm', 'describe');
    expect(described.result?.status).toBe('succeeded');
    const cancel = await orch.run('afm', 'cancel', { targetCmdId: longScan });
    expect(cancel.result?.outputs).toEqual({ cancelled: true });
    const scan = await orch.settled(longScan);
    expect(scan.result).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });

    await orch.run('afm', 'approach');
    const coarse = await orch.run('afm', 'moveTip', { xNm: 9000, yNm: 9000 });
    expect(coarse.ack?.reason?.code).toBe('interlock');
    expect((await orch.run('afm', 'loadSample', { sampleId: 'ref-weak' })).ack?.reason?.code).toBe('interlock');
    const fine = await orch.run('afm', 'moveTip', { xNm: 600, yNm: 500 });
    expect(fine.result?.status).toBe('succeeded');
  });

  it('never runs a repeated idempotency key twice and replays its result under the new cmdId', async () => {
    const first = await orch.run('robot', 'synthesize', { sampleId: 's-1', recipe }, { idempotencyKey: 'exp-1/synth' });
    const again = await orch.run('robot', 'synthesize', { sampleId: 's-1', recipe }, { idempotencyKey: 'exp-1/synth' });
    expect(again.ack).toMatchObject({ accepted: true, duplicate: true });
    expect(again.result?.cmdId).not.toBe(first.result?.cmdId);
    expect(again.result?.outputs).toEqual(first.result?.outputs);
    expect(lab.ledger().filter((e) => e.idempotencyKey === 'exp-1/synth')).toHaveLength(1);
  });

  it('replays to a duplicate that arrives while the first still runs, data frames included', async () => {
    await orch.run('afm', 'loadSample', { sampleId: 'ref-strong' });
    const params = { xNm: 100, yNm: 100, vMaxV: 6, cycles: 1, points: 32 };
    const a = orch.send('afm', 'hysteresisLoop', params, { idempotencyKey: 'loop-1' });
    const b = orch.send('afm', 'hysteresisLoop', params, { idempotencyKey: 'loop-1' });
    const [first, second] = await Promise.all([orch.settled(a), orch.settled(b)]);
    expect(second.ack?.duplicate).toBe(true);
    expect(second.data).toHaveLength(1);
    expect(second.data[0].header.cmdId).toBe(b);
    expect(second.data[0].payload.equals(first.data[0].payload)).toBe(true);
    expect(lab.twin('afm').ledger().filter((e) => e.action === 'hysteresisLoop')).toHaveLength(1);
  });

  it('estop: safe state, the running command ends cancelled with code estop, latched until reset with a reason', async () => {
    await orch.run('afm', 'loadSample', { sampleId: 'ref-strong' });
    await orch.run('afm', 'setBias', { biasV: 3 });
    const scan = orch.send('afm', 'scan', { sizeNm: 1000, pixels: 64, lineRateHz: 0.001 });
    await waitFor(() => orch.exchange(scan).ack);
    await orch.run('afm', 'estop', { reason: 'smoke' });
    expect((await orch.settled(scan)).result).toMatchObject({ status: 'cancelled', error: { code: 'estop' } });
    const status = await waitFor(() => (orch.latestStatus('afm')?.state === 'estopped' ? orch.latestStatus('afm') : undefined));
    expect(status.telemetry).toMatchObject({ tipEngaged: false, biasV: 0 });
    expect(lab.twin('afm').estopped).toBe(true);

    expect((await orch.run('afm', 'approach')).ack?.reason?.code).toBe('estopped');
    expect((await orch.run('afm', 'reset')).ack?.reason).toMatchObject({ code: 'validation', field: 'reason' });
    expect((await orch.run('afm', 'reset', { reason: 'checked by technician' })).result?.status).toBe('succeeded');
    expect((await orch.run('afm', 'approach')).result?.status).toBe('succeeded');
  });

  it('query reports running, terminal and unknown commands', async () => {
    const done = await orch.run('robot', 'describe');
    const running = orch.send('robot', 'synthesize', { sampleId: 's-q', recipe: { ...recipe, annealTimeMin: 100_000 } });
    await waitFor(() => orch.exchange(running).ack);
    const query = await orch.run('robot', 'query', { cmdIds: [done.ack?.cmdId ?? '', running, 'never-sent'] });
    const commands = query.result?.outputs?.commands as Record<string, { status: string }>;
    expect(commands[running].status).toBe('running');
    expect(commands['never-sent'].status).toBe('unknown');
    expect(commands[done.ack?.cmdId ?? ''].status).toBe('succeeded');
    await orch.run('robot', 'halt');
    expect((await orch.settled(running)).result).toMatchObject({ status: 'cancelled', error: { code: 'halted' } });
  });

  it('publishes retained status with increasing seq, and the last-will when the connection dies', async () => {
    // The broker may first replay the retained offline status of an earlier lab.
    const online = await waitFor(() => orch.statuses.get('afm')?.find((s) => s.online));
    expect(online).toMatchObject({ state: 'idle', ready: false, reasons: ['no_sample'] });
    await orch.run('afm', 'loadSample', { sampleId: 'ref-strong' });
    const seqs = (orch.statuses.get('afm') ?? []).map((s) => s.seq ?? 0);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(orch.latestStatus('afm')).toMatchObject({ ready: true, telemetry: { sampleId: 'ref-strong' } });

    lab.twin('afm').setFaults({ disconnectForMs: 300 });
    const offline = await waitFor(() => (orch.latestStatus('afm')?.online === false ? orch.latestStatus('afm') : undefined));
    expect(offline).toEqual({ v: 1, instrumentId: 'afm', online: false, state: 'offline', ready: false, reasons: ['offline'] });
    await waitFor(() => orch.latestStatus('afm')?.online === true);
    expect((await orch.run('afm', 'withdraw')).result?.status).toBe('succeeded');
  });
});
