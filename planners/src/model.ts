import { fitHyperWithLoo } from './fit';
import { GaussianProcess, GpHyper } from './gp';
import { KernelKind } from './kernel';
import { mixSeed, Rng } from './rng';

/** One training row of a surrogate: an observation id, its encoded input and target. */
export interface TrainingRow {
  id: string;
  x: Float64Array;
  y: number;
  /** Reported measurement variance in the target's own units, if any. */
  noiseVar?: number;
}

function sameRow(a: TrainingRow, b: TrainingRow): boolean {
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
  private rowsInGp: TrainingRow[] = [];

  constructor(
    readonly opts: SurrogateOptions,
    state: SurrogateState | null = null,
  ) {
    this.state = state;
  }

  /** Forget the cached factorization (inputs changed meaning, e.g. after updateSpace). */
  invalidate(): void {
    this.gp = null;
    this.rowsInGp = [];
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
    if (forceRefit || inputsChanged || this.needsRefit(n)) this.refit(rows);
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

  scale(y: number): number {
    const st = this.state!;
    return (y - st.yMean) / st.yStd;
  }

  unscale(mean: number, sd: number): { mean: number; sd: number } {
    const st = this.state!;
    return { mean: st.yMean + st.yStd * mean, sd: st.yStd * sd };
  }

  /**
   * What a new measurement at a point with this posterior will read, in the target's own units:
   * latent variance plus the fitted noise (a measurement carries its noise), times the
   * leave-one-out variance factor (the MAP fit alone is overconfident with few points).
   */
  measurement(gp: GaussianProcess, post: { mean: number; variance: number }): { mean: number; sd: number } {
    const scale = this.state!.varianceScale ?? 1;
    return this.unscale(post.mean, Math.sqrt(scale * (post.variance + gp.noise)));
  }

  private noiseOf(r: TrainingRow): number {
    return r.noiseVar !== undefined && r.noiseVar > 0 ? r.noiseVar / this.state!.yStd ** 2 : 0;
  }

  private refit(rows: TrainingRow[]): void {
    const n = rows.length;
    const dim = rows[0].x.length;
    let yMean = 0;
    let yStd = 1;
    if (this.opts.standardize) {
      yMean = rows.reduce((s, r) => s + r.y, 0) / n;
      const v = rows.reduce((s, r) => s + (r.y - yMean) ** 2, 0) / Math.max(1, n - 1);
      yStd = v > 1e-24 ? Math.sqrt(v) : 1;
    }
    const rng = new Rng(mixSeed(this.opts.seed, n, 0x5f17));
    let subset = rows.map((_, i) => i);
    if (n > this.opts.fitSubsample) subset = rng.shuffle(subset).slice(0, this.opts.fitSubsample).sort((a, b) => a - b);
    const m = subset.length;
    const X = new Float64Array(m * dim);
    const y = new Float64Array(m);
    const noise = new Float64Array(m);
    let anyNoise = false;
    subset.forEach((ri, i) => {
      const r = rows[ri];
      X.set(r.x, i * dim);
      y[i] = (r.y - yMean) / yStd;
      if (r.noiseVar !== undefined && r.noiseVar > 0) {
        noise[i] = r.noiseVar / yStd ** 2;
        anyNoise = true;
      }
    });
    const warm = this.state?.hyper;
    const cold = !warm || warm.logLengthscales.length !== dim;
    const { hyper, looRatio } = fitHyperWithLoo(X, y, dim, anyNoise ? noise : null, {
      kernel: this.opts.kernel,
      minNoise: this.opts.minNoise,
      maxNoise: this.opts.maxNoise,
      warmStart: cold ? undefined : warm,
      randomStarts: cold || m <= 60 ? 2 : 0,
      optimizeStarts: cold || m <= 60 ? 2 : 1,
      maxIter: cold ? 150 : 60,
      rng,
    });
    const varianceScale = calibrationScale(looRatio, m);
    this.state = { hyper, fitN: n, yMean, yStd, varianceScale };
    this.invalidate();
  }
}

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
