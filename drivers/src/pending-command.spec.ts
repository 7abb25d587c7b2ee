import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandRejectedError, DeviceTimeoutError, ProtocolError } from './errors';
import type { Command, DataFrame } from './messages';
import { PendingCommand } from './pending-command';

const command = (deadlineInMs: number): Command => ({
  v: 1, cmdId: 'c1', idempotencyKey: 'k1', action: 'scan', params: {}, issuedBy: 'test', issuedAtMs: 0, deadlineMs: Date.now() + deadlineInMs, expectedDurationS: 1,
});
const frame = (dataId: string): DataFrame => ({
  header: { v: 1, cmdId: 'c1', dataId, kind: 'image', dtype: 'uint8', shape: [1, 1] },
  values: new Uint8Array([7]),
});

describe('PendingCommand', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('resolves accepted on the ack and result on the result, with its data frames attached', async () => {
    const settled = vi.fn();
    const p = new PendingCommand(command(10_000), 1000, settled);
    p.onAck({ v: 1, cmdId: 'c1', accepted: true });
    await expect(p.accepted).resolves.toMatchObject({ accepted: true });
    p.onData(frame('d1'));
    p.onResult({ v: 1, cmdId: 'c1', status: 'succeeded', dataIds: ['d1'] });
    const result = await p.result;
    expect(result.data.map((f) => f.header.dataId)).toEqual(['d1']);
    expect(settled).toHaveBeenCalledWith('c1');
  });

  it('waits for data frames that arrive after the result', async () => {
    const p = new PendingCommand(command(10_000), 1000, () => undefined);
    p.onResult({ v: 1, cmdId: 'c1', status: 'succeeded', dataIds: ['d1'] });
    p.onData(frame('d1'));
    await expect(p.result).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('fails with a ProtocolError when a named data frame never comes', async () => {
    const p = new PendingCommand(command(10_000), 1000, () => undefined);
    p.onResult({ v: 1, cmdId: 'c1', status: 'succeeded', dataIds: ['d9'] });
    vi.advanceTimersByTime(2500);
    await expect(p.result).rejects.toThrow(ProtocolError);
  });

  it('turns a rejection into a typed error on both promises', async () => {
    const p = new PendingCommand(command(10_000), 1000, () => undefined);
    p.onAck({ v: 1, cmdId: 'c1', accepted: false, reason: { code: 'validation', message: 'biasV 14 outside [-10, 10]', field: 'biasV' } });
    const error = await p.accepted.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandRejectedError);
    expect(error).toMatchObject({ code: 'validation', field: 'biasV' });
    await expect(p.result).rejects.toBe(error);
  });

  it('times out without an ack', async () => {
    const p = new PendingCommand(command(10_000), 1000, () => undefined);
    vi.advanceTimersByTime(1001);
    await expect(p.accepted).rejects.toMatchObject({ name: 'DeviceTimeoutError', waitingFor: 'ack' });
    await expect(p.result).rejects.toBeInstanceOf(DeviceTimeoutError);
  });

  it('times out at the deadline when accepted but never finished, and ignores a late result', async () => {
    const p = new PendingCommand(command(5000), 1000, () => undefined);
    p.onAck({ v: 1, cmdId: 'c1', accepted: true });
    vi.advanceTimersByTime(4999);
    p.onProgress({ v: 1, cmdId: 'c1', fraction: 0.5 });
    vi.advanceTimersByTime(2);
    await expect(p.result).rejects.toMatchObject({ waitingFor: 'result' });
    p.onResult({ v: 1, cmdId: 'c1', status: 'succeeded' });
    await expect(p.result).rejects.toBeInstanceOf(DeviceTimeoutError);
  });

  it('takes a result without an ack as acceptance (the ack was lost)', async () => {
    const p = new PendingCommand(command(10_000), 1000, () => undefined);
    p.onResult({ v: 1, cmdId: 'c1', status: 'failed', error: { code: 'fault', message: 'x' } });
    await expect(p.accepted).resolves.toMatchObject({ accepted: true });
    await expect(p.result).resolves.toMatchObject({ status: 'failed' });
  });
});
