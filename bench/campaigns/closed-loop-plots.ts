import { join } from 'node:path';
import { median } from '../planners/stats';
import type { ClosedLoopResult } from './closed-loop';
import { type Series, writeLinePlot } from './svg-plot';

/** Plots of the closed-loop campaigns: hypervolume against experiments, vacancies found against dose. */
export function closedLoopPlots(result: ClosedLoopResult, dir: string): string[] {
  const files: string[] = [];
  result.synthesis?.forEach((part, i) => {
    const strategies = [...new Set(part.runs.map((r) => r.strategy))];
    const series: Series[] = strategies.map((strategy) => {
      const runs = part.runs.filter((r) => r.strategy === strategy);
      return { label: strategy, points: Array.from({ length: part.experiments }, (_, n) => ({ x: n + 1, y: median(runs.map((r) => r.hvShare[Math.min(n, r.hvShare.length - 1)] ?? 0)) })) };
    });
    const file = join(dir, `campaigns-synthesis-hv-${i === 0 ? 'default' : 'variant'}.svg`);
    writeLinePlot(file, { title: `synthesis-bo, ${part.world}: hypervolume share (median of ${part.seeds.length} seeds)`, xLabel: 'experiments', yLabel: 'share of the hidden optimum', xMax: part.experiments, yMin: 0.4, yMax: 1, series, hLines: [0.95] });
    files.push(file);
  });
  const stem = result.stem;
  if (!stem) return files;
  const doseMax = Math.max(...stem.runs.flatMap((r) => r.raster.map((p) => p.doseEPerA2)));
  const strategies = ['hunt', 'raster', 'random'] as const;
  const labels = { hunt: 'planner (incl. overview)', raster: 'uniform high-dose, raster', random: 'high-dose, random order' };
  const series: Series[] = strategies.map((strategy) => ({
    label: labels[strategy],
    points: Array.from({ length: 33 }, (_, k) => {
      const dose = (k / 32) * doseMax;
      const shares = stem.runs.map((r) => (r[strategy].filter((p) => p.doseEPerA2 <= dose).at(-1)?.found ?? 0) / r.totalVacancies);
      return { x: dose, y: median(shares) };
    }).filter((p) => strategy !== 'hunt' || p.x <= stem.doseBudgetEPerA2),
  }));
  const file = join(dir, 'campaigns-stem-found.svg');
  writeLinePlot(file, { title: `stem-defect-hunt: vacancies found against dose (median of ${stem.runs.length} seeds)`, xLabel: 'dose spent (e/A^2)', yLabel: 'share of all vacancies', xMax: doseMax, yMin: 0, yMax: 1, series, vLines: [stem.doseBudgetEPerA2] });
  files.push(file);
  return files;
}
