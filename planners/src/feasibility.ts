import { posteriorAcquisition } from './acquisition/analytic';
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
  return posteriorAcquisition(gp, logSuccessUtility);
}

/** log Phi(k mu / sqrt(1 + k^2 sigma^2)) as a utility of the posterior, with its partial derivatives. */
function logSuccessUtility(mu: number, sigma: number): { value: number; dMu: number; dSigma: number } {
  const s = Math.sqrt(1 + SLOPE * SLOPE * sigma * sigma);
  const t = (SLOPE * mu) / s;
  const value = logNormCdf(t);
  // d log Phi(t)/dt = phi(t)/Phi(t), taken in log space so it stays finite deep in the tail.
  const ratio = Math.exp(-0.5 * t * t - 0.5 * Math.log(2 * Math.PI) - value);
  return { value, dMu: (ratio * SLOPE) / s, dSigma: (-ratio * SLOPE ** 3 * mu * sigma) / (s * s * s) };
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
