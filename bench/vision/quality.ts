import { analyzeFrame, boundaryLengthPx, classIou, type DetectionScore, detectionScore, DEFAULT_ANALYZE_OPTIONS, type FrameModel, grayImage, type LabelledPoint } from '../../vision/src';
import { DEFAULT_WORLD } from '@lab/simulations';
import { drawPfmConditions, drawStemConditions, noiseSeedOf, renderLabelledPfm, renderLabelledStem } from '../../training/twin/labelled-frames';

/** Seeds of benchmark frames: far from the training seeds (1000 + frame index, a few thousand frames). */
export const BENCH_FIRST_SEED = 900_000;

/** STEM dose levels, as dwell times at the benchmark's 0.039 nm pixels (dose = 1.23e3 e/A^2 per us). */
export const DOSE_LEVELS = [
  { name: 'low', dwellUs: 1 },
  { name: 'standard', dwellUs: 10 },
  { name: 'high', dwellUs: 50 },
] as const;

/** PFM signal levels: the sample's ferroelectric strength sets the phase noise. */
export const SIGNAL_LEVELS = [
  { name: 'weak', ferroStrength: 0.01 },
  { name: 'standard', ferroStrength: 0.1 },
  { name: 'strong', ferroStrength: 0.8 },
] as const;

export const BENCH_PIXEL_SIZE_NM = 0.039;

const ELEMENTARY_CHARGE_C = 1.602176634e-19;

/** Dose of a benchmark frame: beam electrons per pixel over the pixel area in square angstroms. */
export const doseEPerA2 = (dwellUs: number): number =>
  (DEFAULT_WORLD.stem.beamCurrentPa * 1e-12 * dwellUs * 1e-6) / ELEMENTARY_CHARGE_C / (BENCH_PIXEL_SIZE_NM * 10) ** 2;

/** The classical method gets the true spot size: the yardstick at its best. */
const STEM_OPTIONS = {
  ...DEFAULT_ANALYZE_OPTIONS,
  overlay: false,
  classical: { ...DEFAULT_ANALYZE_OPTIONS.classical, atoms: { ...DEFAULT_ANALYZE_OPTIONS.classical.atoms, spotSigmaPx: DEFAULT_WORLD.stem.probeSigmaNm / BENCH_PIXEL_SIZE_NM } },
};

/** Atom-detection quality of one method at one dose, summed over frames. */
export interface AtomQuality {
  dose: string;
  dwellUs: number;
  doseEPerA2: number;
  frames: number;
  /** Visible columns (species A or B), matched within a quarter lattice spacing. */
  atoms: DetectionScore;
  /** Of matched atoms, the share with the right species. */
  speciesAccuracy: number;
  /** Vacant columns, matched within a quarter lattice spacing (undefined for the classical method). */
  vacancies?: DetectionScore;
  /** Mean absolute error of the per-frame vacancy fraction (undefined for the classical method). */
  vacancyFractionMae?: number;
}

