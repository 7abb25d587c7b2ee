import { normInv } from '../normal';
import { Sobol } from '../sobol';
import { VectorUtility } from './multi';

const RHO = 0.05;
const TAU_MIN = 1e-2;
const TAU = 1e-6;
const ALPHA = 0.1;

export interface ParegoScalarization {
  /** Weights on the simplex, one per objective. */
  weights: Float64Array;
  /** Per-objective normalization (maximization units): y_hat = (y - low) / scale. */
  low: Float64Array;
  scale: Float64Array;
  /** Best scalarized value among the measured points. */
  best: number;
}

/** Augmented Chebyshev scalarization (maximization): min_i w_i y_hat_i + rho sum_i w_i y_hat_i. */
export function chebyshev(s: ParegoScalarization, y: ArrayLike<number>): number {
  let mn = Infinity;
  let sum = 0;
  for (let i = 0; i < s.weights.length; i++) {
    const t = (s.weights[i] * (y[i] - s.low[i])) / s.scale[i];
    mn = Math.min(mn, t);
    sum += t;
  }
  return mn + RHO * sum;
}

/**
 * ParEGO (Knowles 2006) as BoTorch's qLogNParEGO: log expected improvement of a random augmented
 * Chebyshev scalarization, by quasi-Monte-Carlo over the independent objective posteriors. The
 * min is smoothed (log-sum-exp, tau 1e-2) and the improvement uses a fat-tailed softplus.
 */
export function logParego(s: ParegoScalarization, samples: number, seed: number): VectorUtility {
  const m = s.weights.length;
  const Z = new Sobol(m, seed).points(samples).map(normInv);
  const t = new Float64Array(m);
  const e = new Float64Array(m);
  return (mu, sigma, dMu, dSigma) => {
    let total = 0;
    if (dMu && dSigma) {
      dMu.fill(0);
      dSigma.fill(0);
    }
    for (let k = 0; k < samples; k++) {
      let mx = -Infinity;
      let sum = 0;
      for (let i = 0; i < m; i++) {
        t[i] = (s.weights[i] * (mu[i] + sigma[i] * Z[k * m + i] - s.low[i])) / s.scale[i];
        mx = Math.max(mx, -t[i] / TAU_MIN);
        sum += t[i];
      }
      let se = 0;
      for (let i = 0; i < m; i++) {
        e[i] = Math.exp(-t[i] / TAU_MIN - mx);
        se += e[i];
      }
      const smin = -TAU_MIN * (mx + Math.log(se));
      const u = (smin + RHO * sum - s.best) / TAU;
      const sp = u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u));
      const c = 1 / (1 + u * u);
      total += TAU * (sp + ALPHA * c);
      if (dMu && dSigma) {
        const sig = u > 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
        const slope = sig - 2 * ALPHA * u * c * c;
        for (let i = 0; i < m; i++) {
          // d smin / d t_i = softmin weight; d t_i / d mu_i = w_i / scale_i.
          const dt = slope * (e[i] / se + RHO) * (s.weights[i] / s.scale[i]);
          dMu[i] += dt;
          dSigma[i] += dt * Z[k * m + i];
        }
      }
    }
    if (dMu && dSigma) {
      for (let i = 0; i < m; i++) {
        dMu[i] /= total;
        dSigma[i] /= total;
      }
    }
    return Math.log(total / samples);
  };
}
