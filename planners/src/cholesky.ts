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
      // Four partial sums give the CPU independent chains; the order is fixed, so a full
      // factorization (a sequence of appends) and an incremental one stay bit-identical.
      let s0 = cross[j];
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let k = 0;
      for (; k + 3 < j; k += 4) {
        s0 -= L[row + k] * L[rj + k];
        s1 -= L[row + k + 1] * L[rj + k + 1];
        s2 -= L[row + k + 2] * L[rj + k + 2];
        s3 -= L[row + k + 3] * L[rj + k + 3];
      }
      for (; k < j; k++) s0 -= L[row + k] * L[rj + k];
      const v = (s0 + s1 + (s2 + s3)) / L[rj + j];
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

  /**
   * B <- L^{-1} B for an n x m row-major block (many right-hand sides). The inner loop runs over
   * the m contiguous columns and folds four rows of L per pass, so each B[i, :] is loaded and stored
   * a quarter as often: several times faster than m separate solves once L outgrows the cache.
   */
  solveLowerMany(B: Float64Array, m: number): Float64Array {
    const { L, n, cap } = this;
    for (let i = 0; i < n; i++) {
      const r = i * cap;
      const bi = i * m;
      let k = 0;
      for (; k + 3 < i; k += 4) {
        const l0 = L[r + k];
        const l1 = L[r + k + 1];
        const l2 = L[r + k + 2];
        const l3 = L[r + k + 3];
        const b0 = k * m;
        const b1 = b0 + m;
        const b2 = b1 + m;
        const b3 = b2 + m;
        for (let c = 0; c < m; c++) B[bi + c] -= l0 * B[b0 + c] + l1 * B[b1 + c] + l2 * B[b2 + c] + l3 * B[b3 + c];
      }
      for (; k < i; k++) {
        const l = L[r + k];
        const bk = k * m;
        for (let c = 0; c < m; c++) B[bi + c] -= l * B[bk + c];
      }
      const inv = 1 / L[r + i];
      for (let c = 0; c < m; c++) B[bi + c] *= inv;
    }
    return B;
  }

  /** B <- L^{-T} B for an n x m row-major block (row i needs the rows below it; same 4-row folding). */
  solveUpperMany(B: Float64Array, m: number): Float64Array {
    const { L, n, cap } = this;
    for (let i = n - 1; i >= 0; i--) {
      const bi = i * m;
      let k = i + 1;
      for (; k + 3 < n; k += 4) {
        const l0 = L[k * cap + i];
        const l1 = L[(k + 1) * cap + i];
        const l2 = L[(k + 2) * cap + i];
        const l3 = L[(k + 3) * cap + i];
        const b0 = k * m;
        const b1 = b0 + m;
        const b2 = b1 + m;
        const b3 = b2 + m;
        for (let c = 0; c < m; c++) B[bi + c] -= l0 * B[b0 + c] + l1 * B[b1 + c] + l2 * B[b2 + c] + l3 * B[b3 + c];
      }
      for (; k < n; k++) {
        const l = L[k * cap + i];
        const bk = k * m;
        for (let c = 0; c < m; c++) B[bi + c] -= l * B[bk + c];
      }
      const inv = 1 / L[i * cap + i];
      for (let c = 0; c < m; c++) B[bi + c] *= inv;
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
    const n = this.n;
    const { L, cap } = this;
    // L^{-1} row by row: Li[i, :] = (e_i - sum_{k<i} L[i,k] Li[k, :]) / L[i,i]. Row k of Li is zero
    // beyond column k, so the inner loops stop there (n^3/6 multiply-adds, contiguous rows).
    const Li = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      const r = i * cap;
      const bi = i * n;
      let k = 0;
      for (; k + 3 < i; k += 4) {
        const l0 = L[r + k];
        const l1 = L[r + k + 1];
        const l2 = L[r + k + 2];
        const l3 = L[r + k + 3];
        const b0 = k * n;
        for (let c = 0; c <= k + 3; c++) Li[bi + c] -= l0 * Li[b0 + c] + l1 * Li[b0 + n + c] + l2 * Li[b0 + 2 * n + c] + l3 * Li[b0 + 3 * n + c];
      }
      for (; k < i; k++) {
        const l = L[r + k];
        const bk = k * n;
        for (let c = 0; c <= k; c++) Li[bi + c] -= l * Li[bk + c];
      }
      const inv = 1 / L[r + i];
      for (let c = 0; c < i; c++) Li[bi + c] *= inv;
      Li[bi + i] = inv;
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
