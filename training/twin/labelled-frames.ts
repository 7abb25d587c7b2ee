import { DEFAULT_WORLD, renderSpmFrame, renderStemFrame, type ImagedColumn, type Material, type Sample } from '@lab/simulations';
import { seededRandom } from '../../vision/src/testing/synthetic';

/**
 * Labelled frames from the digital twins: the image a microscope would return plus a per-pixel
 * class mask made from the twin's ground truth. Training and the benchmark both draw from here, so
 * a mask means the same thing in both; they differ only in their seeds.
 */

/** Class indices of STEM masks (ATOM_CLASSES order). */
export const STEM_CLASS = { background: 0, speciesA: 1, speciesB: 2, vacancy: 3 } as const;
/** Class indices of PFM masks (DOMAIN_CLASSES order). */
export const PFM_CLASS = { up: 0, down: 1, wall: 2 } as const;

/** Mask disks have this radius as a fraction of the lattice spacing (A-B columns sit 0.71 apart). */
export const DISK_RADIUS_PER_LATTICE = 0.2;

/** What a STEM frame shows and how it was taken. */
export interface StemConditions {
  pixels: number;
  pixelSizeNm: number;
  dwellUs: number;
  vacancyFraction: number;
  dopantFraction: number;
  grainSizeNm: number;
  structureSeed: number;
  centreXNm: number;
  centreYNm: number;
}

/** What a PFM phase frame shows and how it was taken. */
export interface PfmConditions {
  pixels: number;
  pixelSizeNm: number;
  ferroStrength: number;
  grainSizeNm: number;
  structureSeed: number;
  centreXNm: number;
  centreYNm: number;
  angleDeg: number;
}

export interface LabelledFrame {
  image: Float32Array;
  mask: Uint8Array;
  pixels: number;
  pixelSizeNm: number;
}

export interface LabelledPfmFrame extends LabelledFrame {
  /** Ground truth: 1 where the polarization points up (walls included, on their side). */
  up: Uint8Array;
}

export interface LabelledStemFrame extends LabelledFrame {
  /** Ground-truth columns in the frame (pixel centres on integers), vacant ones included. */
  atoms: ImagedColumn[];
  latticePx: number;
}

/** The noise seed of a frame: decorrelated from the seed its conditions were drawn with. */
export const noiseSeedOf = (seed: number): number => (Math.imul(seed, 0x9e3779b1) ^ 0x5bd1e995) >>> 0;

const logUniform = (random: () => number, lo: number, hi: number): number => Math.exp(Math.log(lo) + random() * (Math.log(hi) - Math.log(lo)));

/** A sample made to order: the twin renders from the material and structure seed alone. */
function sampleOf(material: Omit<Material, 'outcome'>, structureSeed: number): Sample {
  return {
    id: `train-${structureSeed}`,
    recipe: { fractions: { A: 1, B: 0, C: 0 }, annealTempC: 600, annealTimeMin: 60 },
    material: { outcome: 'ok', ...material },
    structureSeed,
    exposures: [],
    totalDoseEPerA2: 0,
  };
}

/** Random STEM conditions over the training range (or a fixed dwell and pixel size for the bench). */
export function drawStemConditions(seed: number, pixels: number, fixed: Partial<StemConditions> = {}): StemConditions {
  const random = seededRandom(seed);
  const pixelSizeNm = fixed.pixelSizeNm ?? 0.03 + 0.035 * random();
  const rangeNm = DEFAULT_WORLD.stem.scanRangeNm;
  return {
    pixels,
    pixelSizeNm,
    dwellUs: fixed.dwellUs ?? logUniform(random, 0.5, 60),
    vacancyFraction: fixed.vacancyFraction ?? 0.15 * random() ** 1.5,
    dopantFraction: fixed.dopantFraction ?? 0.5 * random(),
    grainSizeNm: fixed.grainSizeNm ?? logUniform(random, 15, 500),
    structureSeed: fixed.structureSeed ?? Math.floor(random() * 2 ** 31),
    centreXNm: fixed.centreXNm ?? 50 + random() * (rangeNm - 100),
    centreYNm: fixed.centreYNm ?? 50 + random() * (rangeNm - 100),
  };
}

