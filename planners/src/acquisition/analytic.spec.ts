import { describe, expect, it } from 'vitest';
import { GaussianProcess } from '../gp';
import { hEi, normCdf } from '../normal';
import { Rng } from '../rng';
import { logEi, logPi, logTargetEi, posteriorAcquisition, ucb, Utility } from './analytic';

function checkPartials(u: Utility, mu: number, sigma: number, digits = 5): void {
  const h = 1e-6;
  const r = u(mu, sigma);
  expect(r.dMu).toBeCloseTo((u(mu + h, sigma).value - u(mu - h, sigma).value) / (2 * h), digits);
  expect(r.dSigma).toBeCloseTo((u(mu, sigma + h).value - u(mu, sigma - h).value) / (2 * h), digits);
}

describe('analytic acquisitions', () => {
  it('LogEI is log of the closed-form EI and its partials match finite differences', () => {
    const best = 1.2;
    for (const [mu, sigma] of [[1.5, 0.3], [0.2, 0.5], [-3, 0.2]]) {
      const ei = sigma * hEi((mu - best) / sigma);
      expect(logEi(best)(mu, sigma).value).toBeCloseTo(Math.log(ei), 9);
      checkPartials(logEi(best), mu, sigma);
    }
    // Deep in the tail EI underflows to 0 but LogEI stays finite with a useful slope.
    const far = logEi(best)(-50, 0.5);
    expect(Number.isFinite(far.value)).toBe(true);
    expect(far.dMu).toBeGreaterThan(0);
  });

  it('UCB and LogPI partials', () => {
    checkPartials(ucb(2), 0.3, 0.7);
    expect(logPi(0.5)(0.8, 0.2).value).toBeCloseTo(Math.log(normCdf(1.5)), 12);
    checkPartials(logPi(0.5), 0.8, 0.2);
    checkPartials(logPi(0.5), -4, 0.2, 3);
  });

  it('target LogEI equals a Monte-Carlo estimate of E[max(0, d* - |Y - t|)]', () => {
    const rng = new Rng(4);
    const [t, dBest, mu, sigma] = [1, 0.4, 1.3, 0.5];
    let s = 0;
    const m = 400000;
    for (let i = 0; i < m; i++) s += Math.max(0, dBest - Math.abs(mu + sigma * rng.normal() - t));
    expect(Math.exp(logTargetEi(t, dBest)(mu, sigma).value)).toBeCloseTo(s / m, 3);
    checkPartials(logTargetEi(t, dBest), mu, sigma);
    // Far from the target the asymptote keeps it finite and pointing at the target.
    const far = logTargetEi(t, dBest)(40, 0.3);
    expect(Number.isFinite(far.value)).toBe(true);
    expect(far.dMu).toBeLessThan(0);
  });

  it('gradient through the GP posterior matches finite differences', () => {
    const rng = new Rng(8);
    const X = Float64Array.from({ length: 12 * 2 }, () => rng.next());
    const y = Array.from({ length: 12 }, () => rng.normal());
    const gp = GaussianProcess.fit('matern52', { logLengthscales: [-1, -1.3], logOutputscale: 0, logNoise: -7, mean: 0 }, X, y);
    const acq = posteriorAcquisition(gp, logEi(Math.max(...y)));
    const x = Float64Array.from([0.37, 0.61]);
    const g = new Float64Array(2);
    acq.value(x, g);
    for (let d = 0; d < 2; d++) {
      const xp = Float64Array.from(x);
      const xm = Float64Array.from(x);
      xp[d] += 1e-6;
      xm[d] -= 1e-6;
      expect(g[d]).toBeCloseTo((acq.value(xp, null) - acq.value(xm, null)) / 2e-6, 4);
    }
  });
});
