/** Small order statistics used by the benchmark tables. */
export function quantile(values: readonly number[], q: number): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  if (!Number.isFinite(v[lo]) || !Number.isFinite(v[hi])) return pos - lo < 0.5 ? v[lo] : v[hi];
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

export const median = (v: readonly number[]): number => quantile(v, 0.5);

export interface Summary {
  median: number;
  q25: number;
  q75: number;
}

export function summarize(values: readonly number[]): Summary {
  return { median: quantile(values, 0.5), q25: quantile(values, 0.25), q75: quantile(values, 0.75) };
}

/** Fixed-width text table. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}

export function fmt(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'n/a';
  if (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0)) return x.toExponential(2);
  return x.toPrecision(digits);
}
