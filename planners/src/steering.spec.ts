import { describe, expect, it } from 'vitest';
import { constraintViolation, createPlanner, PlannerConfig, SearchSpaceSpec } from './index';

const fast = { rawSamples: 128, restarts: 4, maxIter: 60 };
const quad = (x: number, y: number): number => (x - 0.3) ** 2 + (y - 0.6) ** 2;
const space2: SearchSpaceSpec = { parameters: [{ name: 'x', type: 'continuous', lower: 0, upper: 1 }, { name: 'y', type: 'continuous', lower: 0, upper: 1 }] };

function seeded(config: PlannerConfig, n: number, noiseVar?: number) {
  const planner = createPlanner(config);
  for (let i = 0; i < n; i++) {
    const [p] = planner.ask(1);
    planner.tell([{ id: `e${i}`, point: p.point, values: { y: quad(Number(p.point.x), Number(p.point.y)) }, ...(noiseVar !== undefined ? { noiseVar: { y: noiseVar } } : {}) }]);
  }
  return planner;
}

describe('steering and options', () => {
  it('per-observation noise variance widens the posterior at measured points', () => {
    const cfg: PlannerConfig = { kind: 'gp-ei', seed: 1, objectives: [{ name: 'y', direction: 'minimize' }], space: space2, options: fast };
    const quiet = seeded(cfg, 10);
    const noisy = seeded(cfg, 10, 0.05);
    const at = { fixed: { x: 0.5, y: 0.5 } };
    quiet.tell([{ id: 'm', point: { x: 0.5, y: 0.5 }, values: { y: quad(0.5, 0.5) } }]);
    noisy.tell([{ id: 'm', point: { x: 0.5, y: 0.5 }, values: { y: quad(0.5, 0.5) }, noiseVar: { y: 0.05 } }]);
    expect(noisy.ask(1, at)[0].predicted.y.sd).toBeGreaterThan(5 * quiet.ask(1, at)[0].predicted.y.sd);
  });

  it('Latin hypercube design puts one point in each of n strata per parameter (after the centre)', () => {
    const planner = createPlanner({ kind: 'sobol', seed: 3, objectives: [{ name: 'y', direction: 'minimize' }], space: space2, options: { design: 'lhs', initialDesign: 9 } });
    const pts = planner.ask(9).slice(1).map((p) => p.point);
    for (const name of ['x', 'y']) expect(new Set(pts.map((p) => Math.floor(Number(p[name]) * 8))).size).toBe(8);
  });

  it('updateSpace adds a constraint mid-campaign and every later proposal satisfies it', () => {
    const planner = seeded({ kind: 'gp-ei', seed: 4, objectives: [{ name: 'y', direction: 'minimize' }], space: space2, options: fast }, 8);
    const tighter: SearchSpaceSpec = { ...space2, constraints: [{ coefficients: { x: 1, y: 1 }, op: '<=', rhs: 0.7 }] };
    expect(() => planner.updateSpace({ parameters: [{ name: 'x', type: 'continuous', lower: 1, upper: 0 }] })).toThrow(/lower \(1\) must be below upper/);
    planner.updateSpace(tighter);
    expect(planner.config.space.constraints).toHaveLength(1);
    for (const p of planner.ask(4)) expect(constraintViolation(tighter, p.point)).toBeLessThanOrEqual(1e-9);
    // The model was kept: proposals are model-based, not a restarted design.
    expect(planner.ask(1)[0].explanation.reason).toMatch(/Bayesian optimization/);
  });

  it('rejects an infeasible fixed-feature request with a readable error', () => {
    const planner = createPlanner({ kind: 'gp-ei', seed: 5, objectives: [{ name: 'y', direction: 'minimize' }], space: { ...space2, constraints: [{ coefficients: { x: 1, y: 1 }, op: '=', rhs: 1 }] }, options: fast });
    expect(() => planner.ask(1, { fixed: { x: 0.2, y: 0.2 } })).toThrow(/constraints cannot be satisfied/);
    expect(planner.ask(1, { fixed: { x: 0.2 } })[0].point.y).toBeCloseTo(0.8, 12);
  });
});

describe('robustness', () => {
  it('keeps malformed observations in the state without modelling them', () => {
    const planner = seeded({ kind: 'gp-ei', seed: 6, objectives: [{ name: 'y', direction: 'minimize' }], space: space2, options: fast }, 7);
    planner.tell([
      { id: 'no-y', point: { x: 0.1 }, values: { y: 1 } },
      { id: 'nan', point: { x: 0.2, y: 0.2 }, values: { y: Number.NaN } },
      { id: 'no-values', point: { x: 0.3, y: 0.3 } },
    ]);
    const [p] = planner.ask(1);
    expect(p.explanation.reason).toMatch(/Bayesian optimization/);
    expect(planner.toJSON().observations.map((o) => o.id)).toEqual(expect.arrayContaining(['no-y', 'nan', 'no-values']));
  });
});

describe('refit policy', () => {
  it('refit() fits hyperparameters now; automatic refits follow the schedule', () => {
    const planner = seeded({ kind: 'gp-ei', seed: 8, objectives: [{ name: 'y', direction: 'minimize' }], space: space2, options: { ...fast, refitEvery: 5 } }, 8);
    const fitN = (): number => (planner.toJSON().internals as { objective: { fitN: number } }).objective.fitN;
    const before = fitN();
    expect(before).toBe(5); // first fit when the 5-point design was complete
    planner.tell([{ id: 'r9', point: { x: 0.45, y: 0.5 }, values: { y: quad(0.45, 0.5) } }]);
    planner.ask(1);
    expect(fitN()).toBe(5); // 4 new rows < refitEvery
    planner.refit();
    expect(fitN()).toBe(9);
  });
});

describe('predict', () => {
  it('maps the posterior: near a measured point the mean is close to it and the sd small; far away the sd is larger', () => {
    const planner = createPlanner({ kind: 'gp-ei', seed: 3, objectives: [{ name: 'y', direction: 'maximize' }], space: { parameters: [{ name: 'x', type: 'continuous', lower: 0, upper: 1 }] } });
    expect(planner.predict([{ x: 0.5 }])).toBeNull();
    const xs = [0.1, 0.2, 0.3, 0.4, 0.5];
    planner.tell(xs.map((x, i) => ({ id: `o${i}`, point: { x }, values: { y: Math.sin(6 * x) } })));
    const [near, far] = planner.predict([{ x: 0.3 }, { x: 0.95 }]) ?? [];
    expect(near.mean).toBeCloseTo(Math.sin(1.8), 1);
    // Five points cannot rule out that part of what they show is noise, and the stated sd of a
    // measurement carries that (the mixture over the noise level, marginal.ts); far away it is
    // still at least twice as large.
    expect(far.sd).toBeGreaterThan(2 * near.sd);
    expect(createPlanner({ kind: 'sobol', seed: 1, objectives: [{ name: 'y', direction: 'maximize' }], space: { parameters: [{ name: 'x', type: 'continuous', lower: 0, upper: 1 }] } }).predict([{ x: 0.1 }])).toBeNull();
  });
});
