import { Cell } from '../pareto';
import { logH, logNormCdf, log1mexp } from '../normal';
import { VectorUtility } from './multi';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log E[max(0, min(Y, u) - l)] for Y ~ N(mu, sigma^2) = log(sigma (h(z_l) - h(z_u))), and its
 * partials, computed in log space so far-away cells stay finite.
 */
function logSlab(mu: number, sigma: number, l: number, u: number): { value: number; dMu: number; dSigma: number } {
  const zl = (mu - l) / sigma;
  const hl = logH(zl);
  let logD = hl;
  let zu = -Infinity;
  if (u !== Infinity) {
    zu = (mu - u) / sigma;
    logD = hl + log1mexp(Math.min(-1e-300, logH(zu) - hl));
  }
  // d(sigma D)/dmu = Phi(z_l) - Phi(z_u); d(sigma D)/dsigma = phi(z_l) - phi(z_u); both divided by sigma D.
  const ratio = (logA: number): number => Math.exp(logA - logD);
  let dMu: number;
  if (zu !== -Infinity && zu > 0) dMu = ratio(logNormCdf(-zu)) - ratio(logNormCdf(-zl));
  else dMu = ratio(logNormCdf(zl)) - (zu === -Infinity ? 0 : ratio(logNormCdf(zu)));
  const logPhi = (z: number): number => -0.5 * z * z - LOG_SQRT_2PI;
  const dSigma = ratio(logPhi(zl)) - (zu === -Infinity ? 0 : ratio(logPhi(zu)));
  return { value: Math.log(sigma) + logD, dMu: dMu / sigma, dSigma: dSigma / sigma };
}

/**
 * log expected hypervolume improvement for independent Gaussian objectives (maximization):
 * with the non-dominated region split into boxes, HVI(y) = sum_cells prod_i (min(y_i, u_i) - l_i)^+
 * and independence makes each cell's expectation a product of one-dimensional slabs. Exact for
 * 2 and 3 objectives; summed with log-sum-exp so gradients never vanish.
 */
export function logEhvi(cells: readonly Cell[]): VectorUtility {
  return (mu, sigma, dMu, dSigma) => {
    const m = mu.length;
    const logs = new Float64Array(cells.length);
    const parts = cells.map((c, k) => {
      let s = 0;
      const slabs = c.lower.map((l, i) => logSlab(mu[i], sigma[i], l, c.upper[i]));
      for (let i = 0; i < m; i++) s += slabs[i].value;
      logs[k] = s;
      return slabs;
    });
    let max = -Infinity;
    for (const v of logs) max = Math.max(max, v);
    let total = 0;
    for (const v of logs) total += Math.exp(v - max);
    const value = max + Math.log(total);
    if (dMu && dSigma) {
      dMu.fill(0);
      dSigma.fill(0);
      parts.forEach((slabs, k) => {
        const w = Math.exp(logs[k] - value);
        for (let i = 0; i < m; i++) {
          dMu[i] += w * slabs[i].dMu;
          dSigma[i] += w * slabs[i].dSigma;
        }
      });
    }
    return value;
  };
}
