import type { OrchestratedRun } from './orchestrated-run';

/**
 * Orchestrator overhead of one campaign run: wall time in which no instrument was busy. The busy
 * time is the union of the twins' own command intervals (their ledger), so experiments in flight
 * together count once. The orchestrator's own work does not scale with the clock; at the real
 * pace it is set against the nominal instrument time, taken conservatively as that of the
 * busiest instrument (no campaign can finish sooner).
 */
export interface Overhead {
  campaign: string;
  experiments: number;
  wallS: number;
  busyS: number;
  /** Fast clock: orchestrator time per experiment, ms. */
  overheadMsPerExperiment: number;
  /** Instrument time per experiment at the real pace (nominal twin durations), s. */
  realInstrumentSPerExperiment: number;
  /** Share of wall time not spent in instrument time at the real pace. */
  realisticShare: number;
}

export function overheadOf(campaign: string, run: OrchestratedRun): Overhead {
  const intervals = run.ledger
    .filter((l) => l.finishedAtMs !== undefined)
    .map((l) => [l.startedAtMs, l.finishedAtMs as number] as const)
    .sort((a, b) => a[0] - b[0]);
  let busyMs = 0;
  let end = -Infinity;
  for (const [start, finish] of intervals) {
    if (finish <= end) continue;
    busyMs += finish - Math.max(start, end);
    end = finish;
  }
  const experiments = run.experiments.filter((e) => e.index >= 0 && e.status !== 'rejected').length;
  const overheadMs = Math.max(0, run.wallMs - busyMs) / experiments;
  const nominalS = new Map<string, number>();
  for (const c of run.commands) nominalS.set(c.instrumentId, (nominalS.get(c.instrumentId) ?? 0) + c.expectedDurationS);
  const realInstrumentS = Math.max(0, ...nominalS.values()) / experiments;
  return {
    campaign,
    experiments,
    wallS: run.wallMs / 1000,
    busyS: busyMs / 1000,
    overheadMsPerExperiment: overheadMs,
    realInstrumentSPerExperiment: realInstrumentS,
    realisticShare: overheadMs / (overheadMs + 1000 * realInstrumentS),
  };
}
