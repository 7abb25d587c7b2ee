import { Cholesky } from './cholesky';
import { GpHyper } from './gp';
import { KernelKind, kernelGradFactor, kernelValue } from './kernel';
import { minimize } from './lbfgsb';
import { Rng } from './rng';

/**
 * Priors of the MAP fit. Lengthscales follow BoTorch's 2025 dimension-scaled default
 * LogNormal(sqrt2 + ln(d)/2, sqrt3), which keeps high-dimensional models from overfitting;
 * the noise variance gets a nearly flat Gamma(1.1, 0.05) so the data, not the prior, decide how
 * noisy the measurements are (see MapObjective.evaluate).
 */
export interface FitOptions {
  kernel: KernelKind;
  /** Lower bound of the learned noise variance (standardized units). */
  minNoise?: number;
  /** Upper bound of the learned noise variance; set equal to minNoise to fix it. */
  maxNoise?: number;
  /** Hyperparameters to warm-start from (the previous fit). */
  warmStart?: GpHyper;
  /** Random prior draws tried besides the default and warm starts. */
  randomStarts?: number;
  /** How many of the best starts are optimized with L-BFGS. */
  optimizeStarts?: number;
  maxIter?: number;
  rng?: Rng;
}

const SQRT2 = Math.SQRT2;
const SQRT3 = Math.sqrt(3);
const LOG_2PI = Math.log(2 * Math.PI);
const NOISE_PRIOR = { shape: 1.1, rate: 0.05 };
/** Where the noise starts and random starts centre (log variance, standardized units). */
const NOISE_START = -4;
/**
 * Lengthscales live in the unit cube. The lower bound 2.5e-2 is BoTorch's: with a handful of noisy
 * points a shorter lengthscale lets the fit explain the noise as signal (it interpolates every
 * point with almost no noise), and the stated sd next to a measured point collapses. On the demo
 * campaign the fits sat at 0.01-0.05 under the old 5e-3 bound.
 */
const LOG_LS_BOUNDS: [number, number] = [Math.log(2.5e-2), Math.log(1e3)];
const LOG_OS_BOUNDS: [number, number] = [Math.log(0.05), Math.log(20)];
const MEAN_BOUNDS: [number, number] = [-5, 5];

export function lengthscalePrior(dim: number): { loc: number; scale: number } {
  return { loc: SQRT2 + 0.5 * Math.log(Math.max(1, dim)), scale: SQRT3 };
}

export function packHyper(h: GpHyper): Float64Array {
  return Float64Array.from([...h.logLengthscales, h.logOutputscale, h.logNoise, h.mean]);
}

export function unpackHyper(theta: ArrayLike<number>, dim: number): GpHyper {
  return {
    logLengthscales: Array.from({ length: dim }, (_, i) => theta[i]),
    logOutputscale: theta[dim],
    logNoise: theta[dim + 1],
    mean: theta[dim + 2],
  };
}

/**
 * Negative log posterior (marginal likelihood + priors) and its analytic gradient for fixed data.
 * Pairwise squared differences are precomputed once per fit, so each evaluation costs one
 * O(n^3) factorization + inverse and O(n^2 d) for the gradient.
 */
export class MapObjective {
  private readonly diff2: Float64Array;
  private readonly pairs: number;
  /** Leave-one-out variance ratio at each evaluated theta (see looVarianceRatio), by theta. */
  private readonly looByTheta = new Map<string, number>();

  constructor(
    readonly kernel: KernelKind,
    readonly X: Float64Array,
    readonly y: Float64Array,
    readonly dim: number,
    readonly extraNoise: Float64Array | null,
  ) {
    const n = y.length;
    this.pairs = (n * (n - 1)) / 2;
    this.diff2 = new Float64Array(this.pairs * dim);
    let p = 0;
    for (let a = 1; a < n; a++) {
      for (let b = 0; b < a; b++, p++) {
        for (let d = 0; d < dim; d++) {
          const t = X[a * dim + d] - X[b * dim + d];
          this.diff2[p * dim + d] = t * t;
        }
      }
    }
  }

