import { grainAt, newGrainHit } from './noise';
import type { WorldParams } from './params';
import { hashOf, Rng } from './random';
import { type AtomColumn, columnsIn, doseAtEPerA2, vacancyProbability, type Window } from './stem-lattice';
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
    const twoSigma2 = 2 * sigmaPx * sigmaPx;
    const margin = 3 * sigmaNm;
    const columns = columnsIn(world, sample, { x0Nm: window.x0Nm - margin, y0Nm: window.y0Nm - margin, x1Nm: window.x1Nm + margin, y1Nm: window.y1Nm + margin });
    for (const column of columns) {
      const rowF = (column.yNm - window.y0Nm) / pixelNm - 0.5;
      const rowIndex = Math.round(rowF);
      const colF = (column.xNm - window.x0Nm) / pixelNm - 0.5 + lineShiftPx[Math.min(n - 1, Math.max(0, rowIndex))];
      const inside = colF >= -0.5 && colF < n - 0.5 && rowF >= -0.5 && rowF < n - 0.5;
      if (inside) atoms.push({ ...column, col: colF, row: rowF });
      if (column.vacant) continue;
      const weight = weightOf(column.z);
      for (let row = Math.max(0, rowIndex - reach); row <= Math.min(n - 1, rowIndex + reach); row++) {
        const dy = row - rowF;
        const centre = colF + lineShiftPx[row] - lineShiftPx[Math.min(n - 1, Math.max(0, rowIndex))];
        for (let col = Math.max(0, Math.ceil(centre - reach)); col <= Math.min(n - 1, Math.floor(centre + reach)); col++) {
          const dx = col - centre;
          intensity[row * n + col] += weight * Math.exp(-(dx * dx + dy * dy) / twoSigma2);
        }
      }
    }
  } else {
    // Columns are sub-pixel: each pixel shows the mean column intensity of its grain, darker where
    // the dose has knocked atoms out and in the grooves of grain boundaries.
    const grainSeed = hashOf('grains', sample.structureSeed);
    const grainNm = sample.material.grainSizeNm;
    const m = sample.material;
    const hostWeight = (1 - m.dopantFraction) * weightOf(stem.hostSpecies.z) + m.dopantFraction * weightOf(stem.dopantSpecies.z);
    const meanWeight = ((hostWeight + weightOf(stem.bSiteSpecies.z)) * 2 * Math.PI * stem.probeSigmaNm ** 2) / stem.latticeNm ** 2;
    const exposures = sample.exposures;
    const hit = newGrainHit();
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) {
        const x = window.x0Nm + (col + 0.5 - lineShiftPx[row]) * pixelNm;
        const y = window.y0Nm + (row + 0.5) * pixelNm;
        grainAt(grainSeed, x / grainNm, y / grainNm, hit);
        const boundaryNm = ((hit.secondNearest - hit.nearest) * grainNm) / 2;
        const filled = 1 - vacancyProbability(world, sample, doseAtEPerA2(exposures, x, y));
        intensity[row * n + col] += meanWeight * filled * (1 - 0.3 * Math.exp(-boundaryNm / stem.latticeNm));
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
