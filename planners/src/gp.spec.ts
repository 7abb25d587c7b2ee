import { Matrix, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { GaussianProcess, GpHyper } from './gp';
import { Rng } from './rng';

const matern52 = (r: number): number => (1 + Math.sqrt(5) * r + (5 / 3) * r * r) * Math.exp(-Math.sqrt(5) * r);

describe('GaussianProcess posterior', () => {
  it('matches a hand-computed two-point RBF example', () => {
    // 1-d, lengthscale 1, outputscale 1, noise 0.01, mean 0; data (0, 1), (1, 2); predict at 0.5.
    const hyper: GpHyper = { logLengthscales: [0], logOutputscale: 0, logNoise: Math.log(0.01), mean: 0 };
    const gp = GaussianProcess.fit('rbf', hyper, new Float64Array([0, 1]), [1, 2]);
    const k12 = Math.exp(-0.5);
    const det = 1.01 * 1.01 - k12 * k12;
    const a1 = (1.01 * 1 - k12 * 2) / det; // K^{-1} y via the 2x2 inverse
    const a2 = (-k12 * 1 + 1.01 * 2) / det;
    const ks = Math.exp(-0.125);
    const p = gp.predict([0.5]);
    expect(p.mean).toBeCloseTo(ks * a1 + ks * a2, 12);
    const quad = (ks * ks * 1.01 - 2 * ks * ks * k12 + ks * ks * 1.01) / det;
    expect(p.variance).toBeCloseTo(1 - quad, 12);
    expect(Array.from(gp.alpha)).toEqual([expect.closeTo(a1, 12), expect.closeTo(a2, 12)]);
  });

  it('agrees with a dense ml-matrix computation (Matern-5/2 ARD, constant mean, per-point noise)', () => {
    const rng = new Rng(11);
    const n = 15;
    const dim = 3;
    const X = Float64Array.from({ length: n * dim }, () => rng.next());
    const y = Array.from({ length: n }, () => rng.normal());
    const extra = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0.05 : 0));
    const hyper: GpHyper = { logLengthscales: [-1, -0.5, 0.3], logOutputscale: 0.4, logNoise: Math.log(1e-3), mean: 0.2 };
    const gp = GaussianProcess.fit('matern52', hyper, X, y, extra);
    const ls = hyper.logLengthscales.map(Math.exp);
    const os = Math.exp(hyper.logOutputscale);
    const kern = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
      let r2 = 0;
      for (let d = 0; d < dim; d++) r2 += ((a[d] - b[d]) / ls[d]) ** 2;
      return os * matern52(Math.sqrt(r2));
    };
    const row = (i: number): Float64Array => X.subarray(i * dim, (i + 1) * dim);
    const K = new Matrix(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K.set(i, j, kern(row(i), row(j)) + (i === j ? 1e-3 + extra[i] : 0));
    const x = [0.3, 0.6, 0.1];
    const ks = Matrix.columnVector(Array.from({ length: n }, (_, i) => kern(row(i), x)));
    const r = Matrix.columnVector(y.map((v) => v - hyper.mean));
    const mean = hyper.mean + ks.transpose().mmul(solve(K, r)).get(0, 0);
    const variance = os - ks.transpose().mmul(solve(K, ks)).get(0, 0);
    const p = gp.predict(x);
    expect(p.mean).toBeCloseTo(mean, 10);
    expect(p.variance).toBeCloseTo(variance, 10);
    // Posterior means at the training inputs via the O(n) identity.
    const tm = gp.trainingMeans();
    for (const i of [0, 4, 9]) expect(tm[i]).toBeCloseTo(gp.predict(row(i)).mean, 9);
  });

  it('mean and variance gradients match finite differences (both kernels)', () => {
    const rng = new Rng(5);
    const dim = 4;
    const X = Float64Array.from({ length: 10 * dim }, () => rng.next());
    const y = Array.from({ length: 10 }, () => rng.normal());
    for (const kernel of ['matern52', 'rbf'] as const) {
      const gp = GaussianProcess.fit(kernel, { logLengthscales: [-1, -0.7, -0.2, 0], logOutputscale: 0, logNoise: -6, mean: 0 }, X, y);
      const x = Float64Array.from([0.41, 0.27, 0.83, 0.55]);
      const gm = new Float64Array(dim);
      const gv = new Float64Array(dim);
      gp.predictWithGrad(x, gm, gv);
      for (let d = 0; d < dim; d++) {
        const h = 1e-6;
        const xp = Float64Array.from(x);
        const xm = Float64Array.from(x);
        xp[d] += h;
        xm[d] -= h;
        const pp = gp.predict(xp);
        const pm = gp.predict(xm);
        expect(gm[d]).toBeCloseTo((pp.mean - pm.mean) / (2 * h), 5);
        expect(gv[d]).toBeCloseTo((pp.variance - pm.variance) / (2 * h), 5);
      }
    }
  });

  it('incremental adds equal a fit from scratch; truncate forgets fantasies', () => {
    const rng = new Rng(9);
    const X = Float64Array.from({ length: 8 * 2 }, () => rng.next());
    const y = Array.from({ length: 8 }, () => rng.normal());
    const hyper: GpHyper = { logLengthscales: [-1, -1], logOutputscale: 0, logNoise: -8, mean: 0 };
    const full = GaussianProcess.fit('matern52', hyper, X, y);
    const inc = GaussianProcess.fit('matern52', hyper, X.subarray(0, 10), y.slice(0, 5));
    for (let i = 5; i < 8; i++) inc.add(X.subarray(i * 2, i * 2 + 2), y[i]);
    const x = [0.5, 0.5];
    expect(inc.predict(x)).toEqual(full.predict(x));
    const before = inc.predict([0.9, 0.1]);
    inc.add([0.9, 0.1], 3);
    expect(inc.predict([0.9, 0.1]).variance).toBeLessThan(before.variance);
    inc.truncate(8);
    expect(inc.predict([0.9, 0.1])).toEqual(before);
  });
});
