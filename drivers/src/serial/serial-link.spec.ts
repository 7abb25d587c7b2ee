import { type PtyPair, type SimulatedLab, startPtyPair, startSimulatedLab, waitFor } from '@lab/simulations';
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceTimeoutError } from '../errors';
import type { LinkState } from '../link';
import type { Command, Params } from '../messages';
import { decodeLine, encodeLine, LineBuffer } from './line-codec';
import { SerialLink } from './serial-link';

let counter = 0;
const command = (action: string, params: Params = {}, deadlineInMs = 20_000): Command => {
  const cmdId = `c-${++counter}`;
  return { v: 1, cmdId, idempotencyKey: `k-${cmdId}`, action, params, issuedBy: 'test', issuedAtMs: Date.now(), deadlineMs: Date.now() + deadlineInMs, expectedDurationS: 1 };
};
const recipe = { fractions: { A: 0.55, B: 0.3, C: 0.15 }, annealTempC: 720, annealTimeMin: 60 };
const HEARTBEAT_S = 0.2;

describe('SerialLink against serial twins on real pseudo-terminals', () => {
  const pairs: Record<string, PtyPair> = {};
  const links: Record<string, SerialLink> = {};
  let lab: SimulatedLab;
  const run = async (id: string, action: string, params: Params = {}) => {
    const result = await links[id].send(command(action, params)).result;
    expect(result.status, `${id} ${action}: ${result.error?.message ?? ''}`).toBe('succeeded');
    return result;
  };
  const stateOf = (id: string, wanted: LinkState) => firstValueFrom(links[id].state$.pipe(filter((s) => s === wanted)));

  beforeAll(async () => {
    for (const id of ['robot', 'afm', 'stem', 'raw']) pairs[id] = await startPtyPair(id);
    lab = await startSimulatedLab({
      seed: 5,
      timeScale: 1e-5,
      heartbeatS: HEARTBEAT_S,
      instruments: [
        { id: 'robot', kind: 'synthesis-robot', transport: { type: 'serial', path: pairs.robot.devicePath } },
        { id: 'afm', kind: 'spm', transport: { type: 'serial', path: pairs.afm.devicePath } },
        { id: 'stem', kind: 'stem', transport: { type: 'serial', path: pairs.stem.devicePath } },
        { id: 'raw', kind: 'spm', transport: { type: 'serial', path: pairs.raw.devicePath } },
      ],
    });
    for (const id of ['robot', 'afm', 'stem']) {
      links[id] = new SerialLink({ instrumentId: id, path: pairs[id].hostPath, heartbeatS: HEARTBEAT_S, ackTimeoutMs: 500, reconnect: { initialMs: 50, maxMs: 400 } });
      await stateOf(id, 'connected');
    }
  });

  afterAll(async () => {
    await Promise.all(Object.values(links).map((link) => link.close()));
    await lab.stop();
    await Promise.all(Object.values(pairs).map((pair) => pair.stop()));
  });

  it('round-trips every robot, SPM, STEM and control action', async () => {
    await run('robot', 'describe');
    expect((await run('robot', 'synthesize', { sampleId: 's-1', recipe })).outputs).toEqual({ sampleId: 's-1', outcome: 'ok' });
    await run('robot', 'handover', { sampleId: 's-1', to: 'afm' });

    await run('afm', 'approach');
    await run('afm', 'moveTip', { xNm: 1000, yNm: 1200 });
    await run('afm', 'setBias', { biasV: 1.5 });
    const scan = await run('afm', 'scan', { sizeNm: 800, pixels: 32, lineRateHz: 2, channels: ['height', 'pfmAmplitude', 'pfmPhase'] });
    expect(scan.data.map((d) => d.header.channel)).toEqual(['height', 'pfmAmplitude', 'pfmPhase']);
    expect(scan.data[0].values).toBeInstanceOf(Float32Array);
    expect(scan.data[0].values).toHaveLength(32 * 32);
    const loop = await run('afm', 'hysteresisLoop', { xNm: 1000, yNm: 1200, vMaxV: 8, cycles: 2, points: 32 });
    expect(loop.data[0].header).toMatchObject({ shape: [2, 64], rows: ['biasV', 'piezoresponsePm'] });
    await run('afm', 'ivCurve', { xNm: 1000, yNm: 1200, vMaxV: 2, points: 16 });
    await run('afm', 'withdraw');

    await run('stem', 'loadSample', { sampleId: 'ref-strong' });
    const frame = await run('stem', 'scan', { fovNm: 6, pixels: 64, dwellUs: 4, detector: 'haadf' });
    expect(frame.data[0].header).toMatchObject({ kind: 'image', channel: 'haadf', shape: [64, 64] });
    await run('stem', 'park', { xNm: 900, yNm: 900 });
    await run('stem', 'unblank');
    await run('stem', 'blank');
    expect((await run('stem', 'eels', { xNm: 1000, yNm: 1000, dwellMs: 5 })).data[0].header.rows).toEqual(['energyLossEv', 'counts']);
    await run('stem', 'setOptics', { name: 'defocusNm', value: -3, toleranceAbs: 5 });
    await run('stem', 'moveStage', { xUm: 10, yUm: -4 });

    const probe = links.stem.send(command('describe'));
    const query = await run('stem', 'query', { cmdIds: [probe.cmdId, 'never-sent'] });
    expect(query.outputs).toMatchObject({ commands: { 'never-sent': { status: 'unknown' } } });
    expect((await run('stem', 'cancel', { targetCmdId: 'nothing-running' })).outputs).toEqual({ cancelled: false });
    await run('stem', 'estop', { reason: 'serial test' });
    await expect(links.stem.send(command('scan', { fovNm: 6, pixels: 16, dwellUs: 1 })).result).rejects.toMatchObject({ code: 'estopped' });
    await run('stem', 'reset', { reason: 'serial test done' });
    await run('stem', 'clearProblem', { problem: 'none' });

    expect(links.afm.identity).toBe('afm spm SimPFM-3000 twin-1');
    const status = await firstValueFrom(links.afm.status$.pipe(filter((s) => s.online)));
    expect(status).toMatchObject({ instrumentId: 'afm', kind: 'spm', telemetry: { sampleId: 's-1' } });
  });

  it('answers a line with a bad checksum with NAK, and *IDN? with IDN', async () => {
    const port = new SerialPort({ path: pairs.raw.hostPath, baudRate: 115200 });
    const lines: string[] = [];
    const buffer = new LineBuffer();
    port.on('data', (chunk: Buffer) => lines.push(...buffer.push(chunk)));
    await new Promise((resolve) => port.once('open', resolve));
    const good = encodeLine(`CMD ${JSON.stringify(command('describe'))}`).toString();
    port.write(good.replace(/\*[0-9A-F]{4}/, '*0000'));
    port.write(encodeLine('*IDN?'));
    const nak = await waitFor(() => lines.map(decodeLine).find((l) => l.ok && l.keyword === 'NAK'));
    expect(nak).toMatchObject({ rest: 'bad crc' });
    expect(await waitFor(() => lines.map(decodeLine).find((l) => l.ok && l.keyword === 'IDN'))).toMatchObject({ rest: 'raw spm SimPFM-3000 twin-1' });
    await new Promise((resolve) => port.close(resolve));
  });

  it('counts garbage from the device and keeps working', async () => {
    const before = links.robot.garbageLines;
    lab.twin('robot').setFaults({ garbageNow: 3 });
    await waitFor(() => links.robot.garbageLines >= before + 3);
    await run('robot', 'describe');
  });

  it('fails with DeviceTimeoutError when the device stops answering or never finishes', async () => {
    lab.twin('robot').setFaults({ stuck: true });
    await expect(links.robot.send(command('synthesize', { sampleId: 's-stuck', recipe }, 400)).result).rejects.toMatchObject({
      name: 'DeviceTimeoutError',
      waitingFor: 'result',
    });
    await run('robot', 'halt');
    lab.twin('robot').setFaults({ stuck: false });

    lab.twin('robot').setFaults({ disconnectForMs: 1500 });
    const error = await links.robot.send(command('describe')).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceTimeoutError);
    expect(error).toMatchObject({ waitingFor: 'ack' });
    // Silent for three heartbeats: the link drops the line and reopens it once the device talks again.
    await stateOf('robot', 'disconnected');
    await stateOf('robot', 'connected');
    await run('robot', 'describe');
  });

  it('resends the commands in flight once the line is back: a result sent into the dead line is not lost, nothing runs twice', async () => {
    lab.twin('afm').setFaults({ stuck: true });
    const handle = links.afm.send(command('setBias', { biasV: 0.5 }));
    await handle.accepted;
    await pairs.afm.unplug();
    await stateOf('afm', 'disconnected');
    // The instrument finishes while the line is down: its result goes nowhere.
    lab.twin('afm').setFaults({ stuck: false });
    await waitFor(() => lab.twin('afm').ledger().find((e) => e.cmdId === handle.cmdId && e.status === 'succeeded'));
    await pairs.afm.plug();
    await expect(handle.result).resolves.toMatchObject({ cmdId: handle.cmdId, status: 'succeeded' });
    expect(lab.twin('afm').ledger().filter((e) => e.idempotencyKey === `k-${handle.cmdId}`)).toHaveLength(1);
  });

  it('reconnects after the port vanishes and comes back', async () => {
    await pairs.afm.unplug();
    await stateOf('afm', 'disconnected');
    await pairs.afm.plug();
    await stateOf('afm', 'connected');
    await run('afm', 'describe');
  });
});
