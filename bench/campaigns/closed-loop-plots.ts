import { join } from 'node:path';
import { median } from '../planners/stats';
import type { ClosedLoopResult } from './closed-loop';
import { type StemBenchResult, type StemStrategy, STEM_STRATEGIES } from './stem';
import { type Series, writeLinePlot } from './svg-plot';

/** Plots of the closed-loop campaigns: hypervolume against experiments, vacancies identified against dose. */
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
  result.stem?.forEach((set, i) => files.push(stemPlot(set, join(dir, `campaigns-stem-identified-${['tuning', 'heldout', 'variant'][i] ?? i}.svg`))));
  return files;
}

/** Share of all vacancies correctly identified against dose, median over seeds, per strategy. */
function stemPlot(set: StemBenchResult, file: string): string {
  const budget = set.doseBudgetEPerA2;
  // Past the budget only the baselines go on (the hunt stops there): up to twice the budget.
  const doseMax = set.doseGridEPerA2.at(-1) ?? 2 * budget;
  const labels: Record<StemStrategy, string> = {
    hunt: 'planner (incl. overview)',
    raster: 'uniform high-dose, raster',
    random: 'high-dose, random order',
    rasterAtTileDose: "uniform at the hunt's tile dose",
    greedy: 'greedy by overview estimate',
    oracle: 'best order (knows the truth)',
  };
  const series: Series[] = STEM_STRATEGIES.map((strategy) => ({
    label: labels[strategy],
    points: set.doseGridEPerA2
      .map((dose, k) => ({ x: dose, y: median(set.runs.map((r) => r.identifiedAt[strategy][k] / r.totalVacancies)) }))
      .filter((p) => (strategy !== 'hunt' && strategy !== 'greedy') || p.x <= budget),
  }));
  writeLinePlot(file, { title: `stem-defect-hunt, ${set.world}: vacancies identified (median, ${set.runs.length} seeds)`, xLabel: 'dose spent (e/A^2)', yLabel: 'share of all vacancies', xMax: doseMax, yMin: 0, yMax: 0.7, series, vLines: [budget] });
  return file;
}