  evaluate(theta: Float64Array, grad: Float64Array): number {
    const { dim, y, kernel, diff2 } = this;
    const n = y.length;
    const invLs2 = new Float64Array(dim);
    for (let d = 0; d < dim; d++) invLs2[d] = Math.exp(-2 * theta[d]);
    const os = Math.exp(theta[dim]);
    const noise = Math.exp(theta[dim + 1]);
    const mean = theta[dim + 2];

    const K = new Float64Array(n * n);
    const kPair = new Float64Array(this.pairs);
    const gPair = new Float64Array(this.pairs);
    let p = 0;
    for (let a = 1; a < n; a++) {
      for (let b = 0; b < a; b++, p++) {
        let r2 = 0;
        const o = p * dim;
        for (let d = 0; d < dim; d++) r2 += diff2[o + d] * invLs2[d];
        const k = kernelValue(kernel, r2);
        kPair[p] = k;
        gPair[p] = kernelGradFactor(kernel, r2);
        K[a * n + b] = os * k;
        K[b * n + a] = os * k;
      }
    }
    for (let a = 0; a < n; a++) K[a * n + a] = os + noise + (this.extraNoise ? this.extraNoise[a] : 0);

    let chol: Cholesky;
    try {
      chol = Cholesky.factor(K, n, n, 1e-10 * (os + noise));
    } catch {
      grad.fill(0);
      return Infinity;
    }
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) r[i] = y[i] - mean;
    const alpha = chol.solve(Float64Array.from(r));
    let quad = 0;
    for (let i = 0; i < n; i++) quad += r[i] * alpha[i];
    let f = 0.5 * quad + 0.5 * chol.logDet() + 0.5 * n * LOG_2PI;

    // W = alpha alpha^T - K^{-1}; dNLL/dtheta = -1/2 tr(W dK/dtheta).
    const Kinv = chol.inverse();
    // The LOO ratio falls out of the same factorization for O(n): keep it for the fitted theta.
    if (this.looByTheta.size > 512) this.looByTheta.clear();
    this.looByTheta.set(thetaKey(theta), looRatioFrom(alpha, Kinv, n));
    grad.fill(0);
    let trW = 0;
    for (let a = 0; a < n; a++) trW += alpha[a] * alpha[a] - Kinv[a * n + a];
    let offK = 0;
    p = 0;
    for (let a = 1; a < n; a++) {
      for (let b = 0; b < a; b++, p++) {
        const w = alpha[a] * alpha[b] - Kinv[a * n + b];
        offK += w * kPair[p];
        const c = w * gPair[p];
        const o = p * dim;
        for (let d = 0; d < dim; d++) grad[d] -= c * diff2[o + d];
      }
    }
    for (let d = 0; d < dim; d++) grad[d] *= os * invLs2[d];
    grad[dim] = -0.5 * os * (2 * offK + trW);
    grad[dim + 1] = -0.5 * noise * trW;
    let sumAlpha = 0;
    for (let i = 0; i < n; i++) sumAlpha += alpha[i];
    grad[dim + 2] = -sumAlpha;

