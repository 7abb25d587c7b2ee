import { describe, expect, it } from 'vitest';
import { hypervolume, nonDominatedCells } from '../pareto';
import { Rng } from '../rng';
import { logEhvi } from './ehvi';
import { VectorUtility } from './multi';
import { chebyshev, logParego } from './parego';

function checkPartials(u: VectorUtility, mu: number[], sigma: number[], digits: number): void {
  const m = mu.length;
  const dMu = new Float64Array(m);
  const dS = new Float64Array(m);
  u(Float64Array.from(mu), Float64Array.from(sigma), dMu, dS);
  const h = 1e-6;
  for (let i = 0; i < m; i++) {
    const at = (dm: number, ds: number): number => {
      const a = Float64Array.from(mu);
      const b = Float64Array.from(sigma);
      a[i] += dm;
      b[i] += ds;
      return u(a, b, null, null);
    };
    expect(dMu[i]).toBeCloseTo((at(h, 0) - at(-h, 0)) / (2 * h), digits);
    expect(dS[i]).toBeCloseTo((at(0, h) - at(0, -h)) / (2 * h), digits);
  }
}

describe('multi-objective acquisitions', () => {
  const front2 = [[1, 3], [2, 2.5], [3, 1]];
  const ref2 = [0, 0];

  it('EHVI equals a Monte-Carlo average of the hypervolume improvement (2 and 3 objectives)', () => {
    const rng = new Rng(6);
    const cases: [number[][], number[], number[], number[]][] = [
      [front2, ref2, [2.2, 2.8], [0.4, 0.3]],
      [[[1, 2, 1], [2, 1, 1.5], [1.5, 1.5, 0.5]], [0, 0, 0], [1.6, 1.7, 1.2], [0.3, 0.4, 0.5]],
    ];
    for (const [front, ref, mu, sigma] of cases) {
      const u = logEhvi(nonDominatedCells(front, ref));
      const base = hypervolume(front, ref);
      let s = 0;
      const n = 40000;
      for (let t = 0; t < n; t++) s += hypervolume([...front, mu.map((m, i) => m + sigma[i] * rng.normal())], ref) - base;
      expect(Math.exp(u(Float64Array.from(mu), Float64Array.from(sigma), null, null)) / (s / n)).toBeCloseTo(1, 1);
    }
  });

  it('EHVI partials match finite differences, also far from the front', () => {
    const u = logEhvi(nonDominatedCells(front2, ref2));
    checkPartials(u, [2.2, 2.8], [0.4, 0.3], 5);
    checkPartials(u, [-3, -2], [0.3, 0.2], 3);
  });

  it('ParEGO: partials match finite differences and the scalarization prefers balanced points', () => {
    const s = { weights: Float64Array.from([0.5, 0.5]), low: Float64Array.from([0, 0]), scale: Float64Array.from([1, 1]), best: 0 };
    expect(chebyshev(s, [0.5, 0.5])).toBeGreaterThan(chebyshev(s, [1, 0]));
    s.best = chebyshev(s, [0.5, 0.5]);
    const u = logParego(s, 256, 3);
    checkPartials(u, [0.6, 0.55], [0.2, 0.1], 4);
  });
});
