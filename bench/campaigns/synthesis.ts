import { hypervolume } from '@lab/planners';
import { type Material, type Recipe, synthesizeMaterial, type WorldParams } from '@lab/simulations';
import { runOrchestrated } from './orchestrated-run';

/**
 * Synthesis closed through the microscope (config/campaigns/synthesis-bo.yaml): how much of the
 * hidden Pareto front between few vacancies and large grains a strategy reaches, scored on the
 * twins' truth of each film it made (not on the noisy measurements it saw).
 */
export interface SynthesisRun {
  strategy: string;
  seed: number;
  /** Hypervolume of the films made so far over the hidden optimum's, after each experiment. */
  hvShare: number[];
  /** Lowest true vacancy fraction among the films made so far, after each experiment. */
  bestVacancy: number[];
  failed: number;
  wallS: number;
}

export interface SynthesisBenchResult {
  experiments: number;
  seeds: number[];
  world: string;
  hiddenOptimum: { hypervolume: number; minVacancyFraction: number; recipesSampled: number };
  runs: SynthesisRun[];
}

export const SYNTHESIS_STRATEGIES: Record<string, (text: string) => string> = {
  'ehvi (campaign)': (t) => t,
  sobol: (t) => t.replace('kind: ehvi', 'kind: sobol').replace(/options: \{[^}]*\}/, 'options: {}'),
  random: (t) => t.replace('kind: ehvi', 'kind: random').replace(/options: \{[^}]*\}/, 'options: {}'),
};

/** Both objectives as maximization in [0, 1]: 1 - vacancies / their cap, log grain size over its range. */
function scoreOf(world: WorldParams, m: Material): [number, number] {
  const g = world.synthesis.grain;
  return [1 - m.vacancyFraction / world.synthesis.vacancy.maxFraction, Math.log(m.grainSizeNm / g.minNm) / Math.log(g.maxNm / g.minNm)];
}

/** The hidden front: the best a strategy could reach, from a dense sample of the recipe space. */
export function hiddenOptimum(world: WorldParams, samples: number, seed: number): SynthesisBenchResult['hiddenOptimum'] {
  let state = seed >>> 0;
  const uniform = (): number => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const scores: [number, number][] = [];
  let minVacancyFraction = Infinity;
  for (let i = 0; i < samples; i++) {
    // Uniform on the simplex: sorted uniforms cut [0, 1] into three pieces.
    const [u, v] = [uniform(), uniform()].sort((a, b) => a - b);
    const recipe: Recipe = { fractions: { A: u, B: v - u, C: 1 - v }, annealTempC: 300 + 700 * uniform(), annealTimeMin: 5 * (240 / 5) ** uniform() };
    const material = synthesizeMaterial(world, recipe, i);
    if (material.outcome !== 'ok') continue;
    scores.push(scoreOf(world, material));
    minVacancyFraction = Math.min(minVacancyFraction, material.vacancyFraction);
  }
  return { hypervolume: hypervolume(scores, [0, 0]), minVacancyFraction, recipesSampled: samples };
}

export async function runSynthesisBench(opts: { seeds: number[]; experiments: number; world?: Record<string, unknown>; worldName: string; log: (line: string) => void }): Promise<SynthesisBenchResult> {
  const runs: SynthesisRun[] = [];
  let optimum: SynthesisBenchResult['hiddenOptimum'] | undefined;
  for (const seed of opts.seeds) {
    for (const [strategy, edit] of Object.entries(SYNTHESIS_STRATEGIES)) {
      const run = await runOrchestrated({
        file: 'config/campaigns/synthesis-bo.yaml',
        edit: (t) => edit(t.replace(/experiments: \d+/, `experiments: ${opts.experiments}`)),
        seed,
        world: opts.world,
        timeScale: 0.000002,
      });
      const world = run.world.params;
      optimum ??= hiddenOptimum(world, 20_000, 7);
      const scores: [number, number][] = [];
      const hvShare: number[] = [];
      const bestVacancy: number[] = [];
      let best = Infinity;
      let failed = 0;
      for (const e of run.experiments.filter((x) => x.index >= 0 && x.status !== 'rejected')) {
        const material = run.world.sample(e.sampleId)?.material;
        if (material?.outcome === 'ok') {
          scores.push(scoreOf(world, material));
          best = Math.min(best, material.vacancyFraction);
        } else failed += 1;
        hvShare.push(hypervolume(scores, [0, 0]) / optimum.hypervolume);
        bestVacancy.push(best);
      }
      runs.push({ strategy, seed, hvShare, bestVacancy, failed, wallS: run.wallMs / 1000 });
      opts.log(`synthesis ${opts.worldName} seed ${seed} ${strategy}: hypervolume ${(100 * (hvShare.at(-1) ?? 0)).toFixed(1)} % of the hidden optimum after ${hvShare.length}, ${failed} failed, ${(run.wallMs / 1000).toFixed(1)} s`);
    }
  }
  return { experiments: opts.experiments, seeds: opts.seeds, world: opts.worldName, hiddenOptimum: optimum as SynthesisBenchResult['hiddenOptimum'], runs };
}
