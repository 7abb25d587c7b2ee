import type { CampaignConfig } from '@lab/config';
import { type Summary, summarize } from '../planners/stats';
import { loopsToFind, rSquared, shareFound, topIndices } from './pfm-metrics';
import { buildPfmScene } from './pfm-scene';
import { runPlanner } from './pfm-strategies';

/**
 * How the PFM campaigns hold up when the c-AFM current is noisier than the twin's default
 * (`spm.iv.noisePa` 0.3 pA; a real map also has contact and topography artefacts): the shipped
 * features against the same campaigns with the current at the pixel (`current_pa`) instead of
 * its patch mean.
 */
export interface NoiseRow {
  set: string;
  noisePa: number;
  features: string;
  loopsToHalfTop1: Summary;
  foundAt3pct: Summary;
  /** Mapping campaign: R^2 of the predicted loop area over all locations after its budget. */
  r2AtBudget: Summary;
}

export const NOISE_LEVELS_PA = [1.5, 3];

/** The campaign with the patch-mean current replaced by the current at the pixel. */
function withPixelCurrent(campaign: CampaignConfig): CampaignConfig {
  const candidates = campaign.candidates;
  if (!candidates) throw new Error(`campaign ${campaign.name} has no candidates`);
  return { ...campaign, candidates: { ...candidates, features: candidates.features.map((f) => (f === 'current_mean' ? 'current_pa' : f)) } };
}

export function runNoiseSensitivity(
  discovery: CampaignConfig,
  mapping: CampaignConfig,
  sets: Array<{ name: string; world: Record<string, unknown>; seeds: number[] }>,
  budget: { discovery: number; mapping: number; at3pct: number },
  log: (line: string) => void,
): NoiseRow[] {
  const rows: NoiseRow[] = [];
  for (const set of sets) {
    for (const noisePa of NOISE_LEVELS_PA) {
      const spm = (set.world.spm ?? {}) as Record<string, unknown>;
      const world = { ...set.world, spm: { ...spm, iv: { ...((spm.iv ?? {}) as object), noisePa } } };
      for (const [features, d, m] of [
        [discovery.candidates?.features.join(', ') ?? '', discovery, mapping],
        ['current at the pixel (current_pa)', withPixelCurrent(discovery), withPixelCurrent(mapping)],
      ] as const) {
        const perSeed = set.seeds.map((seed) => {
          const scene = buildPfmScene(d, world, seed);
          const order = runPlanner(scene, d, 'structure', budget.discovery, seed, []).order;
          const top = topIndices(scene.truthLoopArea, 0.01);
          const mapScene = buildPfmScene(m, world, seed);
          const predicted = runPlanner(mapScene, m, 'structure', budget.mapping, seed, [budget.mapping]).predictions.get(budget.mapping);
          return { loops: loopsToFind(order, top, 0.5), at3: shareFound(order, top, budget.at3pct), r2: predicted ? rSquared(mapScene.truthLoopArea, predicted) : Number.NaN };
        });
        const row: NoiseRow = { set: set.name, noisePa, features, loopsToHalfTop1: summarize(perSeed.map((s) => s.loops)), foundAt3pct: summarize(perSeed.map((s) => s.at3)), r2AtBudget: summarize(perSeed.map((s) => s.r2)) };
        rows.push(row);
        log(`noise | ${set.name} | ${noisePa} pA | ${features} | loops to half of top-1%: ${row.loopsToHalfTop1.median} | R^2: ${row.r2AtBudget.median.toFixed(2)}`);
      }
    }
  }
  return rows;
}
