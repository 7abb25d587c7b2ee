import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CampaignConfig, parseCampaign } from '@lab/config';
import { type AtomColumn, columnsIn, type Sample, type World } from '@lab/simulations';
import { candidatesFromAtoms } from '../../apps/orchestrator/src/campaigns/atom-candidates';
import { packageRoot } from '../../apps/orchestrator/src/package-root';
import { columnsInNm, cumulativeIdentification, type Identification, type IdentifiedPoint, identifyVacancies, MATCH_TOLERANCE_LATTICE, pointAt, rankCorrelation } from './stem-identify';
import { type ReadImage, runStemCampaign, type StemCampaignRun } from './stem-run';

/**
 * The STEM defect hunt (config/campaigns/stem-defect-hunt.yaml) scored on what the model
 * identified: the vacancies it reported in each tile it imaged, matched to the twin's truly vacant
 * columns there, against the dose spent (the hunt's includes its low-dose overview). Beside it every
 * tile of the overview imaged and read by the same model: a uniform high-dose scan (4 us, 1,917
 * e/A^2 a tile) in raster and in random order; and with the hunt's own tile scan in raster order
 * (the same dose per tile, without the choosing), greedily by the overview's vacancy estimate (what
 * a planner that trusted the overview would do), and in the order of the true counts (the best any
 * order of these tiles can do).
 */
export const STEM_STRATEGIES = ['hunt', 'raster', 'random', 'rasterAtTileDose', 'greedy', 'oracle'] as const;
export type StemStrategy = (typeof STEM_STRATEGIES)[number];

export interface StemRun {
  seed: number;
  /** True vacant columns in all tiles of the overview, before any exposure. */
  totalVacancies: number;
  overviewDoseEPerA2: number;
  tileDoseEPerA2: number;
  /** Spearman correlation of the overview's per-tile vacancy estimate with the true count. */
  overviewRankCorrelation: number;
  /** Per strategy, what it had identified with its last image within the dose budget, and how many images that took. */
  atBudget: Record<StemStrategy, IdentifiedPoint & { images: number }>;
  /** Per strategy, vacancies correctly identified within each dose of the bench's doseGridEPerA2 (for the plots). */
  identifiedAt: Record<StemStrategy, number[]>;
  /** Vacancies the model reported over the true ones, in the tiles the hunt imaged. */
  modelOverTruth: number;
  tilesImaged: number;
  wallS: number;
}

export interface StemBenchResult {
  world: string;
  seeds: number[];
  doseBudgetEPerA2: number;
  /** The uniform high-dose scan's dose per tile. */
  highDoseEPerA2: number;
  /** Doses at which identifiedAt is given: 0 to twice the budget (the baselines go on past it). */
  doseGridEPerA2: number[];
  matchToleranceNm: number;
  runs: StemRun[];
}

const HUNT_FILE = 'config/campaigns/stem-defect-hunt.yaml';
/** The uniform high-dose scan the hunt is compared with: its tiles at 4 us, as the hunt imaged them before it was tuned. */
const HIGH_DOSE_DWELL_US = 4;

/** The overview's candidate tiles, as the campaign cuts them. */
function tileCentres(config: CampaignConfig): { xNm: number; yNm: number }[] {
  const overview = config.setup.find((s) => s.id === config.candidates?.from.step);
  const grid = config.candidates?.grid ?? 0;
  const fovNm = Number(overview?.params.fovNm);
  const tileNm = fovNm / grid;
  const x0 = Number(overview?.params.xNm) - fovNm / 2;
  const y0 = Number(overview?.params.yNm) - fovNm / 2;
  return Array.from({ length: grid * grid }, (_, i) => ({ xNm: x0 + ((i % grid) + 0.5) * tileNm, yNm: y0 + (Math.floor(i / grid) + 0.5) * tileNm }));
}

/** The twin's columns in an image's field, with the exposures the sample had when it was taken. */
function truthOf(world: World, sample: Sample, image: ReadImage): AtomColumn[] {
  const pixelNm = image.header.pixelSizeNm ?? 1;
  const sideNm = image.header.shape[0] * pixelNm;
  const origin = image.header.originNm ?? { xNm: 0, yNm: 0 };
  const then: Sample = { ...sample, exposures: sample.exposures.slice(0, image.exposuresBefore) };
  return columnsIn(world.params, then, { x0Nm: origin.xNm, y0Nm: origin.yNm, x1Nm: origin.xNm + sideNm, y1Nm: origin.yNm + sideNm });
}

