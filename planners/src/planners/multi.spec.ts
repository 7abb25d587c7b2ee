import { describe, expect, it } from 'vitest';
import { createPlanner, hypervolume, PlannerConfig, restorePlanner } from '../index';

const fast = { rawSamples: 128, restarts: 4, maxIter: 50, initialDesign: 6 };

/** Two conflicting objectives on [0,1]^2 (minimize both): a convex front between (0,0) and (1,1). */
function evaluate(p: Record<string, number | string>): { f1: number; f2: number } {
  const u = Number(p.u);
  const v = Number(p.v);
  return { f1: u * u + 0.3 * v, f2: (1 - u) ** 2 + 0.3 * v };
}

function config(kind: string, seed: number): PlannerConfig {
  return {
    kind,
    seed,
    objectives: [
      { name: 'f1', direction: 'minimize' },
      { name: 'f2', direction: 'minimize' },
    ],
    space: { parameters: [{ name: 'u', type: 'continuous', lower: 0, upper: 1 }, { name: 'v', type: 'continuous', lower: 0, upper: 1 }] },
    options: { ...fast, referencePoint: [1.5, 1.5] },
  };
}

function run(kind: string, seed: number, rounds: number) {
  const planner = createPlanner(config(kind, seed));
  const ys: number[][] = [];
  let id = 0;
  const step = (k: number) => {
    const batch = planner.ask(k);
    planner.tell(
      batch.map((p) => {
        const v = evaluate(p.point);
        ys.push([-v.f1, -v.f2]);
        return { id: `e${id++}`, point: p.point, values: v };
      }),
    );
    return batch;
  };
  step(6);
  const batches = [];
  for (let b = 0; b < rounds; b++) batches.push(step(3));
  return { planner, hv: hypervolume(ys, [-1.5, -1.5]), batches };
}

describe('multi-objective planners', () => {
  it('EHVI and ParEGO beat random search on hypervolume and find the front (v -> 0)', () => {
    const ehvi = run('ehvi', 1, 5);
    const parego = run('parego', 1, 5);
    const random = run('random', 1, 5);
    expect(ehvi.hv).toBeGreaterThan(random.hv);
    expect(parego.hv).toBeGreaterThan(random.hv);
    const front = ehvi.planner.paretoFront();
    expect(front.length).toBeGreaterThan(3);
    expect(front.filter((o) => Number(o.point.v) < 0.1).length).toBeGreaterThan(front.length / 2);
  });

  it('batches are distinct and explained per objective; state round-trips exactly', () => {
    const { planner, batches } = run('ehvi', 2, 2);
    const last = batches[1];
    expect(new Set(last.map((p) => JSON.stringify(p.point))).size).toBe(3);
    expect(Object.keys(last[0].predicted).sort()).toEqual(['f1', 'f2']);
    expect(last[0].explanation.reason).toMatch(/hypervolume/);
    const restored = restorePlanner(JSON.parse(JSON.stringify(planner.toJSON())));
    expect(restored.ask(2)).toEqual(planner.ask(2));
  });
});
