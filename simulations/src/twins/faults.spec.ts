import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SimulatedLab, startSimulatedLab } from '../lab';
import { startTestBroker, TestOrchestrator, waitFor } from '../testing/mqtt-harness';

describe('fault injection', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  let lab: SimulatedLab;
  let orch: TestOrchestrator;

  beforeAll(async () => {
    broker = await startTestBroker();
    orch = await TestOrchestrator.connect(broker.url);
  });
  afterAll(async () => {
    await orch.close();
    await broker.close();
  });
  beforeEach(async () => {
    lab = await startSimulatedLab({ brokerUrl: broker.url, seed: 3, timeScale: 1e-5, instruments: [{ id: 'afm', kind: 'spm', transport: { type: 'mqtt' } }] });
    await orch.run('afm', 'loadSample', { sampleId: 'ref-strong' });
  });
  afterEach(async () => {
    await lab.stop();
  });

  it('a dropped ack still runs the command; a dropped result is found by query', async () => {
    lab.twin('afm').setFaults({ dropAcksNext: 1 });
    const noAck = await orch.run('afm', 'withdraw');
    expect(noAck.ack).toBeUndefined();
    expect(noAck.result?.status).toBe('succeeded');

    lab.twin('afm').setFaults({ dropResultsNext: 1 });
    const cmdId = orch.send('afm', 'setBias', { biasV: 1 });
    await waitFor(() => lab.twin('afm').ledger().find((e) => e.cmdId === cmdId && e.status === 'succeeded'));
    expect(orch.exchange(cmdId).result).toBeUndefined();
    const query = await orch.run('afm', 'query', { cmdIds: [cmdId] });
    expect(query.result?.outputs).toMatchObject({ commands: { [cmdId]: { status: 'succeeded', result: { cmdId, status: 'succeeded' } } } });
  });

  it('a stuck command never finishes until cancelled', async () => {
    lab.twin('afm').setFaults({ stuck: true });
    const cmdId = orch.send('afm', 'withdraw');
    await waitFor(() => orch.exchange(cmdId).ack);
    expect((await orch.run('afm', 'setBias', { biasV: 1 })).ack?.reason?.code).toBe('busy');
    await orch.run('afm', 'cancel', { targetCmdId: cmdId });
    expect((await orch.settled(cmdId)).result?.status).toBe('cancelled');
  });

  it('a stuck command runs on to its result when the knob is turned off', async () => {
    lab.twin('afm').setFaults({ stuck: true });
    const cmdId = orch.send('afm', 'setBias', { biasV: 2 });
    await waitFor(() => orch.exchange(cmdId).ack);
    expect(lab.twin('afm').ledger().find((e) => e.cmdId === cmdId)?.status).toBe('running');
    lab.twin('afm').setFaults({ stuck: false });
    expect((await orch.settled(cmdId)).result?.status).toBe('succeeded');
  });

  it('an instrument fault fails the running command, refuses work, and clears on reset', async () => {
    lab.twin('afm').setFaults({ stuck: true });
    const cmdId = orch.send('afm', 'approach');
    await waitFor(() => orch.exchange(cmdId).ack);
    lab.twin('afm').setFaults({ stuck: false, instrumentFault: 'z piezo driver tripped' });
    expect((await orch.settled(cmdId)).result).toMatchObject({ status: 'failed', error: { code: 'fault' } });
    expect(lab.twin('afm').state).toBe('fault');
    expect((await orch.run('afm', 'approach')).ack?.reason?.code).toBe('interlock');
    await orch.run('afm', 'reset', { reason: 'driver replaced' });
    expect((await orch.run('afm', 'approach')).result?.status).toBe('succeeded');
  });

  it('garbage and latency do not break the protocol', async () => {
    const before = orch.unreadable;
    lab.twin('afm').setFaults({ garbageNow: 4, latencyMs: 20, garbageProbability: 1 });
    const loop = await orch.run('afm', 'hysteresisLoop', { xNm: 10, yNm: 10, vMaxV: 4, cycles: 1, points: 16 });
    expect(loop.result?.status).toBe('succeeded');
    expect(loop.data).toHaveLength(1);
    await waitFor(() => orch.unreadable >= before + 4);
  });
});
