import { describe, expect, it } from 'vitest';
import { minimize } from './lbfgsb';

describe('projected L-BFGS', () => {
  it('minimizes the Rosenbrock function', () => {
    const res = minimize(
      (x, g) => {
        const [a, b] = x;
        g[0] = -400 * a * (b - a * a) - 2 * (1 - a);
        g[1] = 200 * (b - a * a);
        return 100 * (b - a * a) ** 2 + (1 - a) ** 2;
      },
      [-1.2, 1],
      { maxIter: 500, pgtol: 1e-10, ftol: 0 },
    );
    expect(res.x[0]).toBeCloseTo(1, 5);
    expect(res.x[1]).toBeCloseTo(1, 5);
  });

  it('stops on active bounds with the free variables optimal', () => {
    // min (x0 - 2)^2 + (x1 + 1)^2 + (x2 - 0.3)^2 on [0,1]^3 -> (1, 0, 0.3).
    const c = [2, -1, 0.3];
    const res = minimize(
      (x, g) => {
        let f = 0;
        for (let i = 0; i < 3; i++) {
          g[i] = 2 * (x[i] - c[i]);
          f += (x[i] - c[i]) ** 2;
        }
        return f;
      },
      [0.5, 0.5, 0.5],
      { lower: [0, 0, 0], upper: [1, 1, 1] },
    );
    expect(Array.from(res.x)).toEqual([1, 0, expect.closeTo(0.3, 8)]);
  });

  it('keeps iterates on a convex set given by a projection', () => {
    // Minimize distance to (1, 1) on the disc of radius 1: optimum (1/sqrt2, 1/sqrt2).
    const res = minimize(
      (x, g) => {
        g[0] = 2 * (x[0] - 1);
        g[1] = 2 * (x[1] - 1);
        return (x[0] - 1) ** 2 + (x[1] - 1) ** 2;
      },
      [0, -0.5],
      {
        project: (x) => {
          const r = Math.hypot(x[0], x[1]);
          if (r > 1) {
            x[0] /= r;
            x[1] /= r;
          }
        },
      },
    );
    expect(res.x[0]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(res.x[1]).toBeCloseTo(Math.SQRT1_2, 5);
  });
});
