import { summarize } from '../planners/stats';
import { percent, spreadCell, tables } from './report';
import { runStemBench, type StemBenchResult } from './stem';
import { runSynthesisBench, SYNTHESIS_STRATEGIES, type SynthesisBenchResult } from './synthesis';

/**
 * The campaigns that close the loop through the whole orchestrator (twins, MQTT, vision, planner,
 * database): synthesis-bo and stem-defect-hunt, scored on the twins' truth.
 */
export interface ClosedLoopResult {
  synthesis?: SynthesisBenchResult[];
  stem?: StemBenchResult;
}

export type ClosedLoopPart = 'synthesis' | 'stem';

/** A world the campaigns were never tuned on: other vacancy and grain physics, other failures. */
const VARIANT_WORLD = {
  synthesis: {
    vacancy: { doublingTempC: 90, perFractionC: 1.5, perHour: 0.5 },
    grain: { doublingTempC: 120, timeExponent: 0.45 },
    failureRegions: [
      { reason: 'phase_separation', minFractionA: 0.7, minTempC: 800 },
      { reason: 'amorphous', maxTempC: 380 },
    ],
  },
};

export async function runClosedLoopBench(opts: { parts: ClosedLoopPart[]; quick: boolean; log: (line: string) => void }): Promise<{ result: ClosedLoopResult; text: string; markdown: string }> {
  const seeds = (first: number, n: number): number[] => Array.from({ length: n }, (_, i) => first + i);
  const result: ClosedLoopResult = {};
  const text: string[] = [];
  const markdown: string[] = [];
  if (opts.parts.includes('synthesis')) {
    const experiments = 40;
    const synthesis = [
      await runSynthesisBench({ seeds: seeds(101, opts.quick ? 2 : 10), experiments, worldName: 'default', log: opts.log }),
      await runSynthesisBench({ seeds: seeds(201, opts.quick ? 1 : 5), experiments, world: VARIANT_WORLD, worldName: 'variant (never tuned on)', log: opts.log }),
    ];
    result.synthesis = synthesis;
    const table = synthesisTable(synthesis);
    text.push(`Synthesis (synthesis-bo.yaml): hypervolume of the true properties of the films made, share of the hidden optimum (median over seeds)\n\n${table.text}`);
    markdown.push(table.markdown);
  }
  if (opts.parts.includes('stem')) {
    const stem = await runStemBench({ seeds: seeds(301, opts.quick ? 2 : 10), log: opts.log });
    result.stem = stem;
    const table = stemTable(stem);
    const identified = summarize(stem.runs.map((r) => r.identifiedShare));
    text.push(`STEM defect hunt (stem-defect-hunt.yaml), ${stem.runs.length} seeds; the model's vacancy count over the truth in the imaged tiles: median ${identified.median.toFixed(3)}\n\n${table.text}`);
    markdown.push(table.markdown);
  }
  return { result, text: text.join('\n\n'), markdown: markdown.join('\n\n') };
}

function synthesisTable(synthesis: SynthesisBenchResult[]): { markdown: string; text: string } {
  return tables(
    ['world', 'strategy', 'HV share @10', '@20', '@40', 'experiments to 95 % HV', 'best vacancy fraction @40', 'failed'],
    synthesis.flatMap((part) =>
      Object.keys(SYNTHESIS_STRATEGIES).map((strategy) => {
        const runs = part.runs.filter((r) => r.strategy === strategy);
        const share = (n: number): string => percent(summarize(runs.map((r) => r.hvShare[Math.min(n, r.hvShare.length) - 1] ?? 0)).median);
        const to95 = summarize(runs.map((r) => {
          const i = r.hvShare.findIndex((s) => s >= 0.95);
          return i < 0 ? Infinity : i + 1;
        }));
        const best = summarize(runs.map((r) => r.bestVacancy.at(-1) ?? Number.NaN)).median;
        return [part.world, strategy, share(10), share(20), share(40), spreadCell(to95, part.experiments), `${best.toFixed(4)} (hidden min ${part.hiddenOptimum.minVacancyFraction.toFixed(4)})`, String(summarize(runs.map((r) => r.failed)).median)];
      }),
    ),
  );
}

function stemTable(stem: StemBenchResult): { markdown: string; text: string } {
  const budget = stem.doseBudgetEPerA2;
  const foundAt = (curve: { doseEPerA2: number; found: number }[], dose: number): number => curve.filter((p) => p.doseEPerA2 <= dose).at(-1)?.found ?? 0;
  const doseFor = (curve: { doseEPerA2: number; found: number }[], count: number): number => curve.find((p) => p.found >= count)?.doseEPerA2 ?? Infinity;
  const rows = (['hunt', 'raster', 'random'] as const).map((strategy) => {
    const shares = stem.runs.map((r) => foundAt(r[strategy], budget) / r.totalVacancies);
    const perDose = stem.runs.map((r) => (1e4 * foundAt(r[strategy], budget)) / Math.max(1, r[strategy].filter((p) => p.doseEPerA2 <= budget).at(-1)?.doseEPerA2 ?? 1));
    const dose25 = summarize(stem.runs.map((r) => doseFor(r[strategy], 0.25 * r.totalVacancies)));
    const label = strategy === 'hunt' ? 'planner (campaign, incl. overview)' : strategy === 'raster' ? 'uniform high-dose scan, raster order' : 'high-dose tiles, random order';
    return [label, percent(summarize(shares).median), summarize(perDose).median.toFixed(1), `${dose25.median.toFixed(0)} [${dose25.q25.toFixed(0)}, ${dose25.q75.toFixed(0)}]`];
  });
  return tables(['strategy', `vacancies found within ${budget} e/A^2 (share of all)`, 'found per 10^4 e/A^2', 'dose to find 25 % (e/A^2)'], rows);
}
