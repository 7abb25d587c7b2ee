/**
 * Output warping: the GP models t = w(y) instead of y, for a monotone increasing w, so that noise
 * whose spread grows with the level becomes the homoscedastic Gaussian noise the GP assumes. Two
 * Box-Cox members, shifted:
 *
 *   log:  t = s * log(s * y + c)    multiplicative noise (sd proportional to the level: PFM loop areas)
 *   sqrt: t = s * sqrt(s * y + c)   counting noise (variance proportional to the level: vacancy counts)
 *
 * s is the common sign of the (maximization-oriented) targets, c > 0. With s = -1 (a minimized
 * non-negative quantity, negated) t is still increasing in y, so the planner keeps maximizing. A
 * larger shift c makes w closer to linear over the data. Whether to warp, and how, is chosen by
 * the marginal likelihood of the data in its own units, which includes the Jacobian of w (see
 * Surrogate.refit): a fudge-free model choice, and no warp when the noise does not grow with y.
 */
export interface OutputWarp {
  kind: 'log' | 'sqrt';
  sign: 1 | -1;
  shift: number;
  /** The shift as a fraction of the median |y| when it was chosen (identifies the family member across refits). */
  fraction?: number;
}

/** Identifies a family member across refits (the shift itself follows the data's scale). */
export function warpKey(w: OutputWarp | undefined): string {
  return w ? `${w.kind}:${w.fraction ?? w.shift}` : 'identity';
}

/**
 * Shifts tried, as fractions of the median non-zero |y|. The smallest keeps a value at or near zero
 * (Ackley's optimum, a film with no vacancy counted) from becoming an extreme outlier whose
 * Jacobian alone would win the comparison; larger shifts are close to no warp at all.
 */
export const SHIFT_FRACTIONS: readonly number[] = [0.02, 0.2];

/** The warps worth trying for these targets: none unless every target has the same sign (zeros allowed). */
export function candidateWarps(ys: ArrayLike<number>): OutputWarp[] {
  let pos = 0;
  let neg = 0;
  const mags: number[] = [];
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (!Number.isFinite(y)) return [];
    if (y > 0) pos++;
    if (y < 0) neg++;
    if (y !== 0) mags.push(Math.abs(y));
  }
  if ((pos > 0 && neg > 0) || mags.length < 2) return [];
  const sign: 1 | -1 = pos > 0 ? 1 : -1;
  mags.sort((a, b) => a - b);
  const median = mags[Math.floor((mags.length - 1) / 2)];
  const out: OutputWarp[] = [];
  for (const kind of ['log', 'sqrt'] as const) for (const f of SHIFT_FRACTIONS) out.push({ kind, sign, shift: f * median, fraction: f });
  return out;
}

/** Whether y lies where the warp is defined (a later row may not: then the planner must refit). */
export function inDomain(w: OutputWarp | undefined, y: number): boolean {
  return !w || w.sign * y + w.shift > 0;
}

export function warp(w: OutputWarp | undefined, y: number): number {
  if (!w) return y;
  const u = w.sign * y + w.shift;
  return w.sign * (w.kind === 'log' ? Math.log(u) : Math.sqrt(u));
}

/** log |dw/dy| at y: the change-of-variables term that makes likelihoods of different warps comparable. */
export function logJacobian(w: OutputWarp | undefined, y: number): number {
  if (!w) return 0;
  const u = w.sign * y + w.shift;
  return w.kind === 'log' ? -Math.log(u) : -Math.LN2 - 0.5 * Math.log(u);
}

/** A reported measurement variance of y, carried to t by the delta method. */
export function warpVariance(w: OutputWarp | undefined, y: number, variance: number): number {
  if (!w) return variance;
  const d = Math.exp(logJacobian(w, y));
  return variance * d * d;
}

/**
 * Mean and sd of y when t ~ N(mean, variance). The mean is E[y], not the median w^{-1}(mean): a
 * calibration check compares measurements with mean +- sd. With u = s * t ~ N(s * mean, v):
 * log: s*y + c = exp(u), a shifted log-normal; sqrt: s*y + c = u^2, whose moments are exact
 * (E u^2 = mu^2 + v, Var u^2 = 4 mu^2 v + 2 v^2; a negative u reads as its mirror image).
 */
export function unwarpMoments(w: OutputWarp | undefined, mean: number, variance: number): { mean: number; sd: number } {
  if (!w) return { mean, sd: Math.sqrt(variance) };
  const mu = w.sign * mean;
  if (w.kind === 'log') {
    const m = Math.exp(mu + 0.5 * variance);
    return { mean: w.sign * (m - w.shift), sd: m * Math.sqrt(Math.expm1(variance)) };
  }
  return { mean: w.sign * (mu * mu + variance - w.shift), sd: Math.sqrt(4 * mu * mu * variance + 2 * variance * variance) };
}
