import { summarize } from '../planners/stats';
import { percent, tables } from './report';
import { type StemBenchResult, type StemStrategy, STEM_STRATEGIES } from './stem';

const LABELS: Record<StemStrategy, string> = {
  hunt: 'planner (campaign, incl. overview)',
  raster: 'uniform high-dose scan, raster order',
  random: 'high-dose tiles, random order',
  rasterAtTileDose: "uniform scan at the hunt's tile dose, raster order",
  greedy: 'greedy by overview estimate (offline, incl. overview)',
  oracle: 'best order of the tiles (knows the truth)',
};

/**
 * One row per world set and strategy, medians over seeds, everything within the campaign's dose
 * budget: vacancies correctly identified (share of all in the overview's tiles), per dose, the
 * model's precision and recall in the tiles imaged, the true vacancies in those tiles (what the
 * earlier version of this bench counted), and the gain over the raster scan per seed.
 */
export function stemTable(sets: StemBenchResult[]): { markdown: string; text: string } {
  const rows = sets.flatMap((set) => {
    const at = (run: StemBenchResult['runs'][number], strategy: StemStrategy) => run.atBudget[strategy];
    const perDose = (run: StemBenchResult['runs'][number], strategy: StemStrategy): number => {
      const p = at(run, strategy);
      return p.doseEPerA2 > 0 ? (1e4 * p.truePositives) / p.doseEPerA2 : 0;
    };
    return STEM_STRATEGIES.map((strategy) => {
      const m = (f: (run: StemBenchResult['runs'][number]) => number): number => summarize(set.runs.map(f)).median;
      const gains = set.runs.map((r) => perDose(r, strategy) / Math.max(1e-9, perDose(r, 'raster')));
      return [
        set.world,
        LABELS[strategy],
        `${m((r) => at(r, strategy).truePositives).toFixed(0)} (${percent(m((r) => at(r, strategy).truePositives / r.totalVacancies))})`,
        m((r) => perDose(r, strategy)).toFixed(0),
        `${summarize(gains).median.toFixed(2)} [${Math.min(...gains).toFixed(2)}, ${Math.max(...gains).toFixed(2)}]`,
        m((r) => at(r, strategy).truePositives / Math.max(1, at(r, strategy).reported)).toFixed(3),
        m((r) => at(r, strategy).truePositives / Math.max(1, at(r, strategy).inImaged)).toFixed(3),
        percent(m((r) => at(r, strategy).inImaged / r.totalVacancies)),
        m((r) => r.atBudget[strategy].images).toFixed(0),
      ];
    });
  });
  return tables(
    ['world (seeds)', 'strategy', 'vacancies identified within budget (share of all)', 'per 10^4 e/A^2', 'x raster per dose, median [min, max]', 'precision', 'recall in imaged tiles', 'true vacancies in imaged tiles (share)', 'tiles'],
    rows,
  );
}

/** A line per world set: how well the overview ranks the tiles, and how the model counts. */
export function stemNotes(sets: StemBenchResult[]): string {
  return sets
    .map((set) => {
      const rho = summarize(set.runs.map((r) => r.overviewRankCorrelation));
      const ratio = summarize(set.runs.map((r) => r.modelOverTruth));
      return `${set.world}: overview ${set.runs[0]?.overviewDoseEPerA2.toFixed(0)} e/A^2, hunt's tiles ${set.runs[0]?.tileDoseEPerA2.toFixed(0)} e/A^2, uniform high-dose tiles ${set.highDoseEPerA2.toFixed(0)} e/A^2, match within ${set.matchToleranceNm.toFixed(3)} nm; rank correlation of the overview's vacancy estimate with the true count per tile ${rho.median.toFixed(2)} [${rho.q25.toFixed(2)}, ${rho.q75.toFixed(2)}]; model/truth vacancies in the hunt's tiles ${ratio.median.toFixed(2)}`;
    })
    .join('\n');
}
