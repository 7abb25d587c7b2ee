import { grainAt, newGrainHit } from './noise';
import type { WorldParams } from './params';
import { hashOf, Rng } from './random';
import { type AtomColumn, columnsIn, doseAtEPerA2, overlaps, vacancyProbability, type Window } from './stem-lattice';
import type { Sample } from './world';

const ELEMENTARY_CHARGE_C = 1.602176634e-19;
const A2_PER_NM2 = 100;

/** One STEM acquisition: frame centre in sample coordinates (nm). */
export interface StemFrameSpec {
  centreXNm: number;
  centreYNm: number;
  fovNm: number;
  pixels: number;
  dwellUs: number;
  detector: 'haadf' | 'bf';
  defocusNm: number;
}

/** A column as it appears in the image: its truth plus where its centre lands (pixel units, distortion included). */
export interface ImagedColumn extends AtomColumn {
  col: number;
  row: number;
}

export interface StemTruth {
  /** Every column in the field of view, vacant ones included; empty when atoms are not resolved. */
  atoms: ImagedColumn[];
  /** False when pixels are too coarse to resolve columns: the image then shows grains, not atoms. */
  resolved: boolean;
  pixelSizeNm: number;
  /** Physical position of pixel (0, 0)'s top-left corner. */
  originNm: { xNm: number; yNm: number };
}

/** Electrons per pixel (or per dwell) for a beam current and a dwell time. */
export const electronsFor = (world: WorldParams, dwellS: number): number =>
  (world.stem.beamCurrentPa * 1e-12 * dwellS) / ELEMENTARY_CHARGE_C;

/** Dose (e/A^2) a frame delivers to its field of view. */
export const frameDoseEPerA2 = (world: WorldParams, frame: Pick<StemFrameSpec, 'fovNm' | 'pixels' | 'dwellUs'>): number =>
  electronsFor(world, frame.dwellUs * 1e-6) / ((frame.fovNm / frame.pixels) ** 2 * A2_PER_NM2);

export const frameWindow = (frame: Pick<StemFrameSpec, 'centreXNm' | 'centreYNm' | 'fovNm'>): Window => ({
  x0Nm: frame.centreXNm - frame.fovNm / 2,
  y0Nm: frame.centreYNm - frame.fovNm / 2,
  x1Nm: frame.centreXNm + frame.fovNm / 2,
  y1Nm: frame.centreYNm + frame.fovNm / 2,
});

/**
 * Render a HAADF or BF image of a sample with its ground truth. Column intensity rises as
 * Z^zExponent, counts are Poisson for the dose the dwell gives, scan lines jitter and shear a little.
 * Pure: it does not record the dose (the twin does), and the same inputs give the same bytes.
 */
