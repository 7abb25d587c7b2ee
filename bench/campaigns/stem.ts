import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCampaign } from '@lab/config';
import { columnsIn, type World } from '@lab/simulations';
import { packageRoot } from '../../apps/orchestrator/src/package-root';
import { runOrchestrated, type OrchestratedRun } from './orchestrated-run';

/**
 * The STEM defect hunt (config/campaigns/stem-defect-hunt.yaml) against a uniform high-dose scan
 * of the same 64 tiles in raster order, and against random order: true vacancies found in the
 * tiles imaged at high dose, against the dose spent (the hunt's includes its low-dose overview).
 */
export interface StemRun {
  seed: number;
  /** True vacant columns in all tiles of the overview. */
  totalVacancies: number;
  /** Cumulative dose (e/A^2) and true vacancies found after each high-dose image. */
  hunt: { doseEPerA2: number; found: number }[];
  raster: { doseEPerA2: number; found: number }[];
  random: { doseEPerA2: number; found: number }[];
  /** The model's vacancy count over the truth, in the tiles the hunt imaged (identification). */
  identifiedShare: number;
  wallS: number;
}

export interface StemBenchResult {
  seeds: number[];
  doseBudgetEPerA2: number;
  tileDoseEPerA2: number;
  runs: StemRun[];
}

const HUNT_FILE = 'config/campaigns/stem-defect-hunt.yaml';
const OVERVIEW = { centreNm: 1000, fovNm: 64, grid: 8 };

/** True vacant columns in the 8 nm tile centred at (x, y), as the twin holds them after the run. */
function trueVacancies(world: World, sampleId: string, xNm: number, yNm: number): number {
  const sample = world.sample(sampleId);
  if (!sample) throw new Error(`no sample ${sampleId} in the twin world`);
  const halfNm = OVERVIEW.fovNm / OVERVIEW.grid / 2;
  return columnsIn(world.params, sample, { x0Nm: xNm - halfNm, y0Nm: yNm - halfNm, x1Nm: xNm + halfNm, y1Nm: yNm + halfNm }).filter((c) => c.vacant).length;
}

function tileCentres(): { xNm: number; yNm: number }[] {
  const tileNm = OVERVIEW.fovNm / OVERVIEW.grid;
  const x0 = OVERVIEW.centreNm - OVERVIEW.fovNm / 2;
  return Array.from({ length: OVERVIEW.grid ** 2 }, (_, i) => ({ xNm: x0 + ((i % OVERVIEW.grid) + 0.5) * tileNm, yNm: x0 + (Math.floor(i / OVERVIEW.grid) + 0.5) * tileNm }));
}

function cumulative(counts: number[], startDose: number, tileDose: number): { doseEPerA2: number; found: number }[] {
  let found = 0;
  return counts.map((c, i) => ({ doseEPerA2: startDose + (i + 1) * tileDose, found: (found += c) }));
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

function scoreRun(run: OrchestratedRun, seed: number): Omit<StemRun, 'wallS'> {
  const overview = run.ledger.find((l) => l.action === 'scan' && l.params.fovNm === OVERVIEW.fovNm);
  const scans = run.ledger.filter((l) => l.action === 'scan' && l.params.fovNm !== OVERVIEW.fovNm);
  const overviewDose = Number(overview?.outputs?.doseEPerA2 ?? 0);
  const tileDose = Number(scans[0]?.outputs?.doseEPerA2 ?? 0);
  const sampleId = String(run.ledger.find((l) => l.action === 'synthesize')?.outputs?.sampleId ?? '');
  const truth = new Map(tileCentres().map((t) => [`${t.xNm},${t.yNm}`, trueVacancies(run.world, sampleId, t.xNm, t.yNm)]));
  const imaged = run.experiments.filter((e) => e.index >= 0 && e.status === 'succeeded');
  const huntCounts = imaged.map((e) => truth.get(`${Number(e.params.xNm)},${Number(e.params.yNm)}`) ?? 0);
  const modelCount = imaged.reduce((sum, e) => sum + (e.objectives?.vacancy_count ?? 0), 0);
  const all = [...truth.values()];
  return {
    seed,
    totalVacancies: all.reduce((a, b) => a + b, 0),
    hunt: cumulative(huntCounts, overviewDose, tileDose),
    raster: cumulative(all, 0, tileDose),
    random: cumulative(shuffled(all, seed), 0, tileDose),
    identifiedShare: modelCount / Math.max(1, huntCounts.reduce((a, b) => a + b, 0)),
  };
}

export async function runStemBench(opts: { seeds: number[]; log: (line: string) => void }): Promise<StemBenchResult> {
  const runs: StemRun[] = [];
  const { config } = parseCampaign(HUNT_FILE, readFileSync(join(packageRoot(), HUNT_FILE), 'utf8'));
  for (const seed of opts.seeds) {
    const run = await runOrchestrated({ file: HUNT_FILE, seed, timeScale: 0.00002 });
    const scored = { ...scoreRun(run, seed), wallS: run.wallMs / 1000 };
    runs.push(scored);
    const last = scored.hunt.at(-1);
    const rasterAtSameDose = scored.raster.filter((r) => r.doseEPerA2 <= (last?.doseEPerA2 ?? 0)).at(-1)?.found ?? 0;
    opts.log(`stem seed ${seed}: hunt found ${last?.found} of ${scored.totalVacancies} vacancies with ${last?.doseEPerA2.toFixed(0)} e/A^2; raster ${rasterAtSameDose} with no more dose; model/truth ${scored.identifiedShare.toFixed(3)}`);
  }
  return { seeds: opts.seeds, doseBudgetEPerA2: config.budget.doseEPerA2 ?? Infinity, tileDoseEPerA2: runs[0]?.raster[0]?.doseEPerA2 ?? 0, runs };
}
