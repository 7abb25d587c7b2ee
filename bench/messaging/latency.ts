import { performance } from 'node:perf_hooks';
import type { InstrumentLink } from '@lab/drivers';
import { quantile } from '../planners/stats';
import { benchCommand } from './command';

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
  /**
   * Acks slower than the threshold, with the wall and the CPU time this process spent meanwhile:
   * a wall time far above the CPU time means the process was waiting for a CPU, not working.
   */
  slowAcks: { overMs: number; count: number; meanWallMs: number; meanCpuMs: number };
}

/** Commands before measuring: connection set-up, JIT compilation and first allocations. */
const WARM_UP = 100;

/**
 * Send `n` commands one after another (an instrument runs one motion command at a time) and time
 * each from the moment it is handed to the link until its ack and its result arrive. `setBias`
 * is the smallest real motion command: ack, one progress message, result.
 */
export async function measureCommandLatency(link: InstrumentLink, n: number, slowAckMs: number): Promise<CommandLatency> {
  const ackMs: number[] = [];
  const resultMs: number[] = [];
  const slow: { wallMs: number; cpuMs: number }[] = [];
  let failures = 0;
  let cpuAtStart = process.cpuUsage();
  for (let i = 0; i < WARM_UP + n; i++) {
    if (i === WARM_UP) cpuAtStart = process.cpuUsage();
    const cpuAtSend = process.cpuUsage();
    const startedAt = performance.now();
    const handle = link.send(benchCommand('setBias', { biasV: (i % 20) / 10 - 1 }, 10_000));
    let ackedAt = NaN;
    let ackCpu = cpuAtSend;
    try {
      await handle.accepted;
      ackedAt = performance.now();
      ackCpu = process.cpuUsage(cpuAtSend);
      const result = await handle.result;
      if (result.status !== 'succeeded') failures++;
    } catch {
      failures++;
      continue;
    }
    if (i < WARM_UP) continue;
    ackMs.push(ackedAt - startedAt);
    resultMs.push(performance.now() - startedAt);
    if (ackedAt - startedAt > slowAckMs) slow.push({ wallMs: ackedAt - startedAt, cpuMs: (ackCpu.user + ackCpu.system) / 1000 });
  }
  const cpu = process.cpuUsage(cpuAtStart);
  const cpuMsPerCommand = round((cpu.user + cpu.system) / 1000 / n);
  const mean = (values: number[]): number => (values.length ? round(values.reduce((sum, x) => sum + x, 0) / values.length) : 0);
  return {
    ack: summarize(ackMs),
    result: summarize(resultMs),
    failures,
    cpuMsPerCommand,
    slowAcks: { overMs: slowAckMs, count: slow.length, meanWallMs: mean(slow.map((s) => s.wallMs)), meanCpuMs: mean(slow.map((s) => s.cpuMs)) },
  };
}


/** Three decimals (a microsecond, in milliseconds) for the report. */
export const round = (x: number): number => Math.round(x * 1000) / 1000;

export function summarize(valuesMs: number[]): LatencySummary {
  return {
    n: valuesMs.length,
    p50Ms: round(quantile(valuesMs, 0.5)),
    p95Ms: round(quantile(valuesMs, 0.95)),
    p99Ms: round(quantile(valuesMs, 0.99)),
    maxMs: round(Math.max(...valuesMs)),
    meanMs: round(valuesMs.reduce((sum, x) => sum + x, 0) / valuesMs.length),
  };
}
