import { describe, expect, it } from 'vitest';
import { CandidatePosterior } from './candidate-posterior';
import { GaussianProcess, GpHyper } from './gp';
import { Rng } from './rng';

describe('CandidatePosterior', () => {
  const rng = new Rng(12);
  const inputs = Array.from({ length: 50 }, () => Float64Array.from([rng.next(), rng.next()]));
  const hyper: GpHyper = { logLengthscales: [-1.2, -0.9], logOutputscale: 0.2, logNoise: Math.log(1e-3), mean: 0.1 };
  const X = Float64Array.from({ length: 12 * 2 }, () => rng.next());
  const y = Array.from({ length: 12 }, () => rng.normal());

  it('incremental row appends equal the exact posterior over the candidates', () => {
    const gp = GaussianProcess.fit('matern52', hyper, X.subarray(0, 10), y.slice(0, 5), undefined, 20);
    const cache = new CandidatePosterior(inputs, [0, 7, 33]);
    cache.sync(gp);
    for (let i = 5; i < 12; i++) {
      gp.add(X.subarray(2 * i, 2 * i + 2), y[i]);
      cache.sync(gp); // O(n C) append, no rebuild
    }
    const exact = gp.predictMany(inputs);
    for (let c = 0; c < inputs.length; c++) {
      expect(cache.mean[c]).toBeCloseTo(exact.mean[c], 10);
      expect(cache.variance[c]).toBeCloseTo(exact.variance[c], 10);
    }
    // Covariance between a reference candidate and the others, against the definition.
    const Vr = gp.whiten([inputs[7], inputs[20]]);
    let cov = gp.kernelAt(inputs[7], inputs[20]);
    for (let i = 0; i < gp.n; i++) cov -= Vr[i * 2] * Vr[i * 2 + 1];
    expect(cache.refCov![1 * inputs.length + 20]).toBeCloseTo(cov, 10);
  });

  it('extend() adds fantasy rows and its undo restores the cache exactly', () => {
    const gp = GaussianProcess.fit('rbf', hyper, X, y);
    const cache = new CandidatePosterior(inputs);
    cache.sync(gp);
    const before = Float64Array.from(cache.variance);
    const fantasy = gp.clone(2);
    fantasy.add(inputs[3], fantasy.predict(inputs[3]).mean);
    const undo = cache.extend(fantasy);
    expect(cache.variance[3]).toBeLessThan(before[3] / 2);
    expect(cache.variance[3]).toBeCloseTo(fantasy.predict(inputs[3]).variance, 10);
    undo();
    expect(Array.from(cache.variance)).toEqual(Array.from(before));
  });
});
