/**
 * Pareto fronts, hypervolumes and the box decomposition of the non-dominated region, all for
 * maximization with 2 or 3 objectives (minimized objectives are negated by the caller).
 */

/** a dominates b: no worse everywhere and better somewhere. */
export function dominates(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < b[i]) return false;
    if (a[i] > b[i]) better = true;
  }
  return better;
}

/** Indices of the non-dominated points (duplicates keep their first occurrence). */
export function paretoIndices(points: readonly ArrayLike<number>[]): number[] {
  const out: number[] = [];
  points.forEach((p, i) => {
    const dominated = points.some((q, j) => j !== i && (dominates(q, p) || (j < i && sameAs(q, p))));
    if (!dominated) out.push(i);
  });
  return out;
}

function sameAs(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Hypervolume dominated by the points and bounded below by the reference point. */
export function hypervolume(points: readonly ArrayLike<number>[], ref: ArrayLike<number>): number {
  const m = ref.length;
  const pts = points.filter((p) => Array.from({ length: m }, (_, i) => p[i] > ref[i]).every(Boolean)).map((p) => Array.from(p));
  if (pts.length === 0) return 0;
  if (m === 1) return Math.max(...pts.map((p) => p[0])) - ref[0];
  if (m === 2) {
    const front = paretoIndices(pts).map((i) => pts[i]).sort((a, b) => b[0] - a[0]);
    let hv = 0;
    let prevY = ref[1];
    for (const p of front) {
      hv += (p[0] - ref[0]) * (p[1] - prevY);
      prevY = p[1];
    }
    return hv;
  }
  // Slice along the last objective: the 2-d hypervolume of the points above each level.
  const levels = [...new Set(pts.map((p) => p[m - 1]))].sort((a, b) => a - b);
  let hv = 0;
  let lower = ref[m - 1];
  for (const level of levels) {
    const above = pts.filter((p) => p[m - 1] >= level).map((p) => p.slice(0, m - 1));
    hv += hypervolume(above, Array.from(ref).slice(0, m - 1)) * (level - lower);
    lower = level;
  }
  return hv;
}

/** An axis-aligned box [lower, upper) of the non-dominated region (upper may be +Infinity). */
export interface Cell {
  lower: number[];
  upper: number[];
}

/**
 * Partition of {z >= ref : z not dominated by the front} into boxes, so that the hypervolume
 * improvement of a new point y is sum over cells of prod_i (min(y_i, upper_i) - lower_i)^+.
 * A grid on the front's coordinates; along the last axis the non-dominated cells of each column
 * form a suffix and are merged into one.
 */
export function nonDominatedCells(front: readonly ArrayLike<number>[], ref: ArrayLike<number>): Cell[] {
  const m = ref.length;
  const pts = front.filter((p) => Array.from({ length: m }, (_, i) => p[i] > ref[i]).every(Boolean));
  const axes = Array.from({ length: m }, (_, i) => [...new Set([ref[i], ...pts.map((p) => p[i])])].sort((a, b) => a - b).concat(Infinity));
  const cells: Cell[] = [];
  const idx = new Array<number>(m - 1).fill(0);
  const last = axes[m - 1];
  for (;;) {
    const lower = idx.map((k, i) => axes[i][k]);
    const upper = idx.map((k, i) => axes[i][k + 1]);
    // Points that could dominate cells of this column: those beyond its upper corner in the first m-1 axes.
    const cover = pts.filter((p) => upper.every((u, i) => p[i] >= u));
    const top = cover.length === 0 ? ref[m - 1] : Math.max(...cover.map((p) => p[m - 1]));
    const start = last.findIndex((v) => v >= top);
    if (start >= 0 && start < last.length - 1) cells.push({ lower: [...lower, last[start]], upper: [...upper, Infinity] });
    let i = 0;
    for (; i < m - 1; i++) {
      idx[i]++;
      if (idx[i] < axes[i].length - 1) break;
      idx[i] = 0;
    }
    if (i === m - 1) break;
  }
  return cells;
}
