import { AcquisitionFn } from './acquisition/types';
import { GaussianProcess } from './gp';
import { logNormCdf } from './normal';

/**
 * Probability of success from a GP fitted to +-1 success labels (least-squares classification):
 * P(success | x) = Phi(k mu(x) / sqrt(1 + k^2 var(x))), the probit link with slope k averaged over
 * the latent posterior. With k = 1 a region of repeated failures (mu -> -1) could never drop below
 * Phi(-1) = 0.16; k = 3 lets it reach ~1e-3 while an unexplored region stays near 1/2.
 * Returned in log space with its gradient so it can weigh a log-acquisition.
 */
const SLOPE = 3;

export function logSuccessProbability(gp: GaussianProcess): AcquisitionFn {
  const gMu = new Float64Array(gp.dim);
  const gVar = new Float64Array(gp.dim);
  return {
    value(x, grad) {
      const p = grad ? gp.predictWithGrad(x, gMu, gVar) : gp.predict(x);
      const s = Math.sqrt(1 + SLOPE * SLOPE * p.variance);
      const t = (SLOPE * p.mean) / s;
      const lp = logNormCdf(t);
      if (grad) {
        // d log Phi(t)/dt = phi(t)/Phi(t), taken in log space so it stays finite deep in the tail.
        const ratio = Math.exp(-0.5 * t * t - 0.5 * Math.log(2 * Math.PI) - lp);
        for (let d = 0; d < gp.dim; d++) grad[d] = ratio * SLOPE * (gMu[d] / s - (SLOPE * SLOPE * p.mean * gVar[d]) / (2 * s * s * s));
      }
      return lp;
    },
  };
}

export function successProbability(gp: GaussianProcess, x: ArrayLike<number>): number {
  const p = gp.predict(x);
  return Math.exp(logNormCdf((SLOPE * p.mean) / Math.sqrt(1 + SLOPE * SLOPE * p.variance)));
}
