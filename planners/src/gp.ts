import { Cholesky } from './cholesky';
import { KernelKind, kernelGradFactor, kernelValue, scaledDist2 } from './kernel';

/** GP hyperparameters in the unconstrained space the optimizer works in. JSON-serializable. */
export interface GpHyper {
  /** log lengthscale per encoded input column (unit-cube units). */
  logLengthscales: number[];
  /** log signal variance (outputs are standardized, so ~0). */
  logOutputscale: number;
  /** log homoscedastic noise variance (standardized units). */
  logNoise: number;
  /** Constant prior mean (standardized units). */
  mean: number;
}

/** Posterior at one point, in the GP's (standardized) units. `variance` is of the latent f, noise excluded. */
export interface Posterior {
  mean: number;
  variance: number;
}

/**
 * Exact GP regression on the unit-cube encoding. Observations are appended with an O(n^2) rank-1
 * Cholesky update; predictions use cached L^{-1}(y - m) so the mean costs no extra solve.
 */
export class GaussianProcess {
  readonly dim: number;
  readonly invLs2: Float64Array;
  readonly outputscale: number;
  readonly noise: number;
  readonly mean: number;
  X: Float64Array;
  y: Float64Array;
  extraNoise: Float64Array;
  chol: Cholesky;
  private beta: Float64Array;
  private alphaCache: Float64Array | null = null;
  private scratchK: Float64Array;

  constructor(
    readonly kernel: KernelKind,
    readonly hyper: GpHyper,
    capacity = 16,
    minJitter = 0,
  ) {
    this.dim = hyper.logLengthscales.length;
    this.invLs2 = Float64Array.from(hyper.logLengthscales, (l) => Math.exp(-2 * l));
    this.outputscale = Math.exp(hyper.logOutputscale);
    this.noise = Math.exp(hyper.logNoise);
    this.mean = hyper.mean;
    const cap = Math.max(4, capacity);
    this.X = new Float64Array(cap * this.dim);
    this.y = new Float64Array(cap);
    this.extraNoise = new Float64Array(cap);
    this.beta = new Float64Array(cap);
    this.scratchK = new Float64Array(cap);
    this.chol = Cholesky.empty(cap, minJitter);
  }

  get n(): number {
    return this.chol.n;
  }

  /** Build from n rows of X (row-major, stride dim). Equivalent to n calls of add(). */
  static fit(kernel: KernelKind, hyper: GpHyper, X: Float64Array, y: ArrayLike<number>, extraNoise?: ArrayLike<number>, capacity?: number): GaussianProcess {
    const n = y.length;
    const dim = hyper.logLengthscales.length;
    let jitter = 0;
    for (;;) {
      const gp = new GaussianProcess(kernel, hyper, Math.max(capacity ?? 0, n + 8), jitter);
      let ok = true;
      for (let i = 0; i < n && ok; i++) {
        ok = gp.add(X.subarray(i * dim, (i + 1) * dim), y[i], extraNoise ? extraNoise[i] : 0);
      }
      if (ok) return gp;
      jitter = jitter === 0 ? 1e-8 * (gp.outputscale + gp.noise) : jitter * 10;
      if (jitter > 1) throw new Error('GP covariance is not positive definite');
    }
  }

  /** k(X_i, x) * outputscale for the n training points. */
  crossCov(x: ArrayLike<number>, out: Float64Array): Float64Array {
    const n = this.n;
    for (let i = 0; i < n; i++) out[i] = this.outputscale * kernelValue(this.kernel, scaledDist2(this.X, i, x, this.invLs2));
    return out;
  }

  /** Rank-1 update with one observation; returns false if it would make K singular (duplicate without noise). */
  add(x: ArrayLike<number>, y: number, extraNoise = 0): boolean {
    const n = this.n;
    this.ensureCapacity(n + 1);
    const k = this.crossCov(x, this.scratchK);
    const self = this.outputscale + this.noise + extraNoise;
    if (!this.chol.append(k, self)) return false;
    for (let d = 0; d < this.dim; d++) this.X[n * this.dim + d] = x[d];
    this.y[n] = y;
    this.extraNoise[n] = extraNoise;
    // Extend beta = L^{-1}(y - m) by one forward-substitution step.
    const L = this.chol.L;
    const r = n * this.chol.cap;
    let s = y - this.mean;
    for (let j = 0; j < n; j++) s -= L[r + j] * this.beta[j];
    this.beta[n] = s / L[r + n];
    this.alphaCache = null;
    return true;
  }

