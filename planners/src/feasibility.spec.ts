import { describe, expect, it } from 'vitest';
import { logSuccessProbability, successProbability } from './feasibility';
import { GaussianProcess } from './gp';

describe('feasibility model', () => {
  // Failures (-1) on the left, successes (+1) on the right.
  const X = Float64Array.from([0.05, 0.1, 0.2, 0.3, 0.7, 0.8, 0.9, 0.95]);
  const labels = [-1, -1, -1, -1, 1, 1, 1, 1];
  const gp = GaussianProcess.fit('matern52', { logLengthscales: [-1.5], logOutputscale: 0, logNoise: -4, mean: 0 }, X, labels);

  it('is unlikely where experiments failed and likely where they succeeded', () => {
    expect(successProbability(gp, [0.1])).toBeLessThan(0.05);
    expect(successProbability(gp, [0.9])).toBeGreaterThan(0.95);
  });

  it('has a gradient through the posterior that matches finite differences, tails included', () => {
    const acq = logSuccessProbability(gp);
    for (const at of [0.12, 0.5, 0.85]) {
      const g = new Float64Array(1);
      acq.value(Float64Array.from([at]), g);
      const h = 1e-6;
      const fd = (acq.value(Float64Array.from([at + h]), null) - acq.value(Float64Array.from([at - h]), null)) / (2 * h);
      expect(g[0]).toBeCloseTo(fd, 3);
    }
  });
});
