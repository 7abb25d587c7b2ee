import { FitOptions, fitHyperWithLoo } from './fit';
import { GaussianProcess, GpHyper } from './gp';
import { KernelKind } from './kernel';
import { mixSeed, Rng } from './rng';
import { HyperComponent, noiseProfile } from './marginal';
import { candidateWarps, inDomain, logJacobian, OutputWarp, unwarpMoments, warp, warpKey, warpVariance } from './warp';

/** One training row of a surrogate: an observation id, its encoded input and target. */
export interface TrainingRow {
  id: string;
  x: Float64Array;
  y: number;
  /** Reported measurement variance in the target's own units, if any. */
  noiseVar?: number;
}

export function sameRow(a: TrainingRow, b: TrainingRow): boolean {
  if (a.id !== b.id || a.y !== b.y || a.noiseVar !== b.noiseVar || a.x.length !== b.x.length) return false;
  for (let d = 0; d < a.x.length; d++) if (a.x[d] !== b.x[d]) return false;
  return true;
}

/** What must survive serialization for a restored planner to rebuild the same GP. */
export interface SurrogateState {
  hyper: GpHyper;
  /** Number of rows at the last hyperparameter fit (drives the refit schedule). */
  fitN: number;
  /** Output standardization frozen at the last fit, so appending rows never changes old targets. */
  yMean: number;
  yStd: number;
  /**
   * Factor on the predictive variance so the stated sd matches leave-one-out errors at the last
   * fit (see looVarianceRatio in fit.ts); absent in states saved before it existed, meaning 1.
   */
  varianceScale?: number;
  /** Transform of the targets before standardization (warp.ts); absent: none. */
  warp?: OutputWarp;
  /**
   * Hyperparameter settings, the MAP's first, whose weighted mixture gives the stated predictive
   * distribution of a measurement (marginal.ts); absent: the MAP alone.
   */
  mixture?: HyperComponent[];
  /**
   * Standardized one-step-ahead residual of each row (by id), (y - mean) / sd of the prediction
   * stated for it just before it was added (predictor.ts, Predictor.prequentialScale).
   */
  residuals?: Record<string, number>;
}

export interface SurrogateOptions {
  kernel: KernelKind;
  /** Refit every k new rows; 'auto' = every row below 50 rows, then every refitFraction * n. */
  refitEvery: number | 'auto';
  /** Growth of the data that triggers an automatic refit beyond 50 rows (e.g. 0.025 = 2.5%). */
  refitFraction: number;
  /** Fit hyperparameters on at most this many rows (a seeded random subset). */
  fitSubsample: number;
  minNoise: number;
  maxNoise?: number;
  /** Standardize targets (off for the feasibility model's +-1 labels). */
  standardize: boolean;
  /**
   * Let the fit choose an output warp of the targets (warp.ts) when the marginal likelihood says
   * so. For a Predictor (predictor.ts), which is read through `measurementAt` only: `unscale` stays
   * linear, and the acquisition's model is never warped. Off by default.
   */
  warp?: boolean;
  /**
   * Fit a mixture over the noise level (marginal.ts) while the data are few, for a Predictor's
   * stated predictions. Off by default.
   */
  marginalize?: boolean;
  /** Scale stated predictions by the record of one-step-ahead residuals (predictor.ts). Off by default. */
  recalibrate?: boolean;
  seed: number;
}

/**
 * A GP surrogate that refits hyperparameters on a schedule and otherwise grows its Cholesky
 * factor by rank-1 appends: the hot path of an ask is O(n^2), refits are rare and subsampled.
 */
export class Surrogate {
  state: SurrogateState | null;
  private gp: GaussianProcess | null = null;
  /** The rows the cached GP was built from, to detect appends vs. changes. */
  protected rowsInGp: TrainingRow[] = [];

  /** The last MAP fit, unserialized: a predictor built on this surrogate reuses its unwarped fit. */
  private lastFit: Fitted | null = null;
  /** The rows of the last refit (unserialized), so a predictor can skip a forced refit on the same rows. */
  private fittedRows: TrainingRow[] | null = null;

  /**
   * `base`: the acquisition's surrogate on the same rows and schedule, when this one only states
   * predictions; its unwarped fit stands in for this one's, so the two never disagree there.
   */
  constructor(
    readonly opts: SurrogateOptions,
    state: SurrogateState | null = null,
    private readonly base: Surrogate | null = null,
  ) {
    this.state = state;
  }

  /** Forget the cached factorization (inputs changed meaning, e.g. after updateSpace). */
  invalidate(): void {
    this.gp = null;
    this.rowsInGp = [];
    this.fittedRows = null;
  }

  needsRefit(n: number): boolean {
    if (!this.state) return true;
    const every = this.opts.refitEvery === 'auto' ? (n < 50 ? 1 : Math.ceil(this.opts.refitFraction * n)) : Math.max(1, this.opts.refitEvery);
    return n - this.state.fitN >= every || n < this.state.fitN;
  }

