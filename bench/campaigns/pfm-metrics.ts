/** Scores of one run against the hidden property: discovery of the top locations and mapping R^2. */

/** Indices of the top `share` of locations by the hidden property (at least one). */
export function topIndices(truth: ArrayLike<number>, share: number): Set<number> {
  const count = Math.max(1, Math.round(share * truth.length));
  const ranked = Array.from({ length: truth.length }, (_, i) => i).sort((a, b) => truth[b] - truth[a] || a - b);
  return new Set(ranked.slice(0, count));
}

/** Share of `top` measured within the first `loops` of `order`. */
export function shareFound(order: readonly number[], top: Set<number>, loops: number): number {
  let found = 0;
  for (let k = 0; k < Math.min(loops, order.length); k++) if (top.has(order[k])) found++;
  return found / top.size;
}

/** Loops until at least `fraction` of `top` has been measured; Infinity if `order` ends first. */
export function loopsToFind(order: readonly number[], top: Set<number>, fraction: number): number {
  const needed = Math.ceil(fraction * top.size);
  let found = 0;
  for (let k = 0; k < order.length; k++) {
    if (top.has(order[k])) found++;
    if (found >= needed) return k + 1;
  }
  return Number.POSITIVE_INFINITY;
}

/** Coefficient of determination of `predicted` against `truth` over every location. */
export function rSquared(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < truth.length; i++) mean += truth[i] / truth.length;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < truth.length; i++) {
    residual += (truth[i] - predicted[i]) ** 2;
    total += (truth[i] - mean) ** 2;
  }
  return 1 - residual / total;
}

/** First checkpoint (in loops) whose R^2 reaches `target`; Infinity if none does. */
export function loopsToR2(curve: ReadonlyArray<{ loops: number; r2: number }>, target: number): number {
  const hit = curve.find((p) => p.r2 >= target);
  return hit ? hit.loops : Number.POSITIVE_INFINITY;
}
