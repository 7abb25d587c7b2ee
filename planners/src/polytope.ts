import { Rng } from './rng';

/**
 * A convex polytope {z : G z <= h} (rows row-major, k columns): Euclidean projection and
 * uniform sampling, the two things the acquisition optimizer needs under linear constraints.
 */
export class Polytope {
  private readonly norm2: Float64Array;

  constructor(
    readonly G: Float64Array,
    readonly h: Float64Array,
    readonly k: number,
  ) {
    const m = h.length;
    this.norm2 = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += G[i * k + j] ** 2;
      this.norm2[i] = s;
    }
  }

  get rows(): number {
    return this.h.length;
  }

  maxViolation(z: ArrayLike<number>): number {
    let worst = -Infinity;
    for (let i = 0; i < this.rows; i++) worst = Math.max(worst, this.rowValue(i, z) - this.h[i]);
    return worst;
  }

  private rowValue(i: number, z: ArrayLike<number>): number {
    const { G, k } = this;
    let s = 0;
    for (let j = 0; j < k; j++) s += G[i * k + j] * z[j];
    return s;
  }

  /**
   * Euclidean projection by Hildreth's dual coordinate ascent (exact in the limit), then polished
   * by solving for the active constraints exactly. Returns false if the polytope looks empty.
   */
  project(z: Float64Array, tol = 1e-12): boolean {
    const { G, h, k, norm2 } = this;
    const m = this.rows;
    if (this.maxViolation(z) <= tol) return true;
    const y = Float64Array.from(z);
    const lam = new Float64Array(m);
    for (let sweep = 0; sweep < 5000; sweep++) {
      let change = 0;
      for (let i = 0; i < m; i++) {
        if (norm2[i] === 0) continue;
        const delta = Math.max(-lam[i], (this.rowValue(i, z) - h[i]) / norm2[i]);
        if (delta === 0) continue;
        lam[i] += delta;
        for (let j = 0; j < k; j++) z[j] -= delta * G[i * k + j];
        change = Math.max(change, Math.abs(delta) * Math.sqrt(norm2[i]));
      }
      if (change < 1e-15 && this.maxViolation(z) <= tol) break;
    }
    this.polish(y, lam, z, tol);
    // Final feasibility clean-up: plain cyclic projections onto violated half-spaces.
    for (let sweep = 0; sweep < 200 && this.maxViolation(z) > tol; sweep++) {
      for (let i = 0; i < m; i++) {
        const viol = this.rowValue(i, z) - h[i];
        if (viol > 0 && norm2[i] > 0) {
          const step = (viol * (1 + 1e-12) + 1e-15) / norm2[i];
          for (let j = 0; j < k; j++) z[j] -= step * G[i * k + j];
        }
      }
    }
    return this.maxViolation(z) <= Math.max(tol, 1e-10);
  }

  /** Exact projection onto the active set found by Hildreth; kept only if feasible and KKT-valid. */
  private polish(y: Float64Array, lam: Float64Array, z: Float64Array, tol: number): void {
    const { G, h, k } = this;
    const active: number[] = [];
    for (let i = 0; i < this.rows; i++) if (lam[i] > 1e-14) active.push(i);
    const a = active.length;
    if (a === 0 || a > k) return;
    // (G_A G_A^T) mu = G_A y - h_A, via Gaussian elimination with partial pivoting (a <= k is tiny).
    const M = new Float64Array(a * (a + 1));
    for (let r = 0; r < a; r++) {
      for (let c = 0; c < a; c++) {
        let s = 0;
        for (let j = 0; j < k; j++) s += G[active[r] * k + j] * G[active[c] * k + j];
        M[r * (a + 1) + c] = s;
      }
      M[r * (a + 1) + a] = this.rowValue(active[r], y) - h[active[r]];
    }
    const mu = solveDense(M, a);
    if (!mu || mu.some((v) => v < -1e-12)) return;
    const cand = Float64Array.from(y);
    for (let r = 0; r < a; r++) for (let j = 0; j < k; j++) cand[j] -= mu[r] * G[active[r] * k + j];
    if (this.maxViolation(cand) <= tol) z.set(cand);
  }

  /** Hit-and-run random walk from a feasible z: uniform on the polytope in the limit. */
  hitAndRun(z: Float64Array, steps: number, rng: Rng): void {
    const { G, h, k } = this;
    const d = new Float64Array(k);
    for (let s = 0; s < steps; s++) {
      let nd = 0;
      for (let j = 0; j < k; j++) {
        d[j] = rng.normal();
        nd += d[j] * d[j];
      }
      if (nd === 0) continue;
      let tmin = -Infinity;
      let tmax = Infinity;
      for (let i = 0; i < this.rows; i++) {
        let a = 0;
        for (let j = 0; j < k; j++) a += G[i * k + j] * d[j];
        const slack = h[i] - this.rowValue(i, z);
        if (a > 1e-14) tmax = Math.min(tmax, slack / a);
        else if (a < -1e-14) tmin = Math.max(tmin, slack / a);
      }
      if (!(tmax > tmin) || !Number.isFinite(tmin) || !Number.isFinite(tmax)) continue;
      const t = tmin + (tmax - tmin) * rng.next();
      for (let j = 0; j < k; j++) z[j] += t * d[j];
    }
  }
}

/** Solves the a x a system stored as an augmented a x (a+1) matrix; null if singular. */
function solveDense(M: Float64Array, a: number): number[] | null {
  const w = a + 1;
  for (let c = 0; c < a; c++) {
    let piv = c;
    for (let r = c + 1; r < a; r++) if (Math.abs(M[r * w + c]) > Math.abs(M[piv * w + c])) piv = r;
    if (Math.abs(M[piv * w + c]) < 1e-14) return null;
    if (piv !== c) for (let j = 0; j < w; j++) [M[c * w + j], M[piv * w + j]] = [M[piv * w + j], M[c * w + j]];
    for (let r = 0; r < a; r++) {
      if (r === c) continue;
      const f = M[r * w + c] / M[c * w + c];
      if (f === 0) continue;
      for (let j = c; j < w; j++) M[r * w + j] -= f * M[c * w + j];
    }
  }
  return Array.from({ length: a }, (_, r) => M[r * w + a] / M[r * w + r]);
}
