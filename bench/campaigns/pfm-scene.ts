import type { CampaignConfig } from '@lab/config';
import type { DataFrame } from '@lab/drivers';
import type { Candidate } from '@lab/planners';
import { DEFAULT_READ_BIAS_V, parseWorldParams, renderSpmFrame, SPM_CHANNEL_UNITS, type SpmChannel, World, type WorldParams } from '@lab/simulations';
import { candidatesFromImages } from '../../apps/orchestrator/src/campaigns/candidates';
import { loopArea } from '../../apps/orchestrator/src/campaigns/features';
import { hysteresisLoop, PfmSurface } from '../../simulations/src/world/pfm';
import { hashOf, Rng } from '../../simulations/src/world/random';
import type { Recipe } from '../../simulations/src/world/params';
import type { Sample } from '../../simulations/src/world/world';

/** The loop the campaign's workflow step asks for (`hysteresisLoop` params without the location). */
export interface LoopSettings {
  vMaxV: number;
  cycles: number;
  points: number;
}

/**
 * One film as a PFM campaign sees it: the overview frames the twin would send, the candidate
 * locations `candidatesFromImages` makes of them, the hidden property at each location, and a
 * loop measurement that behaves like the twin's (noise, drift with the measurement count).
 */
export interface PfmScene {
  twinSeed: number;
  world: WorldParams;
  sample: Sample;
  frames: DataFrame[];
  candidates: Candidate[];
  /** Candidate locations in nm (the campaign's x/y parameters). */
  locations: Array<{ xNm: number; yNm: number }>;
  /** Noise-free, drift-free loop area (V x pm) at each candidate: what the planner tries to learn. */
  truthLoopArea: Float64Array;
  /** The loop area a campaign would measure at candidate i as its `measurementIndex`-th AFM measurement. */
  measure(i: number, measurementIndex: number): number;
  loop: LoopSettings;
}

const asNumber = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

function stepParams(campaign: CampaignConfig, id: string, where: 'setup' | 'workflow'): Record<string, unknown> {
  const step = campaign[where].find((s) => s.id === id);
  if (!step) throw new Error(`campaign ${campaign.name} has no ${where} step '${id}'`);
  return (step.params ?? {}) as Record<string, unknown>;
}

/** The recipe of the campaign's `synthesize` setup step (the bench makes the same film). */
function recipeOf(campaign: CampaignConfig): Recipe {
  const make = campaign.setup.find((s) => s.action === 'synthesize');
  if (!make) throw new Error(`campaign ${campaign.name} makes no sample in its setup`);
  return (make.params as { recipe: Recipe }).recipe;
}

/** The loop settings of the workflow step the objective reads (templated xNm/yNm are left out). */
function loopSettingsOf(campaign: CampaignConfig): { stepId: string; loop: LoopSettings } {
  const stepId = campaign.objectives[0].from.step;
  const p = stepParams(campaign, stepId, 'workflow');
  return { stepId, loop: { vMaxV: asNumber(p.vMaxV, 8), cycles: asNumber(p.cycles, 1), points: asNumber(p.points, 64) } };
}

/** A world with the loop's noise and drift switched off: the truth the bench scores against. */
function noiseFree(world: WorldParams): WorldParams {
  return { ...world, spm: { ...world.spm, loop: { ...world.spm.loop, noisePm: 0, driftPmPerMeasurement: 0, driftNmPerMeasurement: 0 } } };
}

function spectrumFrame(series: Float32Array[]): DataFrame {
  const n = series[0].length;
  const values = new Float32Array(2 * n);
  values.set(series[0], 0);
  values.set(series[1], n);
  return { header: { v: 1, cmdId: 'bench', dataId: 'loop', kind: 'spectrum', dtype: 'float32', shape: [2, n], rows: ['biasV', 'piezoresponsePm'] }, values };
}

/**
 * Build the scene for one twin seed: synthesize the campaign's recipe in a world with these
 * parameters (`simulation.world` of a lab file), render the overview scan exactly as the SPM twin
 * does (`renderSpmFrame` with the campaign's scan parameters), and cut it into candidates with the
 * campaign's own `candidates` section.
 */
export function buildPfmScene(campaign: CampaignConfig, worldOverrides: unknown, twinSeed: number): PfmScene {
  const spec = campaign.candidates;
  if (!spec) throw new Error(`campaign ${campaign.name} has no candidates section`);
  const world = parseWorldParams(worldOverrides ?? {});
  const twinWorld = new World(world, twinSeed);
  const sample = twinWorld.synthesize(`bench-${twinSeed}`, recipeOf(campaign), 'afm');

  const scan = stepParams(campaign, spec.from.step, 'setup');
  const channels = (Array.isArray(scan.channels) ? scan.channels : ['height', 'pfmAmplitude', 'pfmPhase']) as SpmChannel[];
  const pixels = asNumber(scan.pixels, 128);
  const rangeNm = world.spm.scanRangeNm;
  const frameSpec = {
    centreXNm: asNumber(scan.xNm, rangeNm / 2),
    centreYNm: asNumber(scan.yNm, rangeNm / 2),
    sizeNm: asNumber(scan.sizeNm, 5000),
    pixels,
    angleDeg: asNumber(scan.angleDeg, 0),
    readBiasV: asNumber(scan.readBiasV, DEFAULT_READ_BIAS_V),
  };
  // The overview is the first AFM measurement of the sample (index 0), as in the campaign.
  const scanSeed = hashOf('measure', twinSeed, 'afm', sample.structureSeed, 'scan', 'overview', 0);
  const rendered = renderSpmFrame(world, sample, frameSpec, channels, scanSeed);
  const frames: DataFrame[] = channels.map((channel) => ({
    header: {
      v: 1,
      cmdId: 'bench',
      dataId: channel,
      kind: 'image',
      dtype: 'float32',
      shape: [pixels, pixels],
      channel,
      units: SPM_CHANNEL_UNITS[channel],
      pixelSizeNm: rendered.pixelSizeNm,
      originNm: rendered.originNm,
    },
    values: rendered.channels[channel] as Float32Array,
  }));
  const candidates = candidatesFromImages(frames, spec);
  const { x, y } = spec.parameters;
  const locations = candidates.map((c) => ({ xNm: Number(c.point[x]), yNm: Number(c.point[y]) }));

  const { loop } = loopSettingsOf(campaign);
  const truthSurface = new PfmSurface(noiseFree(world), sample);
  const truthLoopArea = Float64Array.from(locations, (at) => {
    const series = hysteresisLoop(truthSurface, { ...at, ...loop, measurementIndex: 0, tipSensitivity: 1 }, new Rng(1));
    return loopArea([spectrumFrame(series)]) ?? 0;
  });

  const surface = new PfmSurface(world, sample);
  const measure = (i: number, measurementIndex: number): number => {
    const at = locations[i];
    const seed = hashOf('measure', twinSeed, 'afm', sample.structureSeed, 'hysteresisLoop', { ...at, ...loop }, measurementIndex);
    const series = hysteresisLoop(surface, { ...at, ...loop, measurementIndex, tipSensitivity: 1 }, new Rng(seed));
    return loopArea([spectrumFrame(series)]) ?? 0;
  };
  return { twinSeed, world, sample, frames, candidates, locations, truthLoopArea, measure, loop };
}
