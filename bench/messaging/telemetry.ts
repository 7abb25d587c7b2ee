import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Subscription } from 'rxjs';
import type { Outgoing } from '../../simulations/src/wire/messages';
import { benchCommand } from './command';
import { round } from './latency';
import type { Rig } from './rigs';

export interface TelemetryThroughput {
  kind: 'status' | 'progress';
  sent: number;
  delivered: number;
  seconds: number;
  /** Messages the orchestrator's link handed to its subscribers, per second of the flood. */
  perSecond: number;
}

/** Messages handed to the wire and not yet written: enough to keep the pipe full, bounded memory. */
const IN_FLIGHT = 256;
/** The flood is over when nothing more arrives for this long. */
const QUIET_MS = 2000;

/** Flood `n` status messages, then `n` progress messages, from the device wire; count what the link delivers. */
export async function measureTelemetry(rig: Rig, n: number): Promise<TelemetryThroughput[]> {
  return [await statusFlood(rig, n), await progressFlood(rig, n)];
}

async function statusFlood({ telemetry }: Rig, n: number): Promise<TelemetryThroughput> {
  const run = randomUUID();
  const id = telemetry.link.instrumentId;
  const counter = new Counter();
  const subscription = telemetry.link.status$.subscribe((s) => s.telemetry?.benchRun === run && counter.tick());
  const message = (seq: number): Outgoing => ({
    type: 'status',
    msg: { v: 1, instrumentId: id, kind: 'spm', online: true, seq, tsMs: Date.now(), state: 'idle', ready: true, reasons: [], problems: [], activeCmdId: null, telemetry: { benchRun: run, zPiezoNm: seq % 100 } },
  });
  return flood('status', telemetry.wire.send.bind(telemetry.wire), message, n, counter, subscription);
}

/** Progress is delivered only for a command in flight, so one long command carries the flood and a result ends it. */
async function progressFlood({ telemetry }: Rig, n: number): Promise<TelemetryThroughput> {
  const handle = telemetry.link.send(benchCommand('scan', {}, 600_000));
  await telemetry.wire.send({ type: 'ack', msg: { v: 1, cmdId: handle.cmdId, accepted: true } });
  await handle.accepted;
  const counter = new Counter();
  const subscription = handle.progress$.subscribe(() => counter.tick());
  const message = (k: number): Outgoing => ({ type: 'progress', msg: { v: 1, cmdId: handle.cmdId, fraction: k / n, etaS: (n - k) / 1000, step: 'bench' } });
  const outcome = await flood('progress', telemetry.wire.send.bind(telemetry.wire), message, n, counter, subscription);
  await telemetry.wire.send({ type: 'result', msg: { v: 1, cmdId: handle.cmdId, status: 'succeeded', finishedAtMs: Date.now() } });
  await handle.result;
  return outcome;
}

async function flood(
  kind: TelemetryThroughput['kind'],
  send: (out: Outgoing) => Promise<void>,
  message: (k: number) => Outgoing,
  n: number,
  counter: Counter,
  subscription: Subscription,
): Promise<TelemetryThroughput> {
  const startedAt = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (let k = 1; k <= n; k++) {
    const sent: Promise<void> = send(message(k)).finally(() => inFlight.delete(sent));
    inFlight.add(sent);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  await counter.quiet(n);
  subscription.unsubscribe();
  const seconds = (counter.lastAt - startedAt) / 1000;
  return { kind, sent: n, delivered: counter.count, seconds: round(seconds), perSecond: Math.round(counter.count / seconds) };
}

/** Counts deliveries and remembers when the last one came. */
class Counter {
  count = 0;
  lastAt = performance.now();

  tick(): void {
    this.count++;
    this.lastAt = performance.now();
  }

  /** Resolve once all `expected` arrived, or nothing arrived for QUIET_MS (lost messages). */
  async quiet(expected: number): Promise<void> {
    while (this.count < expected && performance.now() - this.lastAt < QUIET_MS) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
