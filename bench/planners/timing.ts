import { createPlanner, Observation, SteerablePlanner } from '../../planners/src';
import { Rng } from '../../planners/src/rng';
import { quantile } from './stats';

export interface TimingRow {
  operation: string;
  n: number;
  d: number;
  p50: number;
  p95: number;
  targetMs?: number;
}

const FULL_ASK_TARGETS: Record<string, number> = { '40x6': 30, '200x6': 300, '1000x6': 3000 };

/** A smooth random-looking objective so the fitted lengthscales are realistic. */
function objective(x: number[]): number {
  return x.reduce((s, v, i) => s + Math.sin(3 * v + i) * (1 + 0.3 * i) + 0.5 * (v - 0.3) ** 2, 0);
}

function observations(n: number, d: number, rng: Rng): Observation[] {
  return Array.from({ length: n }, (_, i) => {
    const x = Array.from({ length: d }, () => rng.next());
    return { id: `o${i}`, point: Object.fromEntries(x.map((v, j) => [`x${j}`, v])), values: { y: objective(x) } };
  });
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

function gpPlanner(d: number): SteerablePlanner {
  return createPlanner({
    kind: 'gp-ei',
    seed: 1,
    objectives: [{ name: 'y', direction: 'minimize' }],
    space: { parameters: Array.from({ length: d }, (_, i) => ({ name: `x${i}`, type: 'continuous' as const, lower: 0, upper: 1 })) },
  });
}

/** p50/p95 of fit, acquisition optimization and full ask over a grid of (n, d). */
export function runTiming(quick: boolean, log?: (s: string) => void): TimingRow[] {
  const rows: TimingRow[] = [];
  const reps = quick ? 3 : 7;
  const cases: [number, number][] = [];
  for (const n of [10, 50, 200, 500, 1000]) for (const d of [2, 6, 10]) cases.push([n, d]);
  cases.splice(3, 0, [40, 6]);
  for (const [n, d] of cases) {
    if (quick && n === 1000 && d !== 6) continue;
    const planner = gpPlanner(d);
    planner.tell(observations(n, d, new Rng(n * 31 + d)));
    planner.refit(); // cold fit and JIT warm-up, not timed
    planner.ask(1);
    const fit: number[] = [];
    const acq: number[] = [];
    const full: number[] = [];
    for (let r = 0; r < reps; r++) {
      fit.push(time(() => planner.refit()));
      acq.push(time(() => planner.ask(1)));
      full.push(time(() => {
        planner.refit();
        planner.ask(1);
      }));
    }
    const key = `${n}x${d}`;
    rows.push({ operation: 'fit (warm-started MAP refit)', n, d, p50: quantile(fit, 0.5), p95: quantile(fit, 0.95) });
    rows.push({ operation: 'acquisition optimization (ask, q=1)', n, d, p50: quantile(acq, 0.5), p95: quantile(acq, 0.95) });
    rows.push({ operation: 'full ask (refit + acquisition)', n, d, p50: quantile(full, 0.5), p95: quantile(full, 0.95), targetMs: FULL_ASK_TARGETS[key] });
    log?.(`  n=${n} d=${d}: fit ${quantile(fit, 0.5).toFixed(1)} ms, acquisition ${quantile(acq, 0.5).toFixed(1)} ms, full ${quantile(full, 0.5).toFixed(1)} ms`);
  }
  return rows;
}
