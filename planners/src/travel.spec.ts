import { describe, expect, it } from 'vitest';
import { createPlanner, PlannerConfig, validatePlannerConfig } from './index';
import { logTravelCost } from './travel';

const cost = { x: 'xNm', y: 'yNm', distancePerMeasurement: 1000 };

/** Four locations on a line at 0, 4, 6 and 10 um; the model sees the position as its one feature. */
function lineConfig(options: Record<string, unknown>): PlannerConfig {
  const candidates = [0, 4, 6, 10].map((um) => ({ point: { xNm: 1000 * um, yNm: 0 }, features: [um] }));
  return {
    kind: 'active-learning',
    seed: 3,
    objectives: [{ name: 'area', direction: 'maximize' }],
    options: { initialDesign: 0, ...options },
    space: {
      parameters: [
        { name: 'xNm', type: 'continuous', lower: 0, upper: 10000 },
        { name: 'yNm', type: 'continuous', lower: 0, upper: 10000 },
      ],
      candidates,
    },
  };
}

describe('travel cost', () => {
  it('is log(1 + distance / distancePerMeasurement), zero before the first measurement', () => {
    expect(logTravelCost(cost, { xNm: 0, yNm: 0 }, { xNm: 3000, yNm: 4000 })).toBeCloseTo(Math.log(6));
    expect(logTravelCost(cost, undefined, { xNm: 3000, yNm: 4000 })).toBe(0);
  });

  it('of two equally uncertain ends of the line, goes to the one nearer the last loop', () => {
    // Measured at 4 and 6 um: the ends 0 and 10 um are left, equally uncertain by symmetry.
    const observations = (last: number) => [
      { id: 'a', point: { xNm: 10000 - last, yNm: 0 }, values: { area: 1 } },
      { id: 'b', point: { xNm: last, yNm: 0 }, values: { area: 2 } },
    ];
    for (const [last, expected] of [[6000, 10000], [4000, 0]]) {
      const planner = createPlanner(lineConfig({ travelCost: cost }));
      planner.tell(observations(last));
      expect(planner.ask(1)[0].point.xNm, `last loop at ${last} nm`).toBe(expected);
    }
  });

  it('is rejected with UCB (not a log acquisition) and with unknown parameters', () => {
    expect(validatePlannerConfig({ ...lineConfig({ travelCost: cost }), kind: 'gp-ucb' }).join()).toMatch(/travelCost works with/);
    expect(validatePlannerConfig(lineConfig({ travelCost: { ...cost, y: 'zNm' } })).join()).toMatch(/travelCost.y must name a parameter/);
    expect(validatePlannerConfig(lineConfig({ travelCost: { ...cost, distancePerMeasurement: 0 } })).join()).toMatch(/positive/);
  });
});
