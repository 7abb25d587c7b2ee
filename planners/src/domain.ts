import { Polytope } from './polytope';
import { Rng } from './rng';
import { Sobol } from './sobol';
import { EncodedParam, EncodedSpace, fromUnit, toUnit } from './space';
import { ParamValue, Point, SearchSpaceSpec } from './types';

/**
 * The feasible set of one ask in the encoded space: the unit cube, minus the fixed features,
 * cut by the linear constraints. Equality constraints are removed exactly by optimizing in
 * reduced coordinates z with x = x0 + N z (N an orthonormal null-space basis), so every iterate
 * satisfies them to rounding error; inequalities and bounds become a polytope in z.
 * Categorical parameters are discrete choices kept outside z.
 */
export class Domain {
  /** Dimension of the continuous optimization variable z. */
  readonly k: number;
  readonly freeNumeric: EncodedParam[];
  readonly freeCats: EncodedParam[];
  /** Encoded point with fixed features filled in; free columns are overwritten by assemble(). */
  readonly base: Float64Array;
  /** Why the domain is empty, or null. */
  readonly infeasible: string | null = null;
  private readonly x0: Float64Array;
  /** Null-space basis (p x k, row-major); null means identity (no equality constraints). */
  private readonly N: Float64Array | null;
  /** Null when the feasible set is the box [0, 1]^k. */
  readonly polytope: Polytope | null;
  private centreCache: Float64Array | null = null;
  /** 1 for encoded columns of fixed features. */
  private readonly fixedMask: Uint8Array;

