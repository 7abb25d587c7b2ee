import { createPlanner, PlannerConfig, Point } from '../../planners/src';
import { Rng, mixSeed } from '../../planners/src/rng';
import { TestFunction } from './functions';

export interface SingleRun {
  /** Best true value after each evaluation. */
  bestSoFar: number[];
  /** True value at the planner's recommendation after the last evaluation (noisy problems). */
  recommendedTrue: number;
  seconds: number;
}

export function spaceOf(fn: TestFunction): PlannerConfig['space'] {
  return { parameters: fn.bounds.map(([lower, upper], i) => ({ name: `x${i}`, type: 'continuous' as const, lower, upper })) };
}

export const vectorOf = (fn: TestFunction, p: Point): number[] => fn.bounds.map((_, i) => Number(p[`x${i}`]));

/** One optimization run: ask one point at a time, evaluate (with optional Gaussian noise), tell. */
export function runSingle(fn: TestFunction, kind: string, seed: number, budget: number, noiseSd = 0, options: Record<string, unknown> = {}): SingleRun {
  const planner = createPlanner({ kind, seed, objectives: [{ name: 'y', direction: 'minimize' }], space: spaceOf(fn), options });
  const noise = new Rng(mixSeed(seed, 0x0015e));
  const bestSoFar: number[] = [];
  let best = Infinity;
  const t0 = performance.now();
  for (let i = 0; i < budget; i++) {
    const [p] = planner.ask(1);
    const truth = fn.evaluate(vectorOf(fn, p.point));
    best = Math.min(best, truth);
    bestSoFar.push(best);
    planner.tell([{ id: `e${i}`, point: p.point, values: { y: truth + noiseSd * noise.normal() } }]);
  }
  const rec = planner.recommend();
  return { bestSoFar, recommendedTrue: rec ? fn.evaluate(vectorOf(fn, rec.point)) : NaN, seconds: (performance.now() - t0) / 1000 };
}
