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
    // A short design so even n = 10 measures model-based asks.
    options: { initialDesign: 2 },
  });
}

/**
 * One active-learning step on a 64 x 64 pixel grid at n observations: tell the last measurement,
 * ask the next pixel. Refits are off this path (the planner refits as the data grows by 25%, or
 * when the orchestrator calls refit()).
 */
export function activeLearningStep(n: number, steps: number): number[] {
  const candidates: { point: { row: number; col: number } }[] = [];
  for (let r = 0; r < 64; r++) for (let c = 0; c < 64; c++) candidates.push({ point: { row: r, col: c } });
  const planner = createPlanner({
    kind: 'active-learning',
    seed: 3,
    objectives: [{ name: 'intensity', direction: 'maximize' }],
    space: { parameters: [{ name: 'row', type: 'integer', lower: 0, upper: 63 }, { name: 'col', type: 'integer', lower: 0, upper: 63 }], candidates },
  });
  const rng = new Rng(7);
  const image = (r: number, c: number): number => Math.sin(r / 7) * Math.cos(c / 5) + 0.3 * Math.sin((r + c) / 3);
  const order = rng.shuffle(candidates.map((_, i) => i)).slice(0, n);
  planner.tell(order.map((i, k) => ({ id: `o${k}`, point: candidates[i].point, values: { intensity: image(candidates[i].point.row, candidates[i].point.col) } })));
  planner.refit(); // builds the model and the candidate posterior (not timed)
  let [next] = planner.ask(1);
  const times: number[] = [];
  for (let s = 0; s < steps; s++) {
    const p = next.point;
    times.push(
      time(() => {
        planner.tell([{ id: `s${s}`, point: p, values: { intensity: image(Number(p.row), Number(p.col)) } }]);
        [next] = planner.ask(1);
      }),
    );
  }
  return times;
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
  const al = activeLearningStep(500, quick ? 10 : 30);
  rows.push({ operation: 'active-learning step (tell + ask, 64x64 candidates)', n: 500, d: 2, p50: quantile(al, 0.5), p95: quantile(al, 0.95), targetMs: 20 });
  log?.(`  active learning 64x64 at n=500: ${quantile(al, 0.5).toFixed(1)} ms per step`);
  return rows;
}