  constructor(
    readonly space: EncodedSpace,
    readonly fixed: Partial<Point> = {},
  ) {
    this.base = new Float64Array(space.dim);
    for (const [name, v] of Object.entries(fixed)) {
      const p = space.byName.get(name);
      if (!p || v === undefined) continue;
      if (p.spec.type === 'categorical') {
        for (let j = 0; j < p.width; j++) this.base[p.offset + j] = p.spec.values[j] === v ? 1 : 0;
      } else this.base[p.offset] = toUnit(p.spec, Number(v));
    }
    const isFixed = (p: EncodedParam): boolean => fixed[p.spec.name] !== undefined;
    this.fixedMask = new Uint8Array(space.dim);
    for (const q of space.params) if (isFixed(q)) this.fixedMask.fill(1, q.offset, q.offset + q.width);
    this.freeNumeric = space.numericParams().filter((p) => !isFixed(p));
    this.freeCats = space.categoricalParams().filter((p) => !isFixed(p));
    const p = this.freeNumeric.length;

    // Split constraints into rows over the free numeric columns.
    const eqRows: number[][] = [];
    const eqRhs: number[] = [];
    const inRows: number[][] = [];
    const inRhs: number[] = [];
    let problem: string | null = null;
    const free = new Set(this.freeNumeric.map((q) => q.offset));
    for (const c of space.spec.constraints ?? []) {
      for (const e of space.encodeConstraint(c)) {
        const row = this.freeNumeric.map((q) => e.coef[q.offset]);
        let rhs = e.rhs;
        for (let j = 0; j < space.dim; j++) if (!free.has(j)) rhs -= e.coef[j] * this.base[j];
        if (row.every((v) => Math.abs(v) < 1e-14)) {
          const bad = e.op === '=' ? Math.abs(rhs) > 1e-9 : rhs < -1e-9;
          if (bad) problem = 'constraints cannot be satisfied with the fixed features';
          continue;
        }
        (e.op === '=' ? eqRows : inRows).push(row);
        (e.op === '=' ? eqRhs : inRhs).push(rhs);
      }
    }

    if (eqRows.length === 0 && inRows.length === 0) {
      this.k = p;
      this.x0 = new Float64Array(p);
      this.N = null;
      this.polytope = null;
      this.infeasible = problem;
      return;
    }

    // Orthonormalize the equality rows (Gram-Schmidt), detecting redundant or contradictory ones.
    const Q: Float64Array[] = [];
    const bq: number[] = [];
    for (let r = 0; r < eqRows.length; r++) {
      const v = Float64Array.from(eqRows[r]);
      let b = eqRhs[r];
      for (let pass = 0; pass < 2; pass++) {
        for (let q = 0; q < Q.length; q++) {
          const proj = dot(Q[q], v);
          for (let j = 0; j < p; j++) v[j] -= proj * Q[q][j];
          b -= proj * bq[q];
        }
      }
      const norm = Math.sqrt(dot(v, v));
      if (norm < 1e-10) {
        if (Math.abs(b) > 1e-9) problem = 'equality constraints contradict each other';
        continue;
      }
      Q.push(v.map((t) => t / norm));
      bq.push(b / norm);
    }
    const x0 = new Float64Array(p);
    for (let q = 0; q < Q.length; q++) for (let j = 0; j < p; j++) x0[j] += bq[q] * Q[q][j];
    // Null-space basis: project unit vectors off span(Q) and previously accepted directions.
    const basis: Float64Array[] = [];
    for (let e = 0; e < p && basis.length < p - Q.length; e++) {
      const v = new Float64Array(p);
      v[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (const q of [...Q, ...basis]) {
          const proj = dot(q, v);
          for (let j = 0; j < p; j++) v[j] -= proj * q[j];
        }
      }
      const norm = Math.sqrt(dot(v, v));
      if (norm > 1e-8) basis.push(v.map((t) => t / norm));
    }
    const k = basis.length;
    const N = new Float64Array(p * k);
    for (let c = 0; c < k; c++) for (let j = 0; j < p; j++) N[j * k + c] = basis[c][j];

    // Polytope in z: box rows 0 <= x0 + N z <= 1 and the inequality rows.
    const G: number[] = [];
    const h: number[] = [];
    const addRow = (row: ArrayLike<number>, rhs: number): void => {
      const gz = new Float64Array(k);
      let r0 = rhs;
      for (let j = 0; j < p; j++) {
        if (row[j] === 0) continue;
        r0 -= row[j] * x0[j];
        for (let c = 0; c < k; c++) gz[c] += row[j] * N[j * k + c];
      }
      if (gz.every((v) => Math.abs(v) < 1e-13)) {
        if (r0 < -1e-9) problem = 'linear constraints are infeasible';
        return;
      }
      G.push(...gz);
      h.push(r0);
    };
    for (let j = 0; j < p; j++) {
      const e = new Float64Array(p);
      e[j] = 1;
      addRow(e, 1);
      e[j] = -1;
      addRow(e, 0);
    }
    inRows.forEach((row, i) => addRow(row, inRhs[i]));
    this.k = k;
    this.x0 = x0;
    this.N = N;
    this.polytope = new Polytope(Float64Array.from(G), Float64Array.from(h), k);
    if (!problem && !this.polytope.project(new Float64Array(k), 1e-10)) problem = 'linear constraints are infeasible within the bounds';
    this.infeasible = problem;
  }

  get isBox(): boolean {
    return this.polytope === null;
  }

  /** Full encoded point from reduced coordinates and categorical choices. */
  assemble(z: ArrayLike<number>, cats: ArrayLike<number>, out = new Float64Array(this.space.dim)): Float64Array {
    out.set(this.base);
    const { k, N, x0 } = this;
    this.freeNumeric.forEach((q, j) => {
      let v = x0[j];
      if (N) for (let c = 0; c < k; c++) v += N[j * k + c] * z[c];
      else v = z[j];
      out[q.offset] = v;
    });
    this.freeCats.forEach((q, g) => {
      for (let j = 0; j < q.width; j++) out[q.offset + j] = j === cats[g] ? 1 : 0;
    });
    return out;
  }

