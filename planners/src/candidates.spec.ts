import { describe, expect, it } from 'vitest';
import { createPlanner, PlannerConfig, Point, restorePlanner } from './index';

/** A 16 x 16 "image": pixels with (row, col) parameters and a 2-feature descriptor. */
function grid(features: boolean): PlannerConfig['space'] {
  const candidates = [];
  for (let r = 0; r < 16; r++) for (let c = 0; c < 16; c++) candidates.push({ point: { row: r, col: c }, ...(features ? { features: [r * 0.5, Math.sin(c / 3)] } : {}) });
  return { parameters: [{ name: 'row', type: 'integer', lower: 0, upper: 15 }, { name: 'col', type: 'integer', lower: 0, upper: 15 }], candidates };
}

const signal = (p: Point): number => Math.exp(-((Number(p.row) - 11) ** 2 + (Number(p.col) - 4) ** 2) / 8);

function loop(config: PlannerConfig, steps: number) {
  const planner = createPlanner(config);
  const seen: Point[] = [];
  for (let i = 0; i < steps; i++) {
    const [p] = planner.ask(1);
    seen.push(p.point);
    planner.tell([{ id: `p${i}`, point: p.point, values: { y: signal(p.point) } }]);
  }
  return { planner, seen };
}

describe('candidate-set mode', () => {
  it('gp-ei finds the brightest pixel and never re-images a pixel', () => {
    const { seen } = loop({ kind: 'gp-ei', seed: 1, objectives: [{ name: 'y', direction: 'maximize' }], space: grid(false) }, 25);
    expect(new Set(seen.map((p) => `${p.row},${p.col}`)).size).toBe(seen.length);
    expect(Math.max(...seen.map(signal))).toBe(1);
  });

  it('active learning with features spreads out, batches are distinct, and restore is exact', () => {
    const cfg: PlannerConfig = { kind: 'active-learning', seed: 2, objectives: [{ name: 'y', direction: 'maximize' }], space: grid(true), options: { initialDesign: 4 } };
    const { planner, seen } = loop(cfg, 12);
    expect(new Set(seen.map((p) => `${p.row},${p.col}`)).size).toBe(12);
    const batch = planner.ask(5);
    expect(new Set(batch.map((p) => `${p.point.row},${p.point.col}`)).size).toBe(5);
    expect(batch[0].explanation.exploreShare).toBe(1);
    expect(Object.keys(batch[0].explanation.relevance)).toEqual(['feature0', 'feature1']);
    // Uncertainty sampling: the proposal is where the posterior sd is largest among free pixels.
    expect(batch[0].predicted.y.sd).toBeGreaterThan(0);
    const restored = restorePlanner(JSON.parse(JSON.stringify(planner.toJSON())));
    expect(restored.ask(3)).toEqual(planner.ask(3));
  });

  it('integrated variance works on candidates and on a continuous space', () => {
    const onGrid = loop({ kind: 'active-learning', seed: 3, objectives: [{ name: 'y', direction: 'maximize' }], space: grid(false), options: { acquisition: 'integrated-variance', initialDesign: 4 } }, 8);
    expect(onGrid.planner.ask(1)[0].explanation.reason).toMatch(/integrated variance/);
    const cont = createPlanner({ kind: 'active-learning', seed: 4, objectives: [{ name: 'y', direction: 'maximize' }], space: { parameters: [{ name: 'row', type: 'continuous', lower: 0, upper: 15 }, { name: 'col', type: 'continuous', lower: 0, upper: 15 }] }, options: { acquisition: 'integrated-variance', initialDesign: 4 } });
    for (let i = 0; i < 8; i++) {
      const [p] = cont.ask(1);
      cont.tell([{ id: `c${i}`, point: p.point, values: { y: signal(p.point) } }]);
    }
    const p = cont.ask(2);
    expect(p[0].point).not.toEqual(p[1].point);
  });
});
