/**
 * Lower Cholesky factor L (K = L L^T) stored row-major with a spare capacity, so a new observation
 * appends one row in O(n^2) instead of refactoring in O(n^3). A full factorization is literally a
 * sequence of appends, so incremental and from-scratch factors are bit-identical: a restored planner
 * reproduces the original's numbers exactly.
 */
export class Cholesky {
  private constructor(
    public L: Float64Array,
    public n: number,
    public cap: number,
    /** Diagonal jitter added on top of the caller's matrix (escalated when K is not numerically PD). */
    readonly jitter: number,
  ) {}

  static empty(capacity: number, jitter = 0): Cholesky {
    const cap = Math.max(4, capacity);
    return new Cholesky(new Float64Array(cap * cap), 0, cap, jitter);
  }

  /**
   * Factor a dense symmetric n x n matrix (row-major), escalating diagonal jitter from 0 to
   * 1e-6 * mean(diag) .. until it succeeds. Throws only if even large jitter fails (NaNs in K).
   */
  static factor(K: Float64Array, n: number, capacity = n, minJitter = 0): Cholesky {
    let meanDiag = 0;
    for (let i = 0; i < n; i++) meanDiag += K[i * n + i];
    meanDiag = n > 0 ? meanDiag / n : 1;
    const jitters = [minJitter];
    for (let e = -9; e <= -1; e++) {
      const j = Math.max(minJitter, meanDiag * 10 ** e);
      if (j > jitters[jitters.length - 1]) jitters.push(j);
    }
    for (const jitter of jitters) {
      const c = Cholesky.empty(Math.max(capacity, n), jitter);
      let ok = true;
      for (let i = 0; i < n && ok; i++) ok = c.append(K.subarray(i * n, i * n + i), K[i * n + i]);
      if (ok) return c;
    }
    throw new Error('Cholesky failed: covariance matrix is not positive definite even with jitter');
  }

  /**
   * Append a point: `cross` holds K(x_i, x_new) for the n current points, `self` is K(x_new, x_new)
   * (noise included, jitter not). Returns false, leaving the factor unchanged, if the result is not PD.
   */
  append(cross: ArrayLike<number>, self: number): boolean {
    const n = this.n;
    if (n === this.cap) this.grow(Math.max(8, this.cap * 2));
    const L = this.L;
    const cap = this.cap;
    const row = n * cap;
    let ss = 0;
    for (let j = 0; j < n; j++) {
      const rj = j * cap;
      let s = cross[j];
      for (let k = 0; k < j; k++) s -= L[row + k] * L[rj + k];
      const v = s / L[rj + j];
      L[row + j] = v;
      ss += v * v;
    }
    const d2 = self + this.jitter - ss;
    if (!(d2 > 1e-14 * Math.max(1, Math.abs(self)))) {
      for (let j = 0; j < n; j++) L[row + j] = 0;
      return false;
    }
    L[row + n] = Math.sqrt(d2);
    this.n = n + 1;
    return true;
  }

  /** Drop the last rows (used to discard fantasy points). */
  truncate(n: number): void {
    for (let i = n; i < this.n; i++) this.L.fill(0, i * this.cap, i * this.cap + i + 1);
    this.n = n;
  }

  clone(extraCapacity = 0): Cholesky {
    const cap = Math.max(this.cap, this.n + extraCapacity);
    const c = Cholesky.empty(cap, this.jitter);
    if (cap === this.cap) c.L.set(this.L);
    else for (let i = 0; i < this.n; i++) c.L.set(this.L.subarray(i * this.cap, i * this.cap + i + 1), i * cap);
    c.n = this.n;
    return c;
  }

  private grow(cap: number): void {
    const L = new Float64Array(cap * cap);
    for (let i = 0; i < this.n; i++) L.set(this.L.subarray(i * this.cap, i * this.cap + i + 1), i * cap);
    this.L = L;
    this.cap = cap;
  }

  /** b <- L^{-1} b (first n entries). */
  solveLower(b: Float64Array): Float64Array {
    const { L, n, cap } = this;
    for (let i = 0; i < n; i++) {
      const r = i * cap;
      let s = b[i];
      for (let k = 0; k < i; k++) s -= L[r + k] * b[k];
      b[i] = s / L[r + i];
    }
    return b;
  }

  /** b <- L^{-T} b. */
  solveUpper(b: Float64Array): Float64Array {
    const { L, n, cap } = this;
    for (let i = n - 1; i >= 0; i--) {
      const r = i * cap;
      const v = b[i] / L[r + i];
      b[i] = v;
      for (let k = 0; k < i; k++) b[k] -= L[r + k] * v;
    }
    return b;
  }

  /** B <- L^{-1} B for an n x m row-major block (many right-hand sides; the inner loop is contiguous). */
  solveLowerMany(B: Float64Array, m: number): Float64Array {
    const { L, n, cap } = this;
    for (let i = 0; i < n; i++) {
      const r = i * cap;
      const bi = i * m;
      for (let k = 0; k < i; k++) {
        const l = L[r + k];
        if (l === 0) continue;
        const bk = k * m;
        for (let c = 0; c < m; c++) B[bi + c] -= l * B[bk + c];
      }
      const inv = 1 / L[r + i];
      for (let c = 0; c < m; c++) B[bi + c] *= inv;
    }
    return B;
  }

  /** B <- L^{-T} B for an n x m row-major block. */
  solveUpperMany(B: Float64Array, m: number): Float64Array {
    const { L, n, cap } = this;
    for (let i = n - 1; i >= 0; i--) {
      const r = i * cap;
      const bi = i * m;
      const inv = 1 / L[r + i];
      for (let c = 0; c < m; c++) B[bi + c] *= inv;
      for (let k = 0; k < i; k++) {
        const l = L[r + k];
        if (l === 0) continue;
        const bk = k * m;
        for (let c = 0; c < m; c++) B[bk + c] -= l * B[bi + c];
      }
    }
    return B;
  }

  /** K^{-1} b. */
  solve(b: Float64Array): Float64Array {
    return this.solveUpper(this.solveLower(b));
  }

  logDet(): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) s += Math.log(this.L[i * this.cap + i]);
    return 2 * s;
  }

  /** Dense K^{-1} (n x n row-major), needed for the marginal-likelihood gradient. */
  inverse(): Float64Array {
    const { L, n, cap } = this;
    // Linv is lower triangular: column j of L^{-1} solves L x = e_j.
    const Li = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      Li[j * n + j] = 1 / L[j * cap + j];
      for (let i = j + 1; i < n; i++) {
        const r = i * cap;
        let s = 0;
        for (let k = j; k < i; k++) s -= L[r + k] * Li[k * n + j];
        Li[i * n + j] = s / L[r + i];
      }
    }
    // K^{-1}[i][j] = sum_{k >= max(i,j)} Li[k][i] Li[k][j]; accumulate row by row of Li (contiguous).
    const inv = new Float64Array(n * n);
    for (let k = 0; k < n; k++) {
      const rk = k * n;
      for (let i = 0; i <= k; i++) {
        const a = Li[rk + i];
        if (a === 0) continue;
        const ri = i * n;
        for (let j = 0; j <= i; j++) inv[ri + j] += a * Li[rk + j];
      }
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) inv[j * n + i] = inv[i * n + j];
    return inv;
  }
}