  zOf(x: ArrayLike<number>): Float64Array {
    const { k, N, x0 } = this;
    const z = new Float64Array(k);
    this.freeNumeric.forEach((q, j) => {
      if (!N) z[j] = x[q.offset];
      else for (let c = 0; c < k; c++) z[c] += N[j * k + c] * (x[q.offset] - x0[j]);
    });
    return z;
  }

  catsOf(x: ArrayLike<number>): number[] {
    return this.freeCats.map((q) => {
      let best = 0;
      for (let j = 1; j < q.width; j++) if (x[q.offset + j] > x[q.offset + best]) best = j;
      return best;
    });
  }

  /** Chain rule: gradient in z from the gradient in encoded x. */
  gradZ(gx: ArrayLike<number>, gz: Float64Array): Float64Array {
    const { k, N } = this;
    gz.fill(0);
    this.freeNumeric.forEach((q, j) => {
      if (!N) gz[j] = gx[q.offset];
      else for (let c = 0; c < k; c++) gz[c] += N[j * k + c] * gx[q.offset];
    });
    return gz;
  }

  /** In-place projection of z onto the feasible set. */
  projectZ(z: Float64Array): boolean {
    if (!this.polytope) {
      for (let j = 0; j < z.length; j++) z[j] = Math.min(1, Math.max(0, z[j]));
      return true;
    }
    return this.polytope.project(z);
  }

  /**
   * `count` feasible encoded points: scrambled Sobol in the box; under constraints, Sobol points
   * projected onto the equality set and kept when they satisfy the rest, topped up by hit-and-run.
   */
  sample(count: number, seed: number): Float64Array[] {
    const p = this.freeNumeric.length;
    const nc = this.freeCats.length;
    const sobol = new Sobol(Math.max(1, p + nc), seed);
    const u = new Float64Array(Math.max(1, p + nc));
    const out: Float64Array[] = [];
    const cats = new Array<number>(nc).fill(0);
    const z = new Float64Array(this.k);
    const feasibleZs: Float64Array[] = [];
    const maxTries = this.isBox ? count : 64 * count + 256;
    for (let i = 0; i < maxTries && out.length < count; i++) {
      sobol.point(i, u);
      this.freeCats.forEach((q, g) => (cats[g] = Math.min(q.width - 1, Math.floor(u[p + g] * q.width))));
      if (this.isBox) {
        for (let j = 0; j < p; j++) z[j] = u[j];
      } else {
        const x = new Float64Array(this.space.dim);
        this.freeNumeric.forEach((q, j) => (x[q.offset] = u[j]));
        z.set(this.zOf(x));
        if (this.polytope!.maxViolation(z) > 0) continue;
        feasibleZs.push(Float64Array.from(z));
      }
      out.push(this.assemble(z, cats));
    }
    if (out.length < count && this.polytope) {
      const rng = new Rng(seed ^ 0x68a7);
      const walk = feasibleZs.length > 0 ? Float64Array.from(feasibleZs[feasibleZs.length - 1]) : new Float64Array(this.k);
      this.polytope.project(walk);
      while (out.length < count) {
        this.polytope.hitAndRun(walk, 3 + this.k, rng);
        for (let g = 0; g < nc; g++) cats[g] = rng.int(this.freeCats[g].width);
        out.push(this.assemble(walk, cats));
      }
    }
    return out;
  }

  /** Centre of the feasible set: the cube centre, or the centroid of a feasible sample. */
  centre(seed: number): Float64Array {
    if (!this.centreCache) {
      const cats = new Array<number>(this.freeCats.length).fill(0);
      if (this.isBox) this.centreCache = this.assemble(new Float64Array(this.k).fill(0.5), cats);
      else {
        const pts = this.sample(128, seed);
        const mean = new Float64Array(this.k);
        for (const x of pts) {
          const z = this.zOf(x);
          for (let c = 0; c < this.k; c++) mean[c] += z[c] / pts.length;
        }
        this.projectZ(mean);
        this.centreCache = this.assemble(mean, cats);
      }
    }
    return Float64Array.from(this.centreCache);
  }

