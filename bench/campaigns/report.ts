import { table } from '../planners/stats';

/** Helpers every campaigns bench part (PFM now; synthesis and STEM later) uses for its tables. */

/** A median [q25, q75] cell; Infinity (not reached within the budget) prints as `>budget`. */
export function spreadCell(s: { median: number; q25: number; q75: number }, budget: number, digits = 0): string {
  const one = (v: number): string => (Number.isFinite(v) ? v.toFixed(digits) : `>${budget}`);
  return `${one(s.median)} [${one(s.q25)}, ${one(s.q75)}]`;
}

/** A share as a percentage. */
export const percent = (share: number): string => `${Math.round(100 * share)} %`;

/** A markdown table (for docs/benchmarks.md) and the same rows as a fixed-width text table. */
export function tables(header: string[], rows: string[][]): { markdown: string; text: string } {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return { markdown: [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n'), text: table(header, rows) };
}

/** A target with its measured value, as every bench reports them. */
export interface Target {
  part: string;
  name: string;
  goal: string;
  measured: string;
  met: boolean;
}
