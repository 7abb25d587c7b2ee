/** Order statistics are shared by every benchmark. */
export { quantile } from '../planners/stats';

/** A plain-text table with right-aligned columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const fixed = (x: number | undefined, digits = 3): string => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits));