export function renderStemFrame(world: WorldParams, sample: Sample, frame: StemFrameSpec, seed: number): { image: Float32Array; truth: StemTruth } {
  const stem = world.stem;
  const n = frame.pixels;
  const pixelNm = frame.fovNm / n;
  const window = frameWindow(frame);
  const rng = new Rng(seed);
  const intensity = new Float64Array(n * n).fill(stem.haadfBackground);
  const zMax = Math.max(stem.hostSpecies.z, stem.bSiteSpecies.z, stem.dopantSpecies.z);
  const weightOf = (z: number): number => (z / zMax) ** stem.zExponent;
  // Line jitter plus a shear that grows down the frame, in pixels, per scan line.
  const lineShiftPx = Float64Array.from({ length: n }, (_, row) => (stem.lineJitterNm * rng.normal() + stem.shearPerNm * row * pixelNm) / pixelNm);

  const resolved = pixelNm <= stem.latticeNm / 2;
  const atoms: ImagedColumn[] = [];
  if (resolved) {
    const sigmaNm = Math.hypot(stem.probeSigmaNm, frame.defocusNm * stem.defocusBlurPerNm);
    const sigmaPx = sigmaNm / pixelNm;
    const reach = Math.ceil(3 * sigmaPx);
    const inverseTwoSigma2 = 1 / (2 * sigmaPx * sigmaPx);
    const gx = new Float64Array(2 * reach + 1);
    const gy = new Float64Array(2 * reach + 1);
    const margin = 3 * sigmaNm;
    const columns = columnsIn(world, sample, { x0Nm: window.x0Nm - margin, y0Nm: window.y0Nm - margin, x1Nm: window.x1Nm + margin, y1Nm: window.y1Nm + margin });
    for (const column of columns) {
      // Pixel coordinates with pixel centres on integers.
      const colF = (column.xNm - window.x0Nm) / pixelNm - 0.5;
      const rowF = (column.yNm - window.y0Nm) / pixelNm - 0.5;
      if (colF >= -0.5 && colF < n - 0.5 && rowF >= -0.5 && rowF < n - 0.5) {
        // An explicit literal: object spread is ~20x slower here and dominated the render time.
        const { xNm, yNm, species, z, sublattice, vacant, grain } = column;
        atoms.push({ xNm, yNm, species, z, sublattice, vacant, grain, col: colF + lineShiftPx[Math.round(rowF)], row: rowF });
      }
      if (column.vacant) continue;
      // The Gaussian spot is separable: two short 1-D profiles instead of one exp per pixel.
      const col0 = Math.round(colF) - reach;
      const row0 = Math.round(rowF) - reach;
      const weight = weightOf(column.z);
      for (let k = 0; k <= 2 * reach; k++) {
        const dx = col0 + k - colF;
        const dy = row0 + k - rowF;
        gx[k] = Math.exp(-dx * dx * inverseTwoSigma2);
        gy[k] = weight * Math.exp(-dy * dy * inverseTwoSigma2);
      }
      for (let r = Math.max(0, -row0); r <= 2 * reach && row0 + r < n; r++) {
        const base = (row0 + r) * n + col0;
        for (let c = Math.max(0, -col0); c <= 2 * reach && col0 + c < n; c++) intensity[base + c] += gy[r] * gx[c];
      }
    }
    shiftRows(intensity, n, lineShiftPx);
  } else {
    // Columns are sub-pixel: each pixel shows the mean column intensity of its grain, darker where
    // the dose has knocked atoms out and in the grooves of grain boundaries.
    const grainSeed = hashOf('grains', sample.structureSeed);
    const grainNm = sample.material.grainSizeNm;
    const m = sample.material;
    const hostWeight = (1 - m.dopantFraction) * weightOf(stem.hostSpecies.z) + m.dopantFraction * weightOf(stem.dopantSpecies.z);
    const meanWeight = ((hostWeight + weightOf(stem.bSiteSpecies.z)) * 2 * Math.PI * stem.probeSigmaNm ** 2) / stem.latticeNm ** 2;
    const exposures = sample.exposures.filter((e) => overlaps(e, window));
    const hit = newGrainHit();
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) {
        const x = window.x0Nm + (col + 0.5 - lineShiftPx[row]) * pixelNm;
        const y = window.y0Nm + (row + 0.5) * pixelNm;
        grainAt(grainSeed, x / grainNm, y / grainNm, hit);
        const boundaryNm = ((hit.secondNearest - hit.nearest) * grainNm) / 2;
        const filled = 1 - vacancyProbability(world, sample, doseAtEPerA2(exposures, x, y), x, y);
        intensity[row * n + col] += meanWeight * filled * (1 - stem.boundaryContrast * Math.exp(-boundaryNm / stem.boundaryWidthNm));
      }
    }
  }

  const electrons = electronsFor(world, frame.dwellUs * 1e-6);
  const image = new Float32Array(n * n);
  for (let i = 0; i < image.length; i++) {
    const mean = frame.detector === 'haadf'
      ? electrons * stem.haadfCollection * intensity[i]
      : electrons * Math.max(0, 1 - stem.bfContrast * Math.min(1, intensity[i]));
    image[i] = rng.poisson(mean);
  }
  return { image, truth: { atoms, resolved, pixelSizeNm: pixelNm, originNm: { xNm: window.x0Nm, yNm: window.y0Nm } } };
}

/** Shift each scan line right by its (fractional) pixel offset, linearly interpolated, edges clamped. */
function shiftRows(image: Float64Array, n: number, shiftPx: Float64Array): void {
  const line = new Float64Array(n);
  for (let row = 0; row < n; row++) {
    line.set(image.subarray(row * n, (row + 1) * n));
    for (let col = 0; col < n; col++) {
      const from = Math.min(n - 1, Math.max(0, col - shiftPx[row]));
      const left = Math.floor(from);
      const right = Math.min(n - 1, left + 1);
      image[row * n + col] = line[left] + (line[right] - line[left]) * (from - left);
    }
  }
}