function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0;
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = Math.floor((state / 2 ** 32) * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

type Scored = Omit<StemRun, 'wallS' | 'atBudget' | 'identifiedAt'> & { curves: Record<StemStrategy, IdentifiedPoint[]> };

function scoreRun(run: StemCampaignRun, config: CampaignConfig, seed: number): Scored {
  const toleranceNm = MATCH_TOLERANCE_LATTICE * run.world.params.stem.latticeNm;
  const identify = (image: ReadImage): Identification => identifyVacancies(columnsInNm(image.atoms, image.header), truthOf(run.world, run.sample, image), toleranceNm);
  const hunt = run.tiles.map((image) => ({ doseEPerA2: image.doseEPerA2, identified: identify(image) }));
  // The model is deterministic: reading the stored frames again must give the campaign's own counts.
  const objectives = run.experiments.filter((e) => e.index >= 0 && e.status === 'succeeded').map((e) => e.objectives?.vacancy_count);
  const reread = hunt.map((h) => h.identified.reported).sort((a, b) => a - b);
  if (JSON.stringify(reread) !== JSON.stringify(objectives.sort((a, b) => (a ?? 0) - (b ?? 0)))) throw new Error(`seed ${seed}: the re-read tiles do not match the campaign's vacancy counts`);

  const every = run.everyTile.map((image) => ({ doseEPerA2: image.doseEPerA2, identified: identify(image) }));
  const highDose = run.everyTileReference.map((image) => ({ doseEPerA2: image.doseEPerA2, identified: identify(image) }));
  const spec = config.candidates;
  if (!spec) throw new Error(`${HUNT_FILE} has no candidates`);
  const estimates = candidatesFromAtoms({ header: run.overview.header, values: new Float32Array(0) }, run.overview.atoms, { ...spec, features: ['vacancy_estimate'] }).map((c) => c.features?.[0] ?? 0);
  const truth = every.map((e) => e.identified.trueVacancies);
  const order = (key: (i: number) => number): typeof every => every.map((e, i) => ({ e, k: key(i) })).sort((a, b) => b.k - a.k).map(({ e }) => e);
  const overviewDose = run.overview.doseEPerA2;
  const huntTrue = hunt.reduce((s, h) => s + h.identified.trueVacancies, 0);
  return {
    seed,
    totalVacancies: truth.reduce((a, b) => a + b, 0),
    tileDoseEPerA2: run.tiles[0]?.doseEPerA2 ?? 0,
    overviewDoseEPerA2: overviewDose,
    overviewRankCorrelation: rankCorrelation(estimates, truth),
    curves: {
      hunt: cumulativeIdentification(hunt, overviewDose),
      raster: cumulativeIdentification(highDose, 0),
      random: cumulativeIdentification(shuffled(highDose, seed), 0),
      rasterAtTileDose: cumulativeIdentification(every, 0),
      greedy: cumulativeIdentification(order((i) => estimates[i]), overviewDose),
      oracle: cumulativeIdentification(order((i) => truth[i]), 0),
    },
    modelOverTruth: hunt.reduce((s, h) => s + h.identified.reported, 0) / Math.max(1, huntTrue),
    tilesImaged: hunt.length,
  };
}

/** `edit` changes the campaign text before it runs (to compare variants of the campaign while tuning it). */
export async function runStemBench(opts: { seeds: number[]; world?: Record<string, unknown>; worldName: string; edit?: (text: string) => string; log: (line: string) => void }): Promise<StemBenchResult> {
  const runs: StemRun[] = [];
  const { config } = parseCampaign(HUNT_FILE, (opts.edit ?? ((t: string) => t))(readFileSync(join(packageRoot(), HUNT_FILE), 'utf8')));
  const budget = config.budget.doseEPerA2 ?? Infinity;
  const doseGrid = Array.from({ length: 41 }, (_, k) => (k / 40) * 2 * budget);
  let highDoseEPerA2 = 0;
  let matchToleranceNm = 0;
  for (const seed of opts.seeds) {
    const run = await runStemCampaign({ file: HUNT_FILE, seed, world: opts.world, edit: opts.edit, timeScale: 0.00002, tileCentres: tileCentres(config), referenceDwellUs: HIGH_DOSE_DWELL_US });
    const { curves, ...rest } = scoreRun(run, config, seed);
    const within = (strategy: StemStrategy, dose: number) => ({ ...pointAt(curves[strategy], dose), images: curves[strategy].filter((p) => p.doseEPerA2 <= dose).length });
    const scored: StemRun = {
      ...rest,
      atBudget: Object.fromEntries(STEM_STRATEGIES.map((k) => [k, within(k, budget)])) as StemRun['atBudget'],
      identifiedAt: Object.fromEntries(STEM_STRATEGIES.map((k) => [k, doseGrid.map((d) => pointAt(curves[k], d).truePositives)])) as StemRun['identifiedAt'],
      wallS: run.wallMs / 1000,
    };
    runs.push(scored);
    highDoseEPerA2 = run.everyTileReference[0]?.doseEPerA2 ?? 0;
    matchToleranceNm = MATCH_TOLERANCE_LATTICE * run.world.params.stem.latticeNm;
    const { hunt, raster } = scored.atBudget;
    opts.log(
      `stem ${opts.worldName} seed ${seed}: within ${budget} e/A^2 the hunt identified ${hunt.truePositives} of ${scored.totalVacancies} vacancies (${hunt.reported} reported, ${hunt.images} tiles, ${hunt.doseEPerA2.toFixed(0)} e/A^2); ` +
        `the uniform high-dose scan ${raster.truePositives} (${raster.reported} reported, ${raster.images} tiles); overview rank correlation ${scored.overviewRankCorrelation.toFixed(2)}`,
    );
  }
  return { world: opts.worldName, seeds: opts.seeds, doseBudgetEPerA2: budget, highDoseEPerA2, doseGridEPerA2: doseGrid, matchToleranceNm, runs };
}
