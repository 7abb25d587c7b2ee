import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DataFrame, decodeDataFrame } from '@lab/drivers';
import { type LedgerEntry, renderStemFrame, type Sample, type World } from '@lab/simulations';
import type { Atom } from '@lab/vision';
import type { Orchestrator } from '../../apps/orchestrator/src/bootstrap';
import { type ExperimentEntity, MeasurementEntity } from '../../apps/orchestrator/src/persistence/entities';
import { type RunSpec, withOrchestratedRun } from './orchestrated-run';

/** One STEM image as the model read it. */
export interface ReadImage {
  xNm: number;
  yNm: number;
  /** The acquisition's own dose (e/A^2). */
  doseEPerA2: number;
  /** How many exposures the sample had before this image: the truth it showed is the lattice then. */
  exposuresBefore: number;
  header: DataFrame['header'];
  atoms: Atom[];
}

export interface StemCampaignRun {
  world: World;
  sample: Sample;
  experiments: ExperimentEntity[];
  overview: ReadImage;
  /** The campaign's tile images in the order the microscope took them. */
  tiles: ReadImage[];
  /** The campaign's tile scan at every tile of the overview, on the sample before any exposure. */
  everyTile: ReadImage[];
  /** The same tiles with the reference dwell (the uniform high-dose scan); everyTile when they agree. */
  everyTileReference: ReadImage[];
  wallMs: number;
}

export interface StemRunSpec extends RunSpec {
  /** Centres of the tiles the baselines image (the overview's grid). */
  tileCentres: { xNm: number; yNm: number }[];
  /** Dwell of the uniform high-dose scan the campaign is compared with (same field and pixels as its tiles). */
  referenceDwellUs: number;
}

/**
 * The STEM campaign end to end through the orchestrator (as runOrchestrated does), then, before the
 * lab closes, every image it stored segmented again with the atom list kept (the measurement rows
 * keep only counts). The model is deterministic, so these are the atoms the campaign's counts came
 * from. The baselines' tiles are rendered by the twin's own renderer with the campaign's tile scan
 * on the untouched sample and read by the same pipeline.
 */
export async function runStemCampaign(spec: StemRunSpec): Promise<StemCampaignRun> {
  return withOrchestratedRun(spec, async ({ summary, experiments, ledger, wallMs }, orchestrator, sim) => {
    const measurements = await orchestrator.runtime.db.getRepository(MeasurementEntity).findBy({ campaignId: summary.campaignId });
    const scans = ledger.filter((l) => l.action === 'scan' && l.status === 'succeeded');
    const sampleId = String(ledger.find((l) => l.action === 'synthesize')?.outputs?.sampleId ?? '');
    const sample = sim.world.sample(sampleId);
    if (!sample) throw new Error(`no sample ${sampleId} in the twin world`);
    const images: ReadImage[] = [];
    for (const [k, scan] of scans.entries()) {
      const stored = measurements.find((m) => m.cmdId === scan.cmdId)?.files.find((f) => f.kind === 'image' && f.channel === 'haadf');
      if (!stored) throw new Error(`scan ${scan.cmdId} has no stored HAADF frame`);
      const frame = decodeDataFrame(readFileSync(join(orchestrator.runtime.blobs.root, stored.path)));
      images.push(await read(orchestrator, frame, scan, k));
    }
    const [overview, ...tiles] = images;
    // The baselines scan as the campaign's tiles did (the first tile scan after the overview).
    const tileScan = scans[1] ?? scans[0];
    const everyTile = await readEveryTile(orchestrator, sim.world, sample, tileScan, spec);
    const tileDwellUs = Number(tileScan.params.dwellUs);
    // The twin's dose is proportional to the dwell for a given field and pixel count.
    const reference = { ...tileScan, params: { ...tileScan.params, dwellUs: spec.referenceDwellUs }, outputs: { doseEPerA2: (Number(tileScan.outputs?.doseEPerA2) * spec.referenceDwellUs) / tileDwellUs } };
    const everyTileReference = spec.referenceDwellUs === tileDwellUs ? everyTile : await readEveryTile(orchestrator, sim.world, sample, reference, spec);
    return { world: sim.world, sample, experiments, overview, tiles, everyTile, everyTileReference, wallMs };
  });
}

async function read(orchestrator: Orchestrator, frame: DataFrame, scan: LedgerEntry, exposuresBefore: number): Promise<ReadImage> {
  const { atoms } = await orchestrator.runtime.vision().features(frame, { atoms: true, overlay: false });
  return { xNm: Number(scan.params.xNm), yNm: Number(scan.params.yNm), doseEPerA2: Number(scan.outputs?.doseEPerA2 ?? 0), exposuresBefore, header: frame.header, atoms: atoms ?? [] };
}

/** The campaign's tile scan rendered at every tile centre of a copy of the sample with no exposures. */
async function readEveryTile(orchestrator: Orchestrator, world: World, sample: Sample, scan: LedgerEntry, spec: StemRunSpec): Promise<ReadImage[]> {
  const untouched: Sample = { ...sample, exposures: [], totalDoseEPerA2: 0 };
  const fovNm = Number(scan.params.fovNm);
  const pixels = Number(scan.params.pixels);
  const dwellUs = Number(scan.params.dwellUs);
  const doseEPerA2 = Number(scan.outputs?.doseEPerA2 ?? 0);
  const out: ReadImage[] = [];
  for (const [i, { xNm, yNm }] of spec.tileCentres.entries()) {
    const shot = { centreXNm: xNm, centreYNm: yNm, fovNm, pixels, dwellUs, detector: 'haadf' as const, defocusNm: world.params.stem.optics.defocusNm ?? 0 };
    // Its own noise draw per seed and tile; the physics is the campaign's.
    const { image, truth } = renderStemFrame(world.params, untouched, shot, (Math.imul(spec.seed, 2654435761) ^ Math.imul(i + 1, 40503) ^ Math.round(dwellUs * 1000)) >>> 0);
    const header: DataFrame['header'] = { v: 1, cmdId: `baseline-${i}`, dataId: `baseline-${spec.seed}-${i}`, kind: 'image', dtype: 'float32', shape: [pixels, pixels], channel: 'haadf', units: 'counts', pixelSizeNm: truth.pixelSizeNm, originNm: truth.originNm };
    const { atoms } = await orchestrator.runtime.vision().features({ header, values: image }, { atoms: true, overlay: false });
    out.push({ xNm, yNm, doseEPerA2, exposuresBefore: 0, header, atoms: atoms ?? [] });
  }
  return out;
}
