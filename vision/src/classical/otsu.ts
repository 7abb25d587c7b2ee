/**
 * Otsu's threshold for a set of values: the cut that maximizes the between-class variance of the
 * two groups it makes. Exact over the sorted values (no histogram binning), O(n log n).
 */
export function otsuThreshold(values: readonly number[]): number {
  if (values.length < 2) return values.length === 1 ? values[0] : Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let total = 0;
  for (const v of sorted) total += v;
  let left = 0;
  let best = -1;
  let cut = sorted[0];
  for (let i = 0; i < n - 1; i++) {
    left += sorted[i];
    if (sorted[i] === sorted[i + 1]) continue;
    const w0 = (i + 1) / n;
    const m0 = left / (i + 1);
    const m1 = (total - left) / (n - i - 1);
    const between = w0 * (1 - w0) * (m0 - m1) ** 2;
    if (between > best) {
      best = between;
      cut = (sorted[i] + sorted[i + 1]) / 2;
    }
  }
  return cut;
}
