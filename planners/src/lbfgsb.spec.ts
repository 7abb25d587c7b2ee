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

  it('stops at once from the optimum when the gradient there is only rounding noise', () => {
    // A stiff quadratic around -262 whose reported gradient carries noise of 1e-3 at the optimum,
    // as the GP marginal likelihood does with a near-singular K (a warm-started refit).
    const fg = (x: Float64Array, g: Float64Array): number => {
      g[0] = 2000 * (x[0] - 1) + 1e-3;
      g[1] = 2000 * (x[1] - 2) - 1e-3;
      return -262 + 1000 * ((x[0] - 1) ** 2 + (x[1] - 2) ** 2);
    };
    const opts = { pgtol: 1e-5, ftol: 1e-8 };
    const plain = minimize(fg, [1, 2], opts);
    const stopping = minimize(fg, [1, 2], { ...opts, stopOnNegligibleDecrease: true });
    expect(plain.evaluations).toBeGreaterThan(10);
    expect(stopping.evaluations).toBe(2);
    expect(stopping.f).toBeLessThanOrEqual(plain.f + 1e-6);
    // Away from the optimum it still converges.
    const far = minimize(fg, [0, 0], { ...opts, stopOnNegligibleDecrease: true });
    expect(far.x[0]).toBeCloseTo(1, 4);
    expect(far.x[1]).toBeCloseTo(2, 4);
  });
});
