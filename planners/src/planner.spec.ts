import { describe, expect, it } from 'vitest';
import { constraintViolation, createPlanner, PlannerConfig, Point, restorePlanner, validatePlannerConfig } from './index';

const fast = { rawSamples: 128, restarts: 4, maxIter: 60 };

const branin = (p: Point): number => {
  const x1 = Number(p.x1);
  const x2 = Number(p.x2);
  return (x2 - (5.1 / (4 * Math.PI ** 2)) * x1 * x1 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
};

const braninConfig = (seed: number, kind = 'gp-ei'): PlannerConfig => ({
  kind,
  seed,
  objectives: [{ name: 'y', direction: 'minimize' }],
  space: { parameters: [{ name: 'x1', type: 'continuous', lower: -5, upper: 10 }, { name: 'x2', type: 'continuous', lower: 0, upper: 15 }] },
  options: fast,
});

const mixedConfig = (seed: number): PlannerConfig => ({
  kind: 'gp-ei',
  seed,
  objectives: [{ name: 'yield', direction: 'maximize' }],
  space: {
    parameters: [
      { name: 'a', type: 'continuous', lower: 0, upper: 1 },
      { name: 'b', type: 'continuous', lower: 0, upper: 1 },
      { name: 'c', type: 'continuous', lower: 0, upper: 1 },
      { name: 'conc', type: 'continuous', lower: 1e-3, upper: 1, scale: 'log' },
      { name: 'steps', type: 'integer', lower: 1, upper: 5 },
      { name: 'speed', type: 'ordinal', values: [100, 200, 500, 1000] },
      { name: 'solvent', type: 'categorical', values: ['water', 'ethanol', 'dmso'] },
    ],
    constraints: [
      { coefficients: { a: 1, b: 1, c: 1 }, op: '=', rhs: 1 },
      { coefficients: { a: 1 }, op: '<=', rhs: 0.7 },
      { coefficients: { b: 1, steps: 0.1 }, op: '<=', rhs: 0.8 },
    ],
  },
  options: fast,
});

const mixedYield = (p: Point): number =>
  -((Number(p.a) - 0.5) ** 2) - (Number(p.b) - 0.2) ** 2 + 0.1 * Math.log10(Number(p.conc)) * -1 * 0 + (p.solvent === 'ethanol' ? 0.3 : 0) - 0.05 * Math.abs(Number(p.steps) - 3) + Number(p.speed) / 5000;

function run(config: PlannerConfig, f: (p: Point) => number, budget: number, failIf?: (p: Point) => boolean) {
  const planner = createPlanner(config);
  const proposals = [];
  for (let i = 0; i < budget; i++) {
    const [p] = planner.ask(1);
    proposals.push(p);
    const failed = failIf?.(p.point) ?? false;
    planner.tell([failed ? { id: `e${i}`, point: p.point, failed: true } : { id: `e${i}`, point: p.point, values: { [config.objectives[0].name]: f(p.point) } }]);
  }
  return { planner, proposals };
}

describe('gp-ei planner', () => {
  it('finds the Branin minimum region within 20 evaluations', () => {
    const { planner } = run(braninConfig(1), branin, 20);
    const best = Math.min(...planner.toJSON().observations.map((o) => o.values!.y));
    expect(best).toBeLessThan(0.6); // optimum 0.397887; random search needs ~10x more evaluations
  });

  it('starts with the centre point and a Sobol design, then explains model-based proposals', () => {
    const { proposals } = run(braninConfig(2), branin, 8);
    expect(proposals[0].point).toEqual({ x1: 2.5, x2: 7.5 });
    expect(proposals[0].explanation.reason).toMatch(/centre point 1 of 5/);
    const bo = proposals[7];
    expect(bo.explanation.reason).toMatch(/Bayesian optimization/);
    expect(bo.predicted.y.sd).toBeGreaterThan(0);
    expect(bo.explanation.exploitShare + bo.explanation.exploreShare).toBeCloseTo(1, 12);
    expect(Object.values(bo.explanation.relevance).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(bo.explanation.influential.length).toBeGreaterThan(0);
    expect(bo.explanation.influential[0].weight).toBeGreaterThanOrEqual(bo.explanation.influential.at(-1)!.weight);
  });

  it('every proposal satisfies bounds, integrality and linear constraints within 1e-9 (mixed space)', () => {
    const cfg = mixedConfig(3);
    const { proposals, planner } = run(cfg, mixedYield, 18);
    for (const p of [...proposals, ...planner.ask(3), ...planner.ask(2, { fixed: { solvent: 'dmso', a: 0.25 } })]) {
      expect(constraintViolation(cfg.space, p.point)).toBeLessThanOrEqual(1e-9);
    }
    const fixed = planner.ask(1, { fixed: { solvent: 'dmso', a: 0.25 } })[0].point;
    expect(fixed.solvent).toBe('dmso');
    expect(fixed.a).toBe(0.25);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = run(braninConfig(7), branin, 9).proposals.map((p) => p.point);
    const b = run(braninConfig(7), branin, 9).proposals.map((p) => p.point);
    const c = run(braninConfig(8), branin, 9).proposals.map((p) => p.point);
    expect(a).toEqual(b);
    expect(a.slice(1)).not.toEqual(c.slice(1));
  });

  it('restores from JSON and asks exactly the same next points', () => {
    const { planner } = run(mixedConfig(4), mixedYield, 13);
    const state = JSON.parse(JSON.stringify(planner.toJSON()));
    const restored = restorePlanner(state);
    expect(restored.ask(2)).toEqual(planner.ask(2));
    const pending = [{ a: 0.3, b: 0.3, c: 0.4, conc: 0.01, steps: 2, speed: 200, solvent: 'water' }];
    expect(restored.ask(1, { pending })).toEqual(planner.ask(1, { pending }));
  });

  it('treats failures as data: no crash, and proposals move away from the failing region', () => {
    // Everything with x1 > 4 fails.
    const fails = (p: Point): boolean => Number(p.x1) > 4;
    const late = run(braninConfig(5), branin, 22, fails).proposals.slice(12);
    expect(late.every((q) => q.explanation.feasibility >= 0 && q.explanation.feasibility <= 1)).toBe(true);
    const lateFailures = late.filter((q) => fails(q.point));
    expect(lateFailures.length).toBeLessThanOrEqual(5);
    // A failing point is never proposed twice once it has failed.
    expect(new Set(lateFailures.map((q) => JSON.stringify(q.point))).size).toBe(lateFailures.length);
    // Without the feasibility model the planner keeps re-proposing the same failing point.
    const blind = run({ ...braninConfig(5), options: { ...fast, feasibilityModel: false } }, branin, 22, fails).proposals.slice(12);
    expect(blind.filter((q) => fails(q.point)).length).toBeGreaterThan(lateFailures.length + 3);
    const probe = createPlanner(braninConfig(5));
    probe.tell([{ id: 'f', point: { x1: 1, x2: 1 }, failed: true }, { id: 'g', point: { x1: 2, x2: 2 }, values: { y: 3 } }]);
    expect(() => probe.ask(1)).not.toThrow();
  });

  it('batch and pending proposals are distinct points', () => {
    const { planner } = run(braninConfig(6), branin, 8);
    const batch = planner.ask(4);
    const keys = new Set(batch.map((p) => JSON.stringify(p.point)));
    expect(keys.size).toBe(4);
    const next = planner.ask(1, { pending: batch.map((p) => p.point) });
    expect(keys.has(JSON.stringify(next[0].point))).toBe(false);
  });

  it('excluding an observation changes the model; updateSpace keeps it and respects new bounds', () => {
    const { planner } = run(braninConfig(9), branin, 10);
    const at = { fixed: { x1: 0, x2: 0.5 } };
    planner.tell([{ id: 'outlier', point: { x1: 0, x2: 0.5 }, values: { y: -1000 } }]);
    const withOutlier = planner.ask(1, at)[0];
    expect(withOutlier.predicted.y.mean).toBeLessThan(-100);
    expect(withOutlier.explanation.influential[0].id).toBe('outlier');
    planner.exclude('outlier');
    const without = planner.ask(1, at)[0];
    expect(without.predicted.y.mean).toBeGreaterThan(0);
    expect(without.explanation.influential.map((i) => i.id)).not.toContain('outlier');
    expect(planner.toJSON().excluded).toEqual(['outlier']);
    planner.updateSpace({ parameters: [{ name: 'x1', type: 'continuous', lower: 0, upper: 5 }, { name: 'x2', type: 'continuous', lower: 0, upper: 5 }] });
    for (const p of planner.ask(3)) {
      expect(p.point.x1).toBeGreaterThanOrEqual(0);
      expect(p.point.x1).toBeLessThanOrEqual(5);
      expect(p.point.x2).toBeLessThanOrEqual(5);
      expect(p.explanation.reason).toMatch(/Bayesian optimization/);
    }
  });

  it('handles a target objective and reports predictions in its own units', () => {
    const cfg: PlannerConfig = { ...braninConfig(10), objectives: [{ name: 'y', direction: 'target', target: 20 }] };
    const { planner } = run(cfg, branin, 16);
    const obs = planner.toJSON().observations.map((o) => Math.abs(o.values!.y - 20));
    expect(Math.min(...obs)).toBeLessThan(1);
    const p = planner.ask(1)[0];
    expect(Math.abs(p.predicted.y.mean - 20)).toBeLessThan(15);
  });
});

describe('baselines and validation', () => {
  it('sobol and random kinds share the initial design and stay in bounds', () => {
    const s = run(braninConfig(3, 'sobol'), branin, 8).proposals.map((p) => p.point);
    const r = run(braninConfig(3, 'random'), branin, 8).proposals.map((p) => p.point);
    const g = run(braninConfig(3), branin, 5).proposals.map((p) => p.point);
    expect(s.slice(0, 5)).toEqual(g);
    expect(r.slice(0, 5)).toEqual(g);
    expect(r.slice(5)).not.toEqual(s.slice(5));
  });

  it('reports readable configuration errors', () => {
    const bad: PlannerConfig = {
      kind: 'magic',
      seed: 1,
      objectives: [{ name: 'y', direction: 'target' }],
      space: {
        parameters: [
          { name: 'x', type: 'continuous', lower: 2, upper: 1 },
          { name: 'z', type: 'continuous', lower: 0, upper: 1, scale: 'log' },
          { name: 'u', type: 'continuous', lower: 0, upper: 1 },
          { name: 'v', type: 'continuous', lower: 0, upper: 1 },
        ],
        constraints: [{ coefficients: { u: 1, v: 1 }, op: '>=', rhs: 3 }],
      },
    };
    const errors = validatePlannerConfig(bad).join('\n');
    expect(errors).toMatch(/unknown kind 'magic'/);
    expect(errors).toMatch(/lower \(2\) must be below upper \(1\)/);
    expect(errors).toMatch(/log scale needs lower > 0/);
    expect(errors).toMatch(/needs a numeric target/);
    const infeasible = { ...braninConfig(1), space: { parameters: bad.space.parameters.slice(2), constraints: bad.space.constraints } };
    expect(validatePlannerConfig(infeasible).join('\n')).toMatch(/infeasible/);
    expect(validatePlannerConfig(braninConfig(1))).toEqual([]);
    expect(() => createPlanner(bad)).toThrow(/invalid planner config/);
  });
});