/** Sums of detection counts over frames, turned into one score. */
function pooled(scores: DetectionScore[]): DetectionScore {
  const tp = scores.reduce((s, x) => s + x.truePositives, 0);
  const predicted = scores.reduce((s, x) => s + x.predicted, 0);
  const actual = scores.reduce((s, x) => s + x.actual, 0);
  const precision = predicted ? tp / predicted : 1;
  const recall = actual ? tp / actual : 1;
  return { truePositives: tp, predicted, actual, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

const inside = (p: { x: number; y: number }, n: number, border: number): boolean => p.x >= border && p.y >= border && p.x <= n - 1 - border && p.y <= n - 1 - border;

/**
 * Detect atoms on fresh twin frames at one dose with a model (or the classical method when
 * `model` is undefined) and score them against the twin's ground truth. Points within the match
 * radius of the frame edge are left out on both sides, since a column cut by the edge cannot be
 * placed to a quarter spacing by anyone.
 */
export async function atomQuality(model: FrameModel | undefined, dose: { name: string; dwellUs: number }, frames: number, pixels = 256): Promise<AtomQuality> {
  const atomScores: DetectionScore[] = [];
  const vacancyScores: DetectionScore[] = [];
  let speciesRight = 0;
  let speciesMatched = 0;
  let vacancyError = 0;
  for (let f = 0; f < frames; f++) {
    const seed = BENCH_FIRST_SEED + f;
    const conditions = drawStemConditions(seed, pixels, { pixelSizeNm: BENCH_PIXEL_SIZE_NM, dwellUs: dose.dwellUs });
    const frame = renderLabelledStem(conditions, noiseSeedOf(seed));
    const radius = frame.latticePx / 4;
    const image = grayImage(pixels, pixels, frame.image, frame.pixelSizeNm);
    const { analysis } = await analyzeFrame(image, 'atoms', model, STEM_OPTIONS);
    const truthAtoms: LabelledPoint[] = [];
    const truthVacancies: LabelledPoint[] = [];
    for (const a of frame.atoms) {
      const point = { x: a.col, y: a.row, label: a.sublattice === 'host' ? 'species_a' : 'species_b' };
      if (!inside(point, pixels, radius)) continue;
      (a.vacant ? truthVacancies : truthAtoms).push(point);
    }
    const found = analysis.atoms.filter((a) => inside(a, pixels, radius)).map((a) => ({ x: a.x, y: a.y, label: a.className }));
    const atomScore = detectionScore(found.filter((a) => a.label !== 'vacancy'), truthAtoms, radius);
    atomScores.push(atomScore);
    speciesRight += atomScore.labelAccuracy * atomScore.truePositives;
    speciesMatched += atomScore.truePositives;
    vacancyScores.push(detectionScore(found.filter((a) => a.label === 'vacancy'), truthVacancies, radius));
    const trueFraction = truthVacancies.length / Math.max(1, truthVacancies.length + truthAtoms.length);
    vacancyError += Math.abs((analysis.features.vacancy_fraction ?? 0) - trueFraction);
  }
  return {
    dose: dose.name,
    dwellUs: dose.dwellUs,
    doseEPerA2: Math.round(doseEPerA2(dose.dwellUs)),
    frames,
    atoms: pooled(atomScores),
    speciesAccuracy: speciesMatched ? speciesRight / speciesMatched : 1,
    ...(model ? { vacancies: pooled(vacancyScores), vacancyFractionMae: vacancyError / frames } : {}),
  };
}

/** Domain segmentation quality of one method at one signal level. */
export interface DomainQuality {
  signal: string;
  ferroStrength: number;
  frames: number;
  /** Pixel IoU per class, pooled over frames: domain_up, domain_down, wall. */
  iou: { domain_up: number; domain_down: number; wall: number };
  /** Mean absolute error of domain_up_fraction. */
  upFractionMae: number;
  /** Mean relative error of the wall length. */
  wallLengthRelError: number;
}

/** Segment fresh PFM phase frames at one signal level and score them against the twin's truth. */
export async function domainQuality(model: FrameModel | undefined, level: { name: string; ferroStrength: number }, frames: number, pixels = 256): Promise<DomainQuality> {
  const iouSums = [0, 0, 0];
  let upError = 0;
  let wallError = 0;
  for (let f = 0; f < frames; f++) {
    const seed = BENCH_FIRST_SEED + f;
    const frame = renderLabelledPfm(drawPfmConditions(seed, pixels, { ferroStrength: level.ferroStrength }), noiseSeedOf(seed));
    const image = grayImage(pixels, pixels, frame.image, frame.pixelSizeNm);
    const { analysis } = await analyzeFrame(image, 'domains', model, { ...DEFAULT_ANALYZE_OPTIONS, overlay: false });
    const iou = classIou(analysis.labels, frame.mask, 3);
    iou.forEach((v, k) => (iouSums[k] += v));
    const trueUp = frame.up.reduce((s, v) => s + v, 0) / frame.up.length;
    upError += Math.abs(analysis.features.domain_up_fraction - trueUp);
    const trueWall = boundaryLengthPx(frame.up, pixels, pixels);
    wallError += trueWall > 0 ? Math.abs(analysis.features.wall_length_px - trueWall) / trueWall : 0;
  }
  return {
    signal: level.name,
    ferroStrength: level.ferroStrength,
    frames,
    iou: { domain_up: iouSums[0] / frames, domain_down: iouSums[1] / frames, wall: iouSums[2] / frames },
    upFractionMae: upError / frames,
    wallLengthRelError: wallError / frames,
  };
}