  /**
   * Snap relaxed integer/ordinal values to their grid and restore feasibility by re-projecting
   * the continuous parameters with the rounded ones held fixed (trying neighbouring grid values
   * when needed). Returns null when no nearby feasible rounding exists.
   */
  finalize(x: Float64Array): Float64Array | null {
    const discrete = this.freeNumeric.filter((q) => q.spec.type === 'integer' || q.spec.type === 'ordinal');
    const snapped = this.space.snap(Float64Array.from(x));
    for (let j = 0; j < this.space.dim; j++) if (this.fixedMask[j]) snapped[j] = this.base[j];
    if (this.isBox || discrete.length === 0) return this.isFeasible(snapped) ? snapped : this.repairContinuous(snapped, {});
    // Candidate roundings: each discrete value may go to either neighbour on its grid.
    const options = discrete.map((q) => neighbours(q, x[q.offset]));
    const combos: Record<string, ParamValue>[] = [];
    const limit = Math.min(discrete.length, 8);
    for (let mask = 0; mask < 1 << limit; mask++) {
      const c: Record<string, ParamValue> = {};
      discrete.forEach((q, i) => (c[q.spec.name] = options[i][i < limit && (mask >> i) & 1 ? 1 : 0]));
      combos.push(c);
    }
    const dist = (c: Record<string, ParamValue>): number => discrete.reduce((s, q) => s + (toUnit(q.spec, Number(c[q.spec.name])) - x[q.offset]) ** 2, 0);
    combos.sort((a, b) => dist(a) - dist(b));
    for (const c of combos.slice(0, 64)) {
      const y = this.repairContinuous(snapped, c);
      if (y) return y;
    }
    return null;
  }

  private repairContinuous(x: Float64Array, discreteFixed: Record<string, ParamValue>): Float64Array | null {
    const sub = new Domain(this.space, { ...this.fixed, ...discreteFixed });
    if (sub.infeasible) return null;
    const z = sub.zOf(x);
    if (!sub.projectZ(z)) return null;
    const y = sub.assemble(z, sub.catsOf(x));
    return this.isFeasible(y) ? y : null;
  }

  isFeasible(x: ArrayLike<number>, tol = 1e-10): boolean {
    for (const q of this.freeNumeric) if (x[q.offset] < -tol || x[q.offset] > 1 + tol) return false;
    if (!this.polytope) return true;
    const z = this.zOf(x);
    // The equality part holds iff x equals its reconstruction from z.
    const back = this.assemble(z, this.catsOf(x));
    for (const q of this.freeNumeric) if (Math.abs(back[q.offset] - x[q.offset]) > tol) return false;
    return this.polytope.maxViolation(z) <= tol;
  }
}

function neighbours(q: EncodedParam, u: number): [ParamValue, ParamValue] {
  const s = q.spec;
  if (s.type === 'integer') {
    const v = s.lower + u * (s.upper - s.lower);
    const lo = Math.min(s.upper, Math.max(s.lower, Math.floor(v)));
    const hi = Math.min(s.upper, Math.max(s.lower, Math.ceil(v)));
    return Math.abs(v - lo) <= Math.abs(hi - v) ? [lo, hi] : [hi, lo];
  }
  if (s.type === 'ordinal') {
    const sorted = [...s.values].sort((a, b) => Math.abs(toUnit(s, a) - u) - Math.abs(toUnit(s, b) - u));
    return [sorted[0], sorted[Math.min(1, sorted.length - 1)]];
  }
  const v = fromUnit(s, u);
  return [v, v];
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Exported for validation: does the space admit at least one feasible point? */
export function feasibilityProblem(spec: SearchSpaceSpec): string | null {
  return new Domain(new EncodedSpace(spec)).infeasible;
}
