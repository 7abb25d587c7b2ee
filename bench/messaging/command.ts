import { randomUUID } from 'node:crypto';
import type { Command, Params } from '@lab/drivers';

/** A protocol command with a fresh id and idempotency key, due within `deadlineInMs`. */
export function benchCommand(action: string, params: Params, deadlineInMs: number): Command {
  const nowMs = Date.now();
  const cmdId = randomUUID();
  return {
    v: 1,
    cmdId,
    idempotencyKey: `bench/${cmdId}`,
    action,
    params,
    issuedBy: 'bench:messaging',
    issuedAtMs: nowMs,
    deadlineMs: nowMs + deadlineInMs,
    expectedDurationS: deadlineInMs / 1000,
  };
}