  /** The posterior GP for these rows (standardized units), refitting when the schedule says so. */
  model(rows: TrainingRow[], forceRefit = false): GaussianProcess {
    const n = rows.length;
    const inputsChanged = this.state !== null && this.state.hyper.logLengthscales.length !== rows[0].x.length;
    // A new row outside the frozen warp's domain (a value of the other sign) cannot be scaled.
    const outsideWarp = this.state?.warp !== undefined && rows.some((r) => !inDomain(this.state!.warp, r.y));
    // A predictor has nothing to learn from a forced refit on the rows it was fitted on (its warp
    // comparison and noise profile would only repeat); the acquisition's model still refits.
    const unchanged = this.base !== null && this.fittedRows !== null && this.fittedRows.length === n && this.fittedRows.every((r, i) => sameRow(r, rows[i]));
    if ((forceRefit && !unchanged) || inputsChanged || outsideWarp || this.needsRefit(n)) this.refit(rows);
    const st = this.state!;
    const reusable = this.gp !== null && this.rowsInGp.length <= n && this.rowsInGp.every((r, i) => sameRow(r, rows[i])) && this.gp.hyper === st.hyper;
    if (reusable) {
      for (let i = this.rowsInGp.length; i < n; i++) {
        const r = rows[i];
        if (!this.gp!.add(r.x, this.scale(r.y), this.noiseOf(r))) {
          this.gp = null;
          break;
        }
        this.rowsInGp.push(r);
      }
    }
    if (!reusable || this.gp === null) {
      const dim = st.hyper.logLengthscales.length;
      const X = new Float64Array(n * dim);
      rows.forEach((r, i) => X.set(r.x, i * dim));
      this.gp = GaussianProcess.fit(this.opts.kernel, st.hyper, X, rows.map((r) => this.scale(r.y)), rows.map((r) => this.noiseOf(r)), n + 16);
      this.rowsInGp = rows.slice();
    }
    return this.gp!;
  }

  /** A target in GP units: warped, then standardized. */
  scale(y: number): number {
    const st = this.state!;
    return (warp(st.warp, y) - st.yMean) / st.yStd;
  }

  /** Back from standardized units, linearly: only meaningful for surrogates without a warp. */
  unscale(mean: number, sd: number): { mean: number; sd: number } {
    const st = this.state!;
    return { mean: st.yMean + st.yStd * mean, sd: st.yStd * sd };
  }

  /**
   * What a new measurement at a point with this posterior will read, in the target's own units:
   * latent variance plus the fitted noise (a measurement carries its noise), times the
   * leave-one-out variance factor (the MAP fit alone is overconfident with few points), carried
   * through the inverse warp (mean and sd of the resulting shifted log-normal).
   */
  measurement(gp: GaussianProcess, post: { mean: number; variance: number }): { mean: number; sd: number } {
    const st = this.state!;
    const scale = st.varianceScale ?? 1;
    return unwarpMoments(st.warp, st.yMean + st.yStd * post.mean, st.yStd ** 2 * scale * (post.variance + gp.noise));
  }

  protected noiseOf(r: TrainingRow): number {
    const st = this.state!;
    return r.noiseVar !== undefined && r.noiseVar > 0 ? warpVariance(st.warp, r.y, r.noiseVar) / st.yStd ** 2 : 0;
  }

  private refit(rows: TrainingRow[]): void {
    const n = rows.length;
    const dim = rows[0].x.length;
    const rng = new Rng(mixSeed(this.opts.seed, n, 0x5f17));
    let subset = rows.map((_, i) => i);
    if (n > this.opts.fitSubsample) subset = rng.shuffle(subset).slice(0, this.opts.fitSubsample).sort((a, b) => a - b);
    const m = subset.length;
    const X = new Float64Array(m * dim);
    subset.forEach((ri, i) => X.set(rows[ri].x, i * dim));
    const warm = this.state?.hyper;
    const cold = !warm || warm.logLengthscales.length !== dim;
    const small = cold || m <= 60;
    const fitOpts = {
      kernel: this.opts.kernel,
      minNoise: this.opts.minNoise,
      maxNoise: this.opts.maxNoise,
      warmStart: cold ? undefined : warm,
      randomStarts: small ? 2 : 0,
      optimizeStarts: small ? 2 : 1,
      maxIter: cold ? 150 : 60,
    };
    let best: Fitted | null = null;
    let previous: Fitted | null = null;
    // Without a previous fit the unwarped model is the incumbent: a warp must earn its place.
    const previousKey = warpKey(this.state?.warp);
    const shared = this.base?.lastFit?.state.fitN === n && this.base.lastFit.state.warp === undefined ? this.base.lastFit : null;
    for (const w of this.warpsToTry(rows)) {
      let fitted: Fitted;
      if (!w && shared) fitted = shared;
      else if (!w || !shared) fitted = this.fitWith(rows, subset, X, dim, w, { ...fitOpts, rng: rng.clone() });
      else {
        // A warped alternative to a shared unwarped fit: one local search from this warp's previous
        // fit or from the unwarped MAP (standardized targets have similar hyperparameters), which
        // keeps the comparison to a few milliseconds per refit.
        const own = this.state && warpKey(this.state.warp) === warpKey(w) ? this.state.hyper : shared.state.hyper;
        fitted = this.fitWith(rows, subset, X, dim, w, { ...fitOpts, warmStart: own, randomStarts: 0, optimizeStarts: 1, rng: rng.clone() });
      }
      if (!best || fitted.score < best.score) best = fitted;
      if (warpKey(w) === previousKey) previous = fitted;
    }
    // Near-ties flip from one refit to the next, and each flip would change the stated predictions
    // from one proposal to the next; switch only on strong evidence (a Bayes factor above
    // e^SWITCH_NATS, about 20).
    const chosen = previous && previous.score - best!.score < SWITCH_NATS ? previous : best!;
    let mixture: HyperComponent[] | undefined;
    // With many rows the noise level is well determined and the MAP alone is honest enough.
    if (this.opts.marginalize && small) {
      const { y, noise, negLogPosterior } = chosen;
      mixture = noiseProfile(X, y, dim, noise, chosen.state.hyper, negLogPosterior, fitOpts);
    }
    const residuals = this.state?.residuals;
    this.state = { ...chosen.state, fitN: n, ...(mixture ? { mixture } : {}), ...(residuals ? { residuals } : {}) };
    this.lastFit = chosen;
    this.invalidate();
    this.fittedRows = rows.slice();
  }

