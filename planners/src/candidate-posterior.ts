import { GaussianProcess } from './gp';
import { kernelValue, scaledDist2 } from './kernel';

/**
 * Posterior mean and variance over a fixed candidate set, updated incrementally. It stores
 * V = L^{-1} K(X, candidates) row by row: a new observation appends one row in O(n C) (a rank-1
 * Cholesky append seen from the candidates), then variance_c -= V[n,c]^2 and mean_c += V[n,c] beta_n.
 * Only a refit (new hyperparameters) rebuilds it, in O(n^2 C).
 *
 * Optionally it also keeps posterior covariances between a reference subset and all candidates,
 * which integrated-variance active learning needs, with the same row updates.
 */
export class CandidatePosterior {
  private gp: GaussianProcess | null = null;
  private rows = 0;
  private V = new Float64Array(0);
  private capRows = 0;
  mean: Float64Array;
  variance: Float64Array;
  /** Covariance between reference candidates (rows) and all candidates, |refs| x C. */
  refCov: Float64Array | null = null;

  constructor(
    readonly inputs: Float64Array[],
    /** Candidate indices of the integration reference set (integrated variance); empty to skip. */
    readonly refs: number[] = [],
  ) {
    this.mean = new Float64Array(inputs.length);
    this.variance = new Float64Array(inputs.length);
  }

  get size(): number {
    return this.inputs.length;
  }

  /** Bring the cache up to date with `gp`: append its new rows, or rebuild if the model changed. */
  sync(gp: GaussianProcess): void {
    if (this.gp !== gp || gp.n < this.rows) this.reset(gp);
    while (this.rows < gp.n) this.appendRow(gp, this.rows);
  }

  /**
   * Temporarily extend with the extra rows of `fantasy` (a clone of the synced GP with pending
   * points appended); returns a function that undoes it.
   */
  extend(fantasy: GaussianProcess): () => void {
    const base = this.rows;
    const gp = this.gp;
    const mean = Float64Array.from(this.mean);
    const variance = Float64Array.from(this.variance);
    const refCov = this.refCov ? Float64Array.from(this.refCov) : null;
    for (let i = base; i < fantasy.n; i++) this.appendRow(fantasy, i);
    return () => {
      this.rows = base;
      this.gp = gp;
      this.mean = mean;
      this.variance = variance;
      this.refCov = refCov;
    };
  }

  private reset(gp: GaussianProcess): void {
    const C = this.size;
    this.gp = gp;
    this.rows = 0;
    this.mean.fill(gp.mean);
    this.variance.fill(gp.outputscale);
    if (this.refs.length > 0) {
      const R = this.refs.length;
      this.refCov = new Float64Array(R * C);
      for (let r = 0; r < R; r++) {
        const xr = this.inputs[this.refs[r]];
        for (let c = 0; c < C; c++) this.refCov[r * C + c] = gp.kernelAt(xr, this.inputs[c]);
      }
    }
  }

  private appendRow(gp: GaussianProcess, i: number): void {
    const C = this.size;
    if (i >= this.capRows) {
      const cap = Math.max(16, 2 * this.capRows, i + 1);
      const V = new Float64Array(cap * C);
      V.set(this.V.subarray(0, this.rows * C));
      this.V = V;
      this.capRows = cap;
    }
    const V = this.V;
    const o = i * C;
    const xi = gp.X.subarray(i * gp.dim, (i + 1) * gp.dim);
    for (let c = 0; c < C; c++) V[o + c] = gp.outputscale * kernelValue(gp.kernel, scaledDist2(this.inputs[c], 0, xi, gp.invLs2));
    const L = gp.chol.L;
    const r = i * gp.chol.cap;
    for (let j = 0; j < i; j++) {
      const l = L[r + j];
      if (l === 0) continue;
      const oj = j * C;
      for (let c = 0; c < C; c++) V[o + c] -= l * V[oj + c];
    }
    const inv = 1 / L[r + i];
    const beta = gp.betaAt(i);
    for (let c = 0; c < C; c++) {
      const v = V[o + c] * inv;
      V[o + c] = v;
      this.variance[c] = Math.max(this.variance[c] - v * v, 1e-12 * gp.outputscale);
      this.mean[c] += v * beta;
    }
    if (this.refCov) {
      for (let rr = 0; rr < this.refs.length; rr++) {
        const a = V[o + this.refs[rr]];
        if (a === 0) continue;
        const base = rr * C;
        for (let c = 0; c < C; c++) this.refCov[base + c] -= a * V[o + c];
      }
    }
    this.rows = i + 1;
    this.gp = gp;
  }
}
