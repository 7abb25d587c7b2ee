import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Command, InstrumentLink } from '@lab/drivers';
import { quantile } from '../planners/stats';

/** Order statistics of one latency sample, in milliseconds. */
export interface LatencySummary {
  n: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export interface CommandLatency {
  /** `send` to the accepted ack. */
  ack: LatencySummary;
  /** `send` to the terminal result (ack, one progress message and the result in between). */
  result: LatencySummary;
  /** Commands that did not succeed (should be 0). */
  failures: number;
  /** CPU time of this process per command: link, broker (when embedded) and twin together. */
  cpuMsPerCommand: number;
}

/** Commands before measuring: connection set-up, JIT compilation and first allocations. */
const WARM_UP = 100;

/**
 * Send `n` commands one after another (an instrument runs one motion command at a time) and time
 * each from the moment it is handed to the link until its ack and its result arrive. `setBias`
 * is the smallest real motion command: ack, one progress message, result.
 */
export async function measureCommandLatency(link: InstrumentLink, n: number): Promise<CommandLatency> {
  const ackMs: number[] = [];
  const resultMs: number[] = [];
  let failures = 0;
  let cpuAtStart = process.cpuUsage();
  for (let i = 0; i < WARM_UP + n; i++) {
    if (i === WARM_UP) cpuAtStart = process.cpuUsage();
    const startedAt = performance.now();
    const handle = link.send(setBias(i));
    let ackedAt = NaN;
    try {
      await handle.accepted;
      ackedAt = performance.now();
      const result = await handle.result;
      if (result.status !== 'succeeded') failures++;
    } catch {
      failures++;
      continue;
    }
    if (i < WARM_UP) continue;
    ackMs.push(ackedAt - startedAt);
    resultMs.push(performance.now() - startedAt);
  }
  const cpu = process.cpuUsage(cpuAtStart);
  const cpuMsPerCommand = Math.round(((cpu.user + cpu.system) / 1000 / n) * 1000) / 1000;
  return { ack: summarize(ackMs), result: summarize(resultMs), failures, cpuMsPerCommand };
}

function setBias(i: number): Command {
  const nowMs = Date.now();
  const cmdId = randomUUID();
  return {
    v: 1,
    cmdId,
    idempotencyKey: `bench/${cmdId}`,
    action: 'setBias',
    params: { biasV: (i % 20) / 10 - 1 },
    issuedBy: 'bench:messaging',
    issuedAtMs: nowMs,
    deadlineMs: nowMs + 10_000,
    expectedDurationS: 1,
  };
}

export function summarize(valuesMs: number[]): LatencySummary {
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    n: valuesMs.length,
    p50Ms: round(quantile(valuesMs, 0.5)),
    p95Ms: round(quantile(valuesMs, 0.95)),
    p99Ms: round(quantile(valuesMs, 0.99)),
    maxMs: round(Math.max(...valuesMs)),
    meanMs: round(valuesMs.reduce((sum, x) => sum + x, 0) / valuesMs.length),
  };
}
