import type { GrayImage } from '../image/gray-image';
import type { Atom } from '../postprocess/atoms';
import { gaussianBlur, negativeLoG } from './gaussian';
import { otsuThreshold } from './otsu';

/** Settings of the Laplacian-of-Gaussian atom finder. */
export interface LogAtomOptions {
  /** Standard deviation of an atom's spot in pixels: the LoG scale. */
  spotSigmaPx: number;
  /** Of two peaks closer than this, only the stronger is kept. */
  minSeparationPx: number;
  /** Peak threshold in units of the LoG response's noise sd. */
  thresholdSd: number;
  /**
   * Pixel values are detector counts (Poisson): the noise of the LoG response at a pixel then
   * follows from the local mean count (variance = sum of squared kernel weights x mean), so the
   * threshold adapts to dose and brightness without an estimate. Otherwise a single noise sd is
   * estimated robustly from neighbour differences.
   */
  counts: boolean;
}

/** Floor of the local mean in the noise model (a mean of 0 would make any single count a peak). */
const MIN_MEAN_COUNTS = 0.05;

/**
 * Defaults tuned on twin frames (seeds 5000-5005, not used for training or the benchmark) for the
 * best F1 across dwell times of 1 to 50 us: a low threshold, because non-maximum suppression within
 * minSeparationPx already removes most noise peaks between columns. On featureless noise it finds
 * many false peaks; raise thresholdSd (3 to 4) for images that may hold no atoms.
 */
export const DEFAULT_LOG_OPTIONS: LogAtomOptions = { spotSigmaPx: 1.5, minSeparationPx: 3, thresholdSd: 1, counts: true };

/**
 * Classical atom finder: peaks of the scale-normalized LoG above a noise threshold, non-maximum
 * suppressed within minSeparationPx, placed to sub-pixel by a parabola through the smoothed image,
 * and split into species A (bright) and B (dim) by Otsu's threshold on log peak intensity. It
 * cannot see vacancies (an empty column has no peak): that is what the model adds.
 */
export function detectAtomsLoG(image: GrayImage, options: LogAtomOptions = DEFAULT_LOG_OPTIONS): Atom[] {
  const { width, height } = image;
  const response = negativeLoG(image.data, width, height, options.spotSigmaPx);
  const gain = logNoiseGain(options.spotSigmaPx);
  const smooth = gaussianBlur(image.data, width, height, Math.max(0.7, options.spotSigmaPx));
  // Poisson: the response's variance at a pixel is sum(kernel^2) x the local mean count; a wider
  // blur gives that mean without the peak itself inflating it much.
  const localMean = options.counts ? gaussianBlur(image.data, width, height, 2 * options.spotSigmaPx) : undefined;
  const flatThreshold = options.thresholdSd * gain * (options.counts ? 0 : robustNoiseSd(image.data, width, height));
  const thresholdAt = (i: number): number => (localMean ? options.thresholdSd * gain * Math.sqrt(Math.max(localMean[i], MIN_MEAN_COUNTS)) : flatThreshold);
  const radius = Math.max(1, Math.floor(options.minSeparationPx));
  const peaks: Array<{ x: number; y: number; i: number }> = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const v = response[i];
      if (v <= thresholdAt(i) || !isLocalMax(response, width, height, x, y, radius)) continue;
      peaks.push({ x, y, i });
    }
  }
  const logIntensity = peaks.map((p) => Math.log(Math.max(1e-6, smooth[p.i])));
  const cut = otsuThreshold(logIntensity);
  return peaks.map((p, n) => {
    const bright = logIntensity[n] > cut;
    return {
      x: p.x + parabolaOffset(smooth, p.i, 1, p.x, width),
      y: p.y + parabolaOffset(smooth, p.i, width, p.y, height),
      classIndex: bright ? 1 : 2,
      className: bright ? 'species_a' : 'species_b',
      areaPx: 1,
      confidence: 1,
    };
  });
}

/** Sd of the LoG response to unit white noise: the filter's L2 norm, measured on an impulse. */
function logNoiseGain(sigmaPx: number): number {
  const size = 2 * Math.ceil(4 * sigmaPx) + 9;
  const impulse = new Float32Array(size * size);
  impulse[Math.floor(size / 2) * size + Math.floor(size / 2)] = 1;
  const kernel = negativeLoG(impulse, size, size, sigmaPx);
  let sumSq = 0;
  for (const v of kernel) sumSq += v * v;
  return Math.sqrt(sumSq);
}

/** Noise sd from the median absolute difference of horizontal neighbours (robust to sparse structure). */
function robustNoiseSd(values: Float32Array, width: number, height: number): number {
  const diffs: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x + 1 < width; x++) diffs.push(Math.abs(values[y * width + x + 1] - values[y * width + x]));
  }
  diffs.sort((a, b) => a - b);
  const mad = diffs.length ? diffs[Math.floor(diffs.length / 2)] : 0;
  // For Gaussian noise the difference has sd sqrt(2) sd and median |d| = 0.6745 sd(d).
  return mad / 0.6745 / Math.SQRT2 || 1;
}

function isLocalMax(values: Float32Array, width: number, height: number, x: number, y: number, radius: number): boolean {
  const v = values[y * width + x];
  for (let dy = -radius; dy <= radius; dy++) {
    const ny = y + dy;
    if (ny < 0 || ny >= height) continue;
    for (let dx = -radius; dx <= radius; dx++) {
      const nx = x + dx;
      if (nx < 0 || nx >= width || dx * dx + dy * dy > radius * radius || (dx === 0 && dy === 0)) continue;
      const w = values[ny * width + nx];
      // Ties go to the earlier pixel in scan order, so a flat top yields exactly one peak.
      if (w > v || (w === v && (dy < 0 || (dy === 0 && dx < 0)))) return false;
    }
  }
  return true;
}

/** Vertex offset of the parabola through three samples along one axis (0 at an edge). */
function parabolaOffset(values: Float32Array, i: number, step: number, coordinate: number, length: number): number {
  if (coordinate <= 0 || coordinate >= length - 1) return 0;
  const a = values[i - step];
  const b = values[i];
  const c = values[i + step];
  const denominator = a - 2 * b + c;
  if (denominator >= 0) return 0;
  return Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / denominator));
}
