import { AcquisitionFn } from './acquisition/types';
import { GaussianProcess } from './gp';
import { Surrogate, SurrogateState, TrainingRow } from './model';
import { GpOptions } from './options';
import { mixSeed } from './rng';
import { Observation, Point } from './types';
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
      if (!grad) {
        const p = gp.predict(x);
        return logProbit(p.mean, p.variance);
      }
      const p = gp.predictWithGrad(x, gMu, gVar);
      return probitWithGrad(p.mean, p.variance, gMu, gVar, grad);
    },
    values(xs) {
      const p = gp.predictMany(xs);
      return p.mean.map((m, i) => logProbit(m, p.variance[i]));
    },
    valuesWithGrad(xs, grads) {
      const gm = xs.map(() => new Float64Array(gp.dim));
      const gv = xs.map(() => new Float64Array(gp.dim));
      const p = gp.predictWithGradMany(xs, gm, gv);
      return p.mean.map((m, c) => probitWithGrad(m, p.variance[c], gm[c], gv[c], grads[c]));
    },
  };
}

function probitWithGrad(mean: number, variance: number, gMu: Float64Array, gVar: Float64Array, grad: Float64Array): number {
  const s = Math.sqrt(1 + SLOPE * SLOPE * variance);
  const t = (SLOPE * mean) / s;
  const lp = logNormCdf(t);
  // d log Phi(t)/dt = phi(t)/Phi(t), taken in log space so it stays finite deep in the tail.
  const ratio = Math.exp(-0.5 * t * t - 0.5 * Math.log(2 * Math.PI) - lp);
  for (let d = 0; d < grad.length; d++) grad[d] = ratio * SLOPE * (gMu[d] / s - (SLOPE * SLOPE * mean * gVar[d]) / (2 * s * s * s));
  return lp;
}

/** log P(success) from the label GP's posterior mean and variance at a point. */
export function logProbit(mean: number, variance: number): number {
  return logNormCdf((SLOPE * mean) / Math.sqrt(1 + SLOPE * SLOPE * variance));
}

export function successProbability(gp: GaussianProcess, x: ArrayLike<number>): number {
  const p = gp.predict(x);
  return Math.exp(logProbit(p.mean, p.variance));
}

/** The success-label GP of a planner; labels are noisy near the boundary, so the noise floor is 1e-2. */
export function feasibilitySurrogate(opts: GpOptions, seed: number, state: SurrogateState | null): Surrogate {
  return new Surrogate({ kernel: opts.kernel, refitEvery: opts.refitEvery, refitFraction: 0.1, fitSubsample: opts.fitSubsample, minNoise: 1e-2, standardize: false, seed: mixSeed(seed, 0xfea5) }, state);
}

/**
 * +-1 success labels for the feasibility model: an experiment failed if it says so or lacks a value
 * for some objective. Null while nothing has failed (the model would be constant).
 */
export function feasibilityRows(observations: Observation[], inputOf: (p: Point) => Float64Array | null, objectiveNames: string[]): TrainingRow[] | null {
  const failed = (o: Observation): boolean => o.failed === true || objectiveNames.some((n) => o.values?.[n] === undefined);
  if (!observations.some(failed)) return null;
  const rows: TrainingRow[] = [];
  for (const o of observations) {
    const x = inputOf(o.point);
    if (x) rows.push({ id: o.id, x, y: failed(o) ? -1 : 1 });
  }
  return rows;
}
