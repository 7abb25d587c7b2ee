import { createPlanner } from '../../planners/src';
import { mixSeed, Rng } from '../../planners/src/rng';
import { FUNCTIONS } from './functions';
import { spaceOf, vectorOf } from './loop';

/**
 * Closed-loop calibration of the stated sd: gp-ei runs on noisy problems and every model-based
 * proposal's `predicted` (mean, sd) meets the measurement taken there, as in the lab's calibration
 * report. Unlike held-out points, these are the points the acquisition chose, so selection bias
 * (proposals where the model is most optimistic) is part of what is measured. The noise models are
 * the lab's: additive Gaussian, multiplicative (a PFM loop area scatters by ~35 % of its level,
 * whatever the level), and counting (a vacancy fraction is a count of vacant columns out of ~400).
 */
export interface CalibrationProblem {
  name: string;
  direction: 'minimize' | 'maximize';
  bounds: [number, number][];
  budget: number;
  /** One noisy measurement at x. */
  measure(x: number[], rng: Rng): number;
}

export interface CalibrationRow {
  problem: string;
  seeds: number;
  pairs: number;
  within1: number;
  within2: number;
  meanAbsZ: number;
  medianAbsZ: number;
  /** Mean z = (measured - mean) / sd, oriented so that > 0 means the measurement was worse than predicted (optimism). */
  meanOptimism: number;
  /** Median over seeds of the true value at the best measured point (the campaign's outcome). */
  medianBestTrue: number;
}

function poisson(lambda: number, rng: Rng): number {
  // Knuth's product method is fine for the small rates used here (<= 40).
  const l = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > l) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** A demo-like response: a Gaussian peak on a near-zero floor, in 4-d. */
function peak(x: number[]): number {
  const c = [0.3, 0.6, 0.45, 0.7];
  let d2 = 0;
  for (let i = 0; i < 4; i++) d2 += (x[i] - c[i]) ** 2;
  return 5 + 1000 * Math.exp(-d2 / (2 * 0.18 ** 2));
}

const h6 = FUNCTIONS.hartmann6;
const branin = FUNCTIONS.branin;

export const CALIBRATION_PROBLEMS: CalibrationProblem[] = [
  { name: 'Hartmann6, additive noise sd 0.25', direction: 'minimize', bounds: h6.bounds, budget: 40, measure: (x, rng) => h6.evaluate(x) + 0.25 * rng.normal() },
  { name: 'Branin, additive noise sd 5', direction: 'minimize', bounds: branin.bounds, budget: 30, measure: (x, rng) => branin.evaluate(x) + 5 * rng.normal() },
  { name: 'peak 4-d, multiplicative noise cv 0.35', direction: 'maximize', bounds: [[0, 1], [0, 1], [0, 1], [0, 1]], budget: 30, measure: (x, rng) => peak(x) * Math.max(0.02, 1 + 0.35 * rng.normal()) },
  {
    name: 'Branin rate, counts out of 400',
    direction: 'minimize',
    bounds: branin.bounds,
    budget: 30,
    measure: (x, rng) => poisson(400 * (0.002 + (0.08 * (branin.evaluate(x) - 0.3979)) / 300), rng) / 400,
  },
];

/** The noise-free value the problem's measurements scatter around. */
function truth(p: CalibrationProblem, x: number[]): number {
  if (p.name.startsWith('Hartmann6')) return h6.evaluate(x);
  if (p.name.startsWith('peak')) return peak(x);
  if (p.name.startsWith('Branin rate')) return 0.002 + (0.08 * (branin.evaluate(x) - 0.3979)) / 300;
  return branin.evaluate(x);
}

export function calibrationRow(p: CalibrationProblem, seeds: number, options: Record<string, unknown> = {}): CalibrationRow {
  const zs: number[] = [];
  const optimism: number[] = [];
  const bests: number[] = [];
  const orient = p.direction === 'minimize' ? 1 : -1;
  for (let seed = 0; seed < seeds; seed++) {
    const fn = { name: p.name, bounds: p.bounds, optimum: 0, evaluate: () => 0 };
    const planner = createPlanner({ kind: 'gp-ei', seed, objectives: [{ name: 'y', direction: p.direction }], space: spaceOf(fn), options });
    const rng = new Rng(mixSeed(seed, 0xca1));
    let bestMeasured = Infinity;
    let bestTrue = NaN;
    for (let i = 0; i < p.budget; i++) {
      const [prop] = planner.ask(1);
      const x = vectorOf(fn, prop.point);
      const y = p.measure(x, rng);
      const pred = prop.predicted.y;
      if (pred && Number.isFinite(pred.mean) && pred.sd > 0) {
        const z = (y - pred.mean) / pred.sd;
        zs.push(z);
        optimism.push(orient * z);
      }
      if (orient * y < bestMeasured) {
        bestMeasured = orient * y;
        bestTrue = truth(p, x);
      }
      planner.tell([{ id: `e${i}`, point: prop.point, values: { y } }]);
    }
    bests.push(bestTrue);
  }
  const a = zs.map(Math.abs).sort((u, v) => u - v);
  const share = (h: number): number => a.filter((v) => v <= h).length / a.length;
  bests.sort((u, v) => u - v);
  return {
    problem: p.name,
    seeds,
    pairs: a.length,
    within1: share(1),
    within2: share(2),
    meanAbsZ: a.reduce((s, v) => s + v, 0) / a.length,
    medianAbsZ: a[Math.floor(a.length / 2)],
    meanOptimism: optimism.reduce((s, v) => s + v, 0) / optimism.length,
    medianBestTrue: bests[Math.floor((bests.length - 1) / 2)],
  };
}

export function runCalibration(seeds: number, log?: (s: string) => void, options: Record<string, unknown> = {}): CalibrationRow[] {
  return CALIBRATION_PROBLEMS.map((p) => {
    const row = calibrationRow(p, seeds, options);
    log?.(`  ${row.problem}: within 1 sd ${(100 * row.within1).toFixed(0)} %, 2 sd ${(100 * row.within2).toFixed(0)} %, mean |z| ${row.meanAbsZ.toFixed(2)} (${row.pairs} pairs)`);
    return row;
  });
}