  /** Forget the points appended after the first n (fantasies). */
  truncate(n: number): void {
    this.chol.truncate(n);
    this.alphaCache = null;
  }

  clone(extraCapacity = 0): GaussianProcess {
    const gp = new GaussianProcess(this.kernel, this.hyper, this.n + extraCapacity + 1, this.chol.jitter);
    gp.X.set(this.X.subarray(0, this.n * this.dim));
    gp.y.set(this.y.subarray(0, this.n));
    gp.extraNoise.set(this.extraNoise.subarray(0, this.n));
    gp.beta.set(this.beta.subarray(0, this.n));
    gp.chol = this.chol.clone(extraCapacity + 1);
    return gp;
  }

  private ensureCapacity(n: number): void {
    if (n <= this.y.length) return;
    const cap = Math.max(n, this.y.length * 2);
    const grow = (a: Float64Array, size: number): Float64Array => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.X = grow(this.X, cap * this.dim);
    this.y = grow(this.y, cap);
    this.extraNoise = grow(this.extraNoise, cap);
    this.beta = grow(this.beta, cap);
    this.scratchK = new Float64Array(cap);
  }

  /** Entry i of L^{-1}(y - m). */
  betaAt(i: number): number {
    return this.beta[i];
  }

  /** K^{-1}(y - m). */
  get alpha(): Float64Array {
    if (!this.alphaCache) this.alphaCache = this.chol.solveUpper(Float64Array.from(this.beta.subarray(0, this.n)));
    return this.alphaCache;
  }

  predict(x: ArrayLike<number>): Posterior {
    const n = this.n;
    const v = this.chol.solveLower(this.crossCov(x, this.scratchK));
    let mean = this.mean;
    let vv = 0;
    for (let i = 0; i < n; i++) {
      mean += v[i] * this.beta[i];
      vv += v[i] * v[i];
    }
    return { mean, variance: Math.max(this.outputscale - vv, 1e-12 * this.outputscale) };
  }

  /**
   * Posteriors at many points. Triangular solves run on blocks of right-hand sides so each row of
   * L is streamed from memory once per block instead of once per point (several times faster at
   * large n, where L no longer fits in cache).
   */
  predictMany(xs: readonly ArrayLike<number>[]): { mean: Float64Array; variance: Float64Array } {
    const n = this.n;
    const total = xs.length;
    const mean = new Float64Array(total);
    const variance = new Float64Array(total);
    const block = 256;
    const B = new Float64Array(n * block);
    for (let start = 0; start < total; start += block) {
      const m = Math.min(block, total - start);
      for (let c = 0; c < m; c++) {
        const x = xs[start + c];
        for (let i = 0; i < n; i++) B[i * m + c] = this.outputscale * kernelValue(this.kernel, scaledDist2(this.X, i, x, this.invLs2));
      }
      this.chol.solveLowerMany(B, m);
      for (let c = 0; c < m; c++) {
        mean[start + c] = this.mean;
        variance[start + c] = 0;
      }
      for (let i = 0; i < n; i++) {
        const b = this.beta[i];
        const o = i * m;
        for (let c = 0; c < m; c++) {
          const v = B[o + c];
          mean[start + c] += v * b;
          variance[start + c] += v * v;
        }
      }
      for (let c = 0; c < m; c++) variance[start + c] = Math.max(this.outputscale - variance[start + c], 1e-12 * this.outputscale);
    }
    return { mean, variance };
  }

