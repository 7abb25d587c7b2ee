import type { CampaignConfig } from '@lab/config';
import { type Candidate, createPlanner, type SteerablePlanner } from '@lab/planners';
import { plannerConfigOf } from '../../apps/orchestrator/src/campaigns/planner-config';
import type { PfmScene } from './pfm-scene';

/** The order in which a strategy measured the candidates, and the model it ended with (if any). */
export interface Run {
  /** Candidate indices in the order their loops were taken. */
  order: number[];
  /** Posterior mean over every candidate after each checkpoint (number of loops -> prediction). */
  predictions: Map<number, Float64Array>;
  wallMs: number;
}

/** How a planner-driven strategy sees the candidates. */
export type View = 'structure' | 'spatial';

/** Candidates with the campaign's features (structure) or with only their position (spatial-only GP). */
function candidatesFor(scene: PfmScene, view: View): Candidate[] {
  if (view === 'structure') return scene.candidates;
  return scene.candidates.map((c, i) => ({ point: c.point, features: [scene.locations[i].xNm, scene.locations[i].yNm] }));
}

/** Length of the tip's path through these locations, in nm. */
export function pathLengthNm(scene: PfmScene, order: readonly number[]): number {
  let total = 0;
  for (let k = 1; k < order.length; k++) {
    const a = scene.locations[order[k - 1]];
    const b = scene.locations[order[k]];
    total += Math.hypot(a.xNm - b.xNm, a.yNm - b.yNm);
  }
  return total;
}

function predictAll(planner: SteerablePlanner, scene: PfmScene): Float64Array | null {
  const p = planner.predict(scene.candidates.map((c) => c.point));
  return p ? Float64Array.from(p, (v) => v.mean) : null;
}

/**
 * Run the campaign's planner (kind and options as configured) over this scene for `loops`
 * loops, as the campaign runner would: ask one location, measure the loop there (the
 * measurement index counts the overview as 0), tell the result.
 */
export function runPlanner(scene: PfmScene, campaign: CampaignConfig, view: View, loops: number, seed: number, checkpoints: readonly number[]): Run {
  const started = Date.now();
  const config = plannerConfigOf(campaign, seed);
  const planner = createPlanner({ ...config, space: { ...config.space, candidates: candidatesFor(scene, view) } });
  const index = new Map(scene.candidates.map((c, i) => [JSON.stringify(c.point), i]));
  const order: number[] = [];
  const predictions = new Map<number, Float64Array>();
  for (let k = 0; k < loops; k++) {
    const [proposal] = planner.ask(1);
    const i = index.get(JSON.stringify(proposal.point));
    if (i === undefined) throw new Error(`planner proposed a point that is not a candidate: ${JSON.stringify(proposal.point)}`);
    order.push(i);
    planner.tell([{ id: `loop-${k}`, point: proposal.point, values: { [campaign.objectives[0].name]: scene.measure(i, k + 1) } }]);
    if (checkpoints.includes(k + 1)) {
      const prediction = predictAll(planner, scene);
      if (prediction) predictions.set(k + 1, prediction);
    }
  }
  return { order, predictions, wallMs: Date.now() - started };
}

/**
 * A fixed order (random, raster), with the campaign's own model fitted to what it measured at each
 * checkpoint, so mapping can compare the design alone. `model: null` skips the model.
 */
export function runFixedOrder(scene: PfmScene, order: number[], campaign: CampaignConfig | null, view: View, seed: number, checkpoints: readonly number[]): Run {
  const started = Date.now();
  const predictions = new Map<number, Float64Array>();
  if (campaign) {
    const config = plannerConfigOf(campaign, seed);
    const planner = createPlanner({ ...config, space: { ...config.space, candidates: candidatesFor(scene, view) } });
    const last = Math.max(0, ...checkpoints);
    for (let k = 0; k < Math.min(last, order.length); k++) {
      const i = order[k];
      planner.tell([{ id: `loop-${k}`, point: scene.candidates[i].point, values: { [campaign.objectives[0].name]: scene.measure(i, k + 1) } }]);
      if (checkpoints.includes(k + 1)) {
        const prediction = predictAll(planner, scene);
        if (prediction) predictions.set(k + 1, prediction);
      }
    }
  }
  return { order, predictions, wallMs: Date.now() - started };
}

/** Every candidate in a seeded random order (Fisher-Yates with a small xorshift generator). */
export function randomOrder(size: number, seed: number): number[] {
  const order = Array.from({ length: size }, (_, i) => i);
  let state = (seed * 2654435761) >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Row by row over a square grid (row-major candidates), every other row reversed so the tip never
 * jumps back across the image: what a person would do.
 */
export function rasterOrder(size: number): number[] {
  const side = Math.round(Math.sqrt(size));
  const order: number[] = [];
  for (let row = 0; row < side; row++) {
    for (let k = 0; k < side; k++) order.push(row * side + (row % 2 === 0 ? k : side - 1 - k));
  }
  return order;
}