  /**
   * Which output warps this refit compares. All of them (and none) while the data are few, where
   * the choice matters most and the fits are cheap; beyond that the previous choice is kept, as the
   * standardization is, unless a new value left its domain.
   */
  private warpsToTry(rows: TrainingRow[]): (OutputWarp | undefined)[] {
    if (!this.opts.warp || !this.opts.standardize) return [undefined];
    const ys = rows.map((r) => r.y);
    const st = this.state;
    const keep = st !== null && st.fitN > 0 && rows.length > 60 && st.hyper.logLengthscales.length === rows[0].x.length && ys.every((y) => inDomain(st.warp, y));
    if (keep) return [st.warp];
    return [undefined, ...candidateWarps(ys)];
  }

  /**
   * MAP fit of the rows' targets under warp w. The score is the negative log posterior of the
   * targets in their own units: the fit's value in standardized warped units minus the log
   * Jacobian of y -> (w(y) - mean) / sd, so that fits under different warps compare fairly.
   */
  private fitWith(rows: TrainingRow[], subset: number[], X: Float64Array, dim: number, w: OutputWarp | undefined, fitOpts: FitOptions): Fitted {
    const n = rows.length;
    const t = rows.map((r) => warp(w, r.y));
    let yMean = 0;
    let yStd = 1;
    if (this.opts.standardize) {
      yMean = t.reduce((s, v) => s + v, 0) / n;
      const v = t.reduce((s, x) => s + (x - yMean) ** 2, 0) / Math.max(1, n - 1);
      yStd = v > 1e-24 ? Math.sqrt(v) : 1;
    }
    const m = subset.length;
    const y = new Float64Array(m);
    const noise = new Float64Array(m);
    let anyNoise = false;
    let logJac = 0;
    subset.forEach((ri, i) => {
      const r = rows[ri];
      y[i] = (t[ri] - yMean) / yStd;
      logJac += logJacobian(w, r.y) - Math.log(yStd);
      if (r.noiseVar !== undefined && r.noiseVar > 0) {
        noise[i] = warpVariance(w, r.y, r.noiseVar) / yStd ** 2;
        anyNoise = true;
      }
    });
    const { hyper, looRatio, negLogPosterior } = fitHyperWithLoo(X, y, dim, anyNoise ? noise : null, fitOpts);
    const state: SurrogateState = { hyper, fitN: n, yMean, yStd, varianceScale: calibrationScale(looRatio, m), ...(w ? { warp: w } : {}) };
    return { score: negLogPosterior - logJac, state, y, noise: anyNoise ? noise : null, negLogPosterior };
  }
}

/** One MAP fit under one warp, with what the noise profile needs to continue from it. */
interface Fitted {
  score: number;
  state: SurrogateState;
  /** The fit's standardized warped targets and extra noise (subset rows). */
  y: Float64Array;
  noise: Float64Array | null;
  negLogPosterior: number;
}

/** Evidence (nats) a different output warp needs to replace the previous fit's (see Surrogate.refit). */
const SWITCH_NATS = 3;

/**
 * The LOO ratio from m rows is itself uncertain (a chi-square with about m degrees of freedom), so
 * it is shrunk toward 1 with PRIOR_ROWS pseudo-rows. It only ever widens (at most 20x in sd): LOO
 * reuses the hyperparameters fitted on all rows, so a ratio below 1 is more often luck than real
 * underconfidence, and held-out checks show the MAP fit erring on the confident side.
 */
const PRIOR_ROWS = 2;
function calibrationScale(ratio: number, m: number): number {
  const shrunk = (m * ratio + PRIOR_ROWS) / (m + PRIOR_ROWS);
  return Math.min(400, Math.max(1, shrunk));
}
