import { decodeDataFrame } from '@lab/drivers';
import { type PtyPair, type SimulatedLab, startPtyPair, startSimulatedLab } from '@lab/simulations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLine } from '../../../drivers/src/serial/line-codec';
import { type HeardLine, SerialHost } from './support/serial-host';

let counter = 0;
const command = (action: string, params: Record<string, unknown> = {}) => {
  const cmdId = `c-dialect-${++counter}`;
  const nowMs = Date.now();
  return { v: 1, cmdId, idempotencyKey: `k-${cmdId}`, action, params, issuedBy: 'test:dialect', issuedAtMs: nowMs, deadlineMs: nowMs + 30_000, expectedDurationS: 1 };
};
const encodeBody = (body: string): string => encodeLine(body).toString('utf8');
const json = (line: HeardLine): Record<string, unknown> => JSON.parse(line.rest) as Record<string, unknown>;
const about = (keyword: string, cmdId: string) => (line: HeardLine) => line.keyword === keyword && line.rest.includes(`"cmdId":"${cmdId}"`);

describe('a serial twin on a pty pair speaks the serial dialect of docs/protocol.md to a bare host', () => {
  let pair: PtyPair;
  let lab: SimulatedLab;
  let host: SerialHost;
  beforeAll(async () => {
    pair = await startPtyPair('dialect');
    lab = await startSimulatedLab({ seed: 2, timeScale: 1e-5, heartbeatS: 0.2, world: { spm: { tipChangeProbability: 0 } }, instruments: [{ id: 'afm', kind: 'spm', transport: { type: 'serial', path: pair.devicePath } }] });
    host = await SerialHost.open(pair.hostPath);
  });
  afterAll(async () => {
    await host.close();
    await lab.stop();
    await pair.stop();
  });

  it('answers *IDN? with its identity and sends STAT heartbeats unasked', async () => {
    await host.send('*IDN?');
    expect(await host.next((l) => l.keyword === 'IDN')).toEqual({ keyword: 'IDN', rest: 'afm spm SimPFM-3000 twin-1' });
    const status = json(await host.next((l) => l.keyword === 'STAT'));
    expect(status).toMatchObject({ v: 1, instrumentId: 'afm', kind: 'spm', online: true, state: 'idle' });
  });

  it('runs a CMD as ACK, PROG, DATA (base64 frame), then one RES naming the data', async () => {
    const load = command('loadSample', { sampleId: 'ref-strong' });
    await host.send(`CMD ${JSON.stringify(load)}`);
    await host.next(about('RES', load.cmdId));
    const loop = command('hysteresisLoop', { xNm: 400, yNm: 400, vMaxV: 6, cycles: 1, points: 16 });
    const from = host.heard.length;
    await host.send(`CMD ${JSON.stringify(loop)}`);
    await host.next(about('RES', loop.cmdId), from);
    const mine = host.heard.slice(from).filter((l) => l.rest.includes(`"cmdId":"${loop.cmdId}"`) || l.keyword === 'DATA');
    expect([...new Set(mine.map((l) => l.keyword))]).toEqual(['ACK', 'PROG', 'DATA', 'RES']);
    expect(mine.filter((l) => l.keyword === 'RES')).toHaveLength(1);
    const frame = decodeDataFrame(Buffer.from((mine.find((l) => l.keyword === 'DATA') as HeardLine).rest, 'base64'));
    expect(frame.header).toMatchObject({ cmdId: loop.cmdId, kind: 'spectrum', shape: [2, 16], rows: ['biasV', 'piezoresponsePm'] });
    expect(json(mine.at(-1) as HeardLine)).toMatchObject({ status: 'succeeded', dataIds: [frame.header.dataId] });
    expect(host.heard.some((l) => l.keyword === 'unreadable')).toBe(false);
  });

  it('reads a line that arrives a byte at a time', async () => {
    const describeCmd = command('describe');
    const from = host.heard.length;
    const bytes = encodeLine(`CMD ${JSON.stringify(describeCmd)}`);
    for (let i = 0; i < bytes.length; i++) await host.write(bytes.subarray(i, i + 1));
    expect(json(await host.next(about('RES', describeCmd.cmdId), from))).toMatchObject({ status: 'succeeded', outputs: { kind: 'spm' } });
  });

  it('answers unreadable lines with NAK and a reason, and ignores them', async () => {
    const setBias = command('setBias', { biasV: 1 });
    const good = encodeBody(`CMD ${JSON.stringify(setBias)}`);
    const cases: [string, string][] = [
      [good.replace(/\*[0-9A-F]{4}\r\n$/, '*0000\r\n'), 'bad crc'],
      [`${JSON.stringify(setBias)}\r\n`, 'no checksum'],
      [encodeBody('MOVE 1 2'), 'unknown keyword'],
      [encodeBody('CMD {"v":1,'), 'bad json'],
    ];
    for (const [line, reason] of cases) {
      const from = host.heard.length;
      await host.write(line);
      expect(await host.next((l) => l.keyword === 'NAK', from)).toEqual({ keyword: 'NAK', rest: reason });
    }
    expect(lab.twin('afm').ledger().some((e) => e.cmdId === setBias.cmdId)).toBe(false);
  });

  it('a resent command (after a NAK) is acked as a duplicate and repeats the first result, never runs twice', async () => {
    const first = command('setBias', { biasV: 2 });
    await host.send(`CMD ${JSON.stringify(first)}`);
    const firstResult = json(await host.next(about('RES', first.cmdId)));
    const from = host.heard.length;
    await host.send(`CMD ${JSON.stringify(first)}`);
    expect(json(await host.next(about('ACK', first.cmdId), from))).toEqual({ v: 1, cmdId: first.cmdId, accepted: true, duplicate: true });
    expect(json(await host.next(about('RES', first.cmdId), from))).toEqual(firstResult);
    expect(lab.twin('afm').ledger().filter((e) => e.idempotencyKey === first.idempotencyKey)).toHaveLength(1);
  });
});