  /**
   * Posteriors and their gradients at m points at once (the L-BFGS restarts of the acquisition
   * optimizer move in lockstep, so their solves share one pass over L).
   */
  predictWithGradMany(xs: readonly ArrayLike<number>[], gradMean: Float64Array[], gradVar: Float64Array[]): { mean: Float64Array; variance: Float64Array } {
    const n = this.n;
    const dim = this.dim;
    const m = xs.length;
    const V = new Float64Array(n * m);
    const G = new Float64Array(n * m);
    for (let c = 0; c < m; c++) {
      const x = xs[c];
      for (let i = 0; i < n; i++) {
        const r2 = scaledDist2(this.X, i, x, this.invLs2);
        V[i * m + c] = this.outputscale * kernelValue(this.kernel, r2);
        G[i * m + c] = this.outputscale * kernelGradFactor(this.kernel, r2);
      }
    }
    this.chol.solveLowerMany(V, m);
    const mean = new Float64Array(m).fill(this.mean);
    const variance = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      const b = this.beta[i];
      for (let c = 0; c < m; c++) {
        const v = V[i * m + c];
        mean[c] += v * b;
        variance[c] += v * v;
      }
    }
    for (let c = 0; c < m; c++) variance[c] = Math.max(this.outputscale - variance[c], 1e-12 * this.outputscale);
    this.chol.solveUpperMany(V, m); // V now holds K^{-1} k* per column
    const alpha = this.alpha;
    for (let c = 0; c < m; c++) {
      const x = xs[c];
      const gm = gradMean[c];
      const gv = gradVar[c];
      gm.fill(0);
      gv.fill(0);
      for (let i = 0; i < n; i++) {
        const g = G[i * m + c];
        if (g === 0) continue;
        const cm = -g * alpha[i];
        const cv = 2 * g * V[i * m + c];
        const o = i * dim;
        for (let d = 0; d < dim; d++) {
          const t = (x[d] - this.X[o + d]) * this.invLs2[d];
          gm[d] += cm * t;
          gv[d] += cv * t;
        }
      }
    }
    return { mean, variance };
  }

  /** Posterior plus gradients of mean and variance with respect to x. */
  predictWithGrad(x: ArrayLike<number>, gradMean: Float64Array, gradVar: Float64Array): Posterior {
    const p = this.predictWithGradMany([x], [gradMean], [gradVar]);
    return { mean: p.mean[0], variance: p.variance[0] };
  }

  /**
   * Posterior means at the training inputs, computed in O(n) from K0 alpha = (y - m) - D alpha
   * where D is the diagonal noise (+ jitter).
   */
  trainingMeans(): Float64Array {
    const n = this.n;
    const alpha = this.alpha;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.y[i] - (this.noise + this.extraNoise[i] + this.chol.jitter) * alpha[i];
    return out;
  }

  /** Prior covariance outputscale * k(a, b). */
  kernelAt(a: ArrayLike<number>, b: ArrayLike<number>): number {
    let r2 = 0;
    for (let d = 0; d < this.dim; d++) r2 += (a[d] - b[d]) ** 2 * this.invLs2[d];
    return this.outputscale * kernelValue(this.kernel, r2);
  }

  /** L^{-1} K(X, xs) as an n x m row-major block ("whitened" cross-covariances). */
  whiten(xs: readonly ArrayLike<number>[]): Float64Array {
    const n = this.n;
    const m = xs.length;
    const V = new Float64Array(n * m);
    for (let c = 0; c < m; c++) for (let i = 0; i < n; i++) V[i * m + c] = this.outputscale * kernelValue(this.kernel, scaledDist2(this.X, i, xs[c], this.invLs2));
    return this.chol.solveLowerMany(V, m);
  }

  /** Posterior mean at many points given their whitened cross-covariances (column c of V). */
  meanFromWhitened(V: Float64Array, m: number): Float64Array {
    const mean = new Float64Array(m).fill(this.mean);
    for (let i = 0; i < this.n; i++) for (let c = 0; c < m; c++) mean[c] += V[i * m + c] * this.beta[i];
    return mean;
  }

  /** K^{-1} k(X, x): how much each training target contributes to the posterior mean at x. */
  weights(x: ArrayLike<number>): Float64Array {
    const w = Float64Array.from(this.crossCov(x, this.scratchK).subarray(0, this.n));
    return this.chol.solve(w);
  }
}
