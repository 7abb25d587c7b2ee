import { GaussianProcess } from '../gp';
import { dLogH, hEi, logH, logNormCdf, normCdf, normPdf } from '../normal';
import { AcquisitionFn, evaluateMany, evaluateManyWithGrad } from './types';

/**
 * A utility of the Gaussian posterior N(mu, sigma^2) at one point, with its partial derivatives;
 * the analytic acquisitions (LogEI, UCB, LogPI, target LogEI) are all of this form, and the chain
 * rule through the GP posterior is shared.
 */
export interface Utility {
  (mu: number, sigma: number): { value: number; dMu: number; dSigma: number };
}

/** Acquisition u(mu(x), sigma(x)) with the gradient through the GP posterior. */
export function posteriorAcquisition(gp: GaussianProcess, utility: Utility): AcquisitionFn {
  const gMu = new Float64Array(gp.dim);
  const gVar = new Float64Array(gp.dim);
  return {
    value(x, grad) {
      if (!grad) {
        const p = gp.predict(x);
        return utility(p.mean, Math.sqrt(p.variance)).value;
      }
      const p = gp.predictWithGrad(x, gMu, gVar);
      const sigma = Math.sqrt(p.variance);
      const u = utility(p.mean, sigma);
      for (let d = 0; d < gp.dim; d++) grad[d] = u.dMu * gMu[d] + (u.dSigma * gVar[d]) / (2 * sigma);
      return u.value;
    },
    values(xs) {
      const p = gp.predictMany(xs);
      return p.mean.map((m, i) => utility(m, Math.sqrt(p.variance[i])).value);
    },
    valuesWithGrad(xs, grads) {
      const gm = xs.map(() => new Float64Array(gp.dim));
      const gv = xs.map(() => new Float64Array(gp.dim));
      const p = gp.predictWithGradMany(xs, gm, gv);
      return p.mean.map((m, c) => {
        const sigma = Math.sqrt(p.variance[c]);
        const u = utility(m, sigma);
        for (let d = 0; d < gp.dim; d++) grads[c][d] = u.dMu * gm[c][d] + (u.dSigma * gv[c][d]) / (2 * sigma);
        return u.value;
      });
    },
  };
}

/** log E[max(0, f - best)] (Ament et al. 2023): same maximizer as EI, but no vanishing gradients. */
export function logEi(best: number): Utility {
  return (mu, sigma) => {
    const z = (mu - best) / sigma;
    const d = dLogH(z);
    return { value: Math.log(sigma) + logH(z), dMu: d / sigma, dSigma: (1 - d * z) / sigma };
  };
}

/** log of the posterior variance: uncertainty sampling for active learning. */
export const logVariance: Utility = (_mu, sigma) => ({ value: 2 * Math.log(sigma), dMu: 0, dSigma: 2 / sigma });

/** Upper confidence bound mu + sqrt(beta) sigma. */
export function ucb(beta: number): Utility {
  const s = Math.sqrt(beta);
  return (mu, sigma) => ({ value: mu + s * sigma, dMu: 1, dSigma: s });
}

/** log P(f > best + xi). */
export function logPi(best: number, xi = 0): Utility {
  return (mu, sigma) => {
    const z = (mu - best - xi) / sigma;
    const lc = logNormCdf(z);
    // phi(z)/Phi(z) in log space stays finite deep in the lower tail.
    const ratio = Math.exp(-0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - lc);
    return { value: lc, dMu: ratio / sigma, dSigma: (-ratio * z) / sigma };
  };
}

/**
 * log E[max(0, dBest - |y - target|)] for a 'target' objective modelled in its own units: the
 * improvement is a tent function = relu(y-a) - 2 relu(y-t) + relu(y-b), so its expectation is a
 * second difference of h(z) = phi(z) + z Phi(z). Far from the target, where that difference
 * underflows, its exact asymptote sigma h((dBest - |mu - t|)/sigma) takes over.
 */
export function logTargetEi(target: number, dBest: number): Utility {
  const a = target - dBest;
  const b = target + dBest;
  return (mu, sigma) => {
    const zs = [(mu - a) / sigma, (mu - target) / sigma, (mu - b) / sigma];
    const w = [1, -2, 1];
    // h(z) = z + h(-z) and Phi(z) = 1 - Phi(-z) for z > 0; the linear parts (z and 1) cancel
    // exactly when all three z are positive, so they are dropped there instead of cancelling in floating point.
    let hd = 0;
    let dm = 0;
    let ds = 0;
    let magnitude = 0;
    const allPositive = zs.every((z) => z > 0);
    zs.forEach((z, i) => {
      if (z > 0) {
        const t = hEi(-z) + (allPositive ? 0 : z);
        hd += w[i] * t;
        magnitude += Math.abs(w[i] * t);
        dm += w[i] * ((allPositive ? 0 : 1) - normCdf(-z));
      } else {
        hd += w[i] * hEi(z);
        magnitude += Math.abs(w[i] * hEi(z));
        dm += w[i] * normCdf(z);
      }
      ds += w[i] * normPdf(z);
    });
    if (hd > 1e-300 && hd > 1e-10 * magnitude) {
      return { value: Math.log(sigma * hd), dMu: dm / (sigma * hd), dSigma: ds / (sigma * hd) };
    }
    const sign = mu >= target ? 1 : -1;
    const z = (dBest - Math.abs(mu - target)) / sigma;
    const d = dLogH(z);
    return { value: Math.log(sigma) + logH(z), dMu: (-sign * d) / sigma, dSigma: (1 - d * z) / sigma };
  };
}

/**
 * Adds log P(success) to an acquisition. For log-acquisitions (LogEI, LogPI, qLogNEI, EHVI) this is
 * the usual product with the success probability; for UCB, which can be negative, it acts as an
 * additive penalty in standardized units (log 1e-3 = -6.9 rules a region out).
 */
export function weightByFeasibility(acq: AcquisitionFn, logFeas: AcquisitionFn | null, dim: number): AcquisitionFn {
  if (!logFeas) return acq;
  const g2 = new Float64Array(dim);
  return {
    value(x, grad) {
      const a = acq.value(x, grad);
      const lp = logFeas.value(x, grad ? g2 : null);
      if (grad) for (let d = 0; d < dim; d++) grad[d] += g2[d];
      return a + lp;
    },
    values(xs) {
      const a = evaluateMany(acq, xs);
      const lp = evaluateMany(logFeas, xs);
      return a.map((v, i) => v + lp[i]);
    },
    valuesWithGrad(xs, grads) {
      const a = evaluateManyWithGrad(acq, xs, grads);
      const g2s = xs.map(() => new Float64Array(dim));
      const lp = evaluateManyWithGrad(logFeas, xs, g2s);
      return a.map((v, c) => {
        for (let d = 0; d < dim; d++) grads[c][d] += g2s[c][d];
        return v + lp[c];
      });
    },
  };
}
