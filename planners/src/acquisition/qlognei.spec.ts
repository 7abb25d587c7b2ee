import { describe, expect, it } from 'vitest';
import { GaussianProcess } from '../gp';
import { hEi } from '../normal';
import { Rng } from '../rng';
import { qLogNoisyEi } from './qlognei';

function noisyGp(noise: number) {
  const rng = new Rng(3);
  const X = Array.from({ length: 10 }, () => Float64Array.from([rng.next(), rng.next()]));
  const flat = new Float64Array(20);
  X.forEach((x, i) => flat.set(x, 2 * i));
  const y = X.map((x) => Math.sin(4 * x[0]) + x[1] + 0.3 * rng.normal());
  const gp = GaussianProcess.fit('matern52', { logLengthscales: [-1, -0.8], logOutputscale: 0, logNoise: Math.log(noise), mean: 0 }, flat, y);
  return { gp, X, y };
}

describe('qLogNEI', () => {
  it('gradient matches finite differences', () => {
    const { gp, X } = noisyGp(0.05);
    const acq = qLogNoisyEi(gp, X, { samples: 256, seed: 1 });
    for (const x of [Float64Array.from([0.2, 0.7]), Float64Array.from([0.9, 0.1])]) {
      const g = new Float64Array(2);
      acq.value(x, g);
      for (let d = 0; d < 2; d++) {
        const xp = Float64Array.from(x);
        const xm = Float64Array.from(x);
        xp[d] += 1e-6;
        xm[d] -= 1e-6;
        expect(g[d]).toBeCloseTo((acq.value(xp, null) - acq.value(xm, null)) / 2e-6, 3);
      }
    }
  });

  it('reduces to LogEI over the best posterior mean when the incumbent is nearly certain', () => {
    const { gp, X } = noisyGp(1e-8);
    const acq = qLogNoisyEi(gp, X, { samples: 2048, seed: 2 });
    const x = Float64Array.from([0.5, 0.95]);
    const p = gp.predict(x);
    const best = Math.max(...gp.trainingMeans());
    const sigma = Math.sqrt(p.variance);
    const ei = sigma * hEi((p.mean - best) / sigma);
    expect(Math.exp(acq.value(x, null))).toBeCloseTo(ei, 2);
  });
});