    // Priors (negative log densities up to constants).
    const ls = lengthscalePrior(dim);
    for (let d = 0; d < dim; d++) {
      const u = theta[d];
      f += u + ((u - ls.loc) * (u - ls.loc)) / (2 * ls.scale * ls.scale);
      grad[d] += 1 + (u - ls.loc) / (ls.scale * ls.scale);
    }
    // Gamma(1.1, 0.05) on the noise variance (BoTorch's long-time default): nearly flat, so the
    // data decide. A LogNormal(-4, 1) density here held the noise near 7e-3 by ~10 nats, so with
    // few points pure noise was explained as signal at the shortest lengthscale and the stated sd
    // at and near measured points collapsed to almost nothing.
    const un = theta[dim + 1];
    const nv = Math.exp(un);
    f += -(NOISE_PRIOR.shape - 1) * un + NOISE_PRIOR.rate * nv;
    grad[dim + 1] += -(NOISE_PRIOR.shape - 1) + NOISE_PRIOR.rate * nv;
    const uo = theta[dim];
    f += 0.5 * uo * uo;
    grad[dim] += uo;
    f += 0.5 * mean * mean;
    grad[dim + 2] += mean;
    return f;
  }

  /** The LOO variance ratio at a theta this objective evaluated (finitely), else undefined. */
  looRatioAt(theta: ArrayLike<number>): number | undefined {
    return this.looByTheta.get(thetaKey(theta));
  }
}

function thetaKey(theta: ArrayLike<number>): string {
  return Array.prototype.join.call(theta, ',');
}

/** mean_i alpha_i^2 / [K^{-1}]_ii, or 1 when undefined (see looVarianceRatio). */
function looRatioFrom(alpha: Float64Array, Kinv: Float64Array, n: number): number {
  if (n < 3) return 1;
  let s = 0;
  for (let i = 0; i < n; i++) s += (alpha[i] * alpha[i]) / Kinv[i * n + i];
  const ratio = s / n;
  return Number.isFinite(ratio) && ratio > 0 ? ratio : 1;
}

export function defaultHyper(dim: number, minNoise = 1e-6): GpHyper {
  const ls = lengthscalePrior(dim);
  // Start at the prior's mode (in lengthscale units), which is short enough to see structure.
  const logLs = Math.min(LOG_LS_BOUNDS[1], Math.max(LOG_LS_BOUNDS[0], ls.loc - ls.scale * ls.scale));
  return { logLengthscales: new Array<number>(dim).fill(logLs), logOutputscale: 0, logNoise: Math.max(Math.log(minNoise), NOISE_START - 1), mean: 0 };
}

/** Box of the packed hyperparameters (log lengthscales, log outputscale, log noise, mean). */
export function hyperBounds(dim: number, opts: Pick<FitOptions, 'minNoise' | 'maxNoise'>): { lower: Float64Array; upper: Float64Array } {
  const minNoise = opts.minNoise ?? 1e-6;
  const maxNoise = Math.max(minNoise, opts.maxNoise ?? 1);
  const lower = new Float64Array(dim + 3);
  const upper = new Float64Array(dim + 3);
  for (let d = 0; d < dim; d++) [lower[d], upper[d]] = LOG_LS_BOUNDS;
  [lower[dim], upper[dim]] = LOG_OS_BOUNDS;
  lower[dim + 1] = Math.log(minNoise);
  upper[dim + 1] = Math.log(maxNoise);
  [lower[dim + 2], upper[dim + 2]] = MEAN_BOUNDS;
  return { lower, upper };
}

/** MAP hyperparameters by multi-start bounded L-BFGS on standardized data (X in the unit cube). */
export function fitHyper(X: Float64Array, y: Float64Array, dim: number, extraNoise: Float64Array | null, opts: FitOptions): GpHyper {
  return fitHyperWithLoo(X, y, dim, extraNoise, opts).hyper;
}

/**
 * fitHyper plus the leave-one-out variance ratio at the fitted hyperparameters, taken from the
 * objective's own factorization at that theta (no extra O(n^3) factorization and inverse), and the
 * negative log posterior there (to compare fits of differently transformed targets).
 */
