import { GaussianProcess } from '../gp';
import { AcquisitionFn } from './types';

/**
 * A utility of independent Gaussian posteriors N(mu_i, sigma_i^2), one per objective, with its
 * partial derivatives written into dMu / dSigma (EHVI and ParEGO are of this form).
 */
export type VectorUtility = (mu: Float64Array, sigma: Float64Array, dMu: Float64Array | null, dSigma: Float64Array | null) => number;

/** Acquisition U(mu(x), sigma(x)) over one GP per objective, with the chain rule to x. */
export function multiPosteriorAcquisition(gps: GaussianProcess[], utility: VectorUtility): AcquisitionFn {
  const m = gps.length;
  const dim = gps[0].dim;
  const mu = new Float64Array(m);
  const sigma = new Float64Array(m);
  const dMu = new Float64Array(m);
  const dSigma = new Float64Array(m);
  const gMu = gps.map(() => new Float64Array(dim));
  const gVar = gps.map(() => new Float64Array(dim));
  return {
    value(x, grad) {
      gps.forEach((gp, i) => {
        const p = grad ? gp.predictWithGrad(x, gMu[i], gVar[i]) : gp.predict(x);
        mu[i] = p.mean;
        sigma[i] = Math.sqrt(p.variance);
      });
      const v = utility(mu, sigma, grad ? dMu : null, grad ? dSigma : null);
      if (grad) {
        grad.fill(0);
        for (let i = 0; i < m; i++) for (let d = 0; d < dim; d++) grad[d] += dMu[i] * gMu[i][d] + (dSigma[i] * gVar[i][d]) / (2 * sigma[i]);
      }
      return v;
    },
    values(xs) {
      const posts = gps.map((gp) => gp.predictMany(xs));
      return Float64Array.from(xs, (_, c) => {
        for (let i = 0; i < m; i++) {
          mu[i] = posts[i].mean[c];
          sigma[i] = Math.sqrt(posts[i].variance[c]);
        }
        return utility(mu, sigma, null, null);
      });
    },
  };
}