/** Render a HAADF frame and its mask: a disk per column, class by sublattice, vacancies as their own class. */
export function renderLabelledStem(c: StemConditions, noiseSeed: number): LabelledStemFrame {
  const sample = sampleOf({ ferroStrength: 0.5, vacancyFraction: c.vacancyFraction, grainSizeNm: c.grainSizeNm, dopantFraction: c.dopantFraction }, c.structureSeed);
  const frame = { centreXNm: c.centreXNm, centreYNm: c.centreYNm, fovNm: c.pixels * c.pixelSizeNm, pixels: c.pixels, dwellUs: c.dwellUs, detector: 'haadf' as const, defocusNm: 0 };
  const { image, truth } = renderStemFrame(DEFAULT_WORLD, sample, frame, noiseSeed);
  const latticePx = DEFAULT_WORLD.stem.latticeNm / c.pixelSizeNm;
  const radius = Math.max(1, DISK_RADIUS_PER_LATTICE * latticePx);
  const mask = new Uint8Array(c.pixels * c.pixels);
  for (const atom of truth.atoms) {
    const label = atom.vacant ? STEM_CLASS.vacancy : atom.sublattice === 'host' ? STEM_CLASS.speciesA : STEM_CLASS.speciesB;
    paintDisk(mask, c.pixels, atom.col, atom.row, radius, label);
  }
  return { image, mask, pixels: c.pixels, pixelSizeNm: c.pixelSizeNm, atoms: truth.atoms, latticePx };
}

function paintDisk(mask: Uint8Array, n: number, cx: number, cy: number, radius: number, label: number): void {
  const r2 = radius * radius;
  for (let y = Math.max(0, Math.ceil(cy - radius)); y <= Math.min(n - 1, Math.floor(cy + radius)); y++) {
    for (let x = Math.max(0, Math.ceil(cx - radius)); x <= Math.min(n - 1, Math.floor(cx + radius)); x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r2) mask[y * n + x] = label;
    }
  }
}

/** Random PFM conditions: domains 8 to 80 px across, ferroelectric strength 0.005 to 1 (phase noise from 4 degrees to pure noise). */
export function drawPfmConditions(seed: number, pixels: number, fixed: Partial<PfmConditions> = {}): PfmConditions {
  const random = seededRandom(seed);
  const grainSizeNm = fixed.grainSizeNm ?? logUniform(random, 20, 1500);
  const domainNm = grainSizeNm * DEFAULT_WORLD.spm.domainLengthPerGrain;
  const rangeNm = DEFAULT_WORLD.spm.scanRangeNm;
  return {
    pixels,
    pixelSizeNm: fixed.pixelSizeNm ?? domainNm / logUniform(random, 8, 80),
    ferroStrength: fixed.ferroStrength ?? logUniform(random, 0.005, 1),
    grainSizeNm,
    structureSeed: fixed.structureSeed ?? Math.floor(random() * 2 ** 31),
    centreXNm: fixed.centreXNm ?? 1000 + random() * (rangeNm - 2000),
    centreYNm: fixed.centreYNm ?? 1000 + random() * (rangeNm - 2000),
    angleDeg: fixed.angleDeg ?? 0,
  };
}

/** Render a PFM phase frame (degrees) and its mask: up, down, and the twin's wall band on top. */
export function renderLabelledPfm(c: PfmConditions, noiseSeed: number): LabelledPfmFrame {
  const sample = sampleOf({ ferroStrength: c.ferroStrength, vacancyFraction: 0.01, grainSizeNm: c.grainSizeNm, dopantFraction: 0 }, c.structureSeed);
  const spec = { centreXNm: c.centreXNm, centreYNm: c.centreYNm, sizeNm: c.pixels * c.pixelSizeNm, pixels: c.pixels, angleDeg: c.angleDeg };
  const frame = renderSpmFrame(DEFAULT_WORLD, sample, spec, ['pfmPhase'], noiseSeed);
  const phase = frame.channels.pfmPhase;
  if (!phase) throw new Error('the twin rendered no phase channel');
  const mask = new Uint8Array(c.pixels * c.pixels);
  for (let i = 0; i < mask.length; i++) {
    mask[i] = frame.truth.wall[i] ? PFM_CLASS.wall : frame.truth.domainUp[i] ? PFM_CLASS.up : PFM_CLASS.down;
  }
  return { image: phase, mask, pixels: c.pixels, pixelSizeNm: frame.pixelSizeNm, up: frame.truth.domainUp };
}
