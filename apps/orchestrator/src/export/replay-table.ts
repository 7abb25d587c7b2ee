import type { Point } from '@lab/planners';
import type { ReplayReport, ReplayStep } from './replay-bundle';

const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(5));
const point = (p: Point | null): string => (p === null ? '-' : Object.entries(p).map(([k, v]) => `${k}=${typeof v === 'number' ? num(v) : v}`).join(' '));
const predicted = (p: { mean: number; sd: number } | null): string => (p ? `${num(p.mean)} ± ${num(p.sd)}` : '-');

function diff(step: ReplayStep): string {
  if (step.maxAbsDiff === null) return '-';
  if (step.identical) return '0 (identical)';
  return step.maxAbsDiff === Number.POSITIVE_INFINITY ? 'differs' : step.maxAbsDiff.toExponential(2);
}

/** The replay as a plain-text table and a verdict, for a terminal. */
export function replayTable(report: ReplayReport): string {
  const header = ['exp', 'origin', 'status', 'recorded point', 'replayed point', 'max |diff|', `predicted ${report.objective} (recorded)`, '(replayed)'];
  const rows = report.steps.map((s) => [String(s.index), s.origin, s.status, point(s.recorded), point(s.replayed), diff(s), predicted(s.recordedPredicted), predicted(s.replayedPredicted)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const lines = [
    `campaign ${report.campaignName} ${report.campaignId}: planner ${report.planner.kind} (recorded ${report.planner.recordedVersion}, replayed ${report.planner.replayVersion}), seed ${report.planner.seed}${report.candidates === null ? '' : `, ${report.candidates} candidate locations`}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    ...report.notes.map((n) => `note: ${n}`),
    report.verdict === 'identical'
      ? `verdict: IDENTICAL: ${report.identical} of ${report.compared} planner proposals replayed bit for bit${report.steps.length > report.compared ? ` (${report.steps.length - report.compared} injected or edited, not compared)` : ''}`
      : `verdict: DIVERGED at experiment ${report.firstDivergence}: ${report.identical} of ${report.compared} planner proposals identical`,
  ];
  return `${lines.join('\n')}\n`;
}
