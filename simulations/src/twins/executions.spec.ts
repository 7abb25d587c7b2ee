import { describe, expect, it } from 'vitest';
import { ExecutionBook, RETENTION_MS } from './executions';
import { Ledger } from './ledger';
import type { CommandMsg } from './validation';

const command = (cmdId: string, idempotencyKey: string): CommandMsg => ({ v: 1, cmdId, idempotencyKey, action: 'scan', params: {}, deadlineMs: 0 });
const succeeded = { status: 'succeeded' as const, finishedAtMs: 0 };

describe('ExecutionBook', () => {
  it('remembers a finished command for the protocol\'s 24 hours, then forgets it and its data', () => {
    let nowMs = 0;
    const book = new ExecutionBook('stem', new Ledger(), () => nowMs);
    const old = book.begin(command('c1', 'k1'));
    old.frames = [{ fields: { kind: 'image', shape: [1, 1] }, values: new Float32Array(1) }] as typeof old.frames;
    book.finish(old, succeeded);
    book.alias('c1-again', old);

    nowMs = 24 * 3_600_000;
    book.finish(book.begin(command('c2', 'k2')), succeeded);
    // Within 24 hours a repeat of k1 replays it, under either cmdId.
    expect(book.priorOf(command('c9', 'k1'))).toBe(old);
    expect(book.query(['c1', 'c1-again']).commands).toMatchObject({ c1: { status: 'succeeded' }, 'c1-again': { status: 'succeeded' } });

    nowMs = RETENTION_MS + 1;
    book.begin(command('c3', 'k3'));
    // Past the retention k1 may run again and its cmdIds are unknown; k2 is still remembered.
    expect(book.priorOf(command('c9', 'k1'))).toBeUndefined();
    expect(book.query(['c1', 'c1-again', 'c2']).commands).toMatchObject({ c1: { status: 'unknown' }, 'c1-again': { status: 'unknown' }, c2: { status: 'succeeded' } });
    expect(book.priorOf(command('c9', 'k2'))).toBeDefined();
  });

  it('never forgets a command still running, however long it runs', () => {
    let nowMs = 0;
    const book = new ExecutionBook('robot', new Ledger(), () => nowMs);
    const long = book.begin(command('c1', 'k1'));
    nowMs = 3 * RETENTION_MS;
    book.begin(command('c2', 'k2'));
    expect(book.priorOf(command('c9', 'k1'))).toBe(long);
    expect(book.query(['c1']).commands).toMatchObject({ c1: { status: 'running' } });
  });
});