export function fitHyperWithLoo(X: Float64Array, y: Float64Array, dim: number, extraNoise: Float64Array | null, opts: FitOptions): { hyper: GpHyper; looRatio: number; negLogPosterior: number } {
  const minNoise = opts.minNoise ?? 1e-6;
  const objective = new MapObjective(opts.kernel, X, y, dim, extraNoise);
  const { lower, upper } = hyperBounds(dim, opts);
  const clamp = (t: Float64Array): Float64Array => t.map((v, i) => Math.min(upper[i], Math.max(lower[i], v)));

  const starts: Float64Array[] = [];
  if (opts.warmStart && opts.warmStart.logLengthscales.length === dim) starts.push(clamp(packHyper(opts.warmStart)));
  starts.push(clamp(packHyper(defaultHyper(dim, minNoise))));
  // A deliberately noisy start: with few points a smooth-and-noisy explanation and a wiggly
  // interpolating one can both be local optima; scoring both lets the posterior decide.
  starts.push(clamp(packHyper({ ...defaultHyper(dim, minNoise), logNoise: Math.log(0.1) })));
  const rng = opts.rng ?? new Rng(dim * 7919 + y.length);
  const ls = lengthscalePrior(dim);
  for (let s = 0; s < (opts.randomStarts ?? 0); s++) {
    const t = packHyper(defaultHyper(dim, minNoise));
    for (let d = 0; d < dim; d++) t[d] = ls.loc - ls.scale * ls.scale + 1.5 * rng.normal();
    t[dim + 1] = NOISE_START + rng.normal();
    starts.push(clamp(t));
  }
  const grad = new Float64Array(dim + 3);
  const scored = starts.map((t) => ({ t, f: objective.evaluate(t, grad) })).filter((s) => Number.isFinite(s.f));
  scored.sort((a, b) => a.f - b.f);
  let best = scored.length > 0 ? scored[0] : { t: starts[starts.length - 1], f: Infinity };
  for (const s of scored.slice(0, Math.max(1, opts.optimizeStarts ?? 1))) {
    const res = minimize((t, g) => objective.evaluate(t, g), s.t, { lower, upper, maxIter: opts.maxIter ?? 100, pgtol: 1e-5, ftol: 1e-8, stopOnNegligibleDecrease: true });
    if (res.f < best.f) best = { t: res.x, f: res.f };
  }
  const hyper = unpackHyper(best.t, dim);
  const looRatio = objective.looRatioAt(best.t) ?? looVarianceRatio(opts.kernel, hyper, X, y, extraNoise);
  return { hyper, looRatio, negLogPosterior: best.f };
}

/**
 * Leave-one-out check of the fitted model's own uncertainty: mean over the fit rows of the squared
 * LOO standardized residual, z_i^2 = alpha_i^2 / [K^{-1}]_ii (closed form: the LOO mean error is
 * alpha_i / [K^{-1}]_ii and the LOO predictive variance 1 / [K^{-1}]_ii). 1 when the stated
 * variances match the errors; > 1 when the MAP fit is overconfident, which with few points it
 * usually is (it ignores hyperparameter uncertainty and tends to interpolate noise). This is the
 * cross-validation variance estimate of Bachoc (2013), used to rescale the predictive variance.
 */
export function looVarianceRatio(kernel: KernelKind, hyper: GpHyper, X: Float64Array, y: Float64Array, extraNoise: Float64Array | null): number {
  const n = y.length;
  const dim = hyper.logLengthscales.length;
  if (n < 3) return 1;
  const invLs2 = hyper.logLengthscales.map((l) => Math.exp(-2 * l));
  const os = Math.exp(hyper.logOutputscale);
  const noise = Math.exp(hyper.logNoise);
  const K = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < a; b++) {
      let r2 = 0;
      for (let d = 0; d < dim; d++) r2 += (X[a * dim + d] - X[b * dim + d]) ** 2 * invLs2[d];
      K[a * n + b] = K[b * n + a] = os * kernelValue(kernel, r2);
    }
    K[a * n + a] = os + noise + (extraNoise ? extraNoise[a] : 0);
  }
  let chol: Cholesky;
  try {
    chol = Cholesky.factor(K, n, n, 1e-10 * (os + noise));
  } catch {
    return 1;
  }
  const alpha = chol.solve(Float64Array.from(y, (v) => v - hyper.mean));
  return looRatioFrom(alpha, chol.inverse(), n);
}
