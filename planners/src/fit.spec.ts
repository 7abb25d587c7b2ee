import { describe, expect, it } from 'vitest';
import { fitHyper, MapObjective } from './fit';
import { Rng } from './rng';

describe('MAP hyperparameter fit', () => {
  it('analytic gradient of the negative log posterior matches finite differences', () => {
    const rng = new Rng(1);
    const n = 14;
    const dim = 3;
    const X = Float64Array.from({ length: n * dim }, () => rng.next());
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(5 * X[i * dim]) + 0.1 * rng.normal());
    const extra = Float64Array.from({ length: n }, (_, i) => (i % 2) * 0.01);
    for (const kernel of ['matern52', 'rbf'] as const) {
      const obj = new MapObjective(kernel, X, y, dim, extra);
      const theta = Float64Array.from([-1.2, 0.1, 0.8, 0.3, Math.log(0.02), 0.15]);
      const g = new Float64Array(theta.length);
      obj.evaluate(theta, g);
      const tmp = new Float64Array(theta.length);
      for (let i = 0; i < theta.length; i++) {
        const h = 1e-6;
        const tp = Float64Array.from(theta);
        const tm = Float64Array.from(theta);
        tp[i] += h;
        tm[i] -= h;
        const fd = (obj.evaluate(tp, tmp) - obj.evaluate(tm, tmp)) / (2 * h);
        expect(g[i]).toBeCloseTo(fd, 4);
      }
    }
  });

  it('learns a short lengthscale for the relevant input and a long one for the irrelevant input', () => {
    const rng = new Rng(2);
    const n = 30;
    const X = Float64Array.from({ length: n * 2 }, () => rng.next());
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(6 * X[i * 2]));
    const mean = y.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    const ys = y.map((v) => (v - mean) / sd);
    const h = fitHyper(X, ys, 2, null, { kernel: 'matern52', randomStarts: 2, optimizeStarts: 2 });
    expect(h.logLengthscales[0]).toBeLessThan(h.logLengthscales[1] - 1);
    expect(Math.exp(h.logNoise)).toBeLessThan(1e-2);
  });
});
