import type { DataFrame } from '@lab/drivers';
import { percentile } from '@lab/vision';

/**
 * Pixels finer than this resolve atomic columns, and lattice fringes would count as boundaries;
 * grain size is read from overview frames only.
 */
const MIN_PIXEL_NM = 0.5;
/**
 * A boundary must be this many noise sd darker than the brightest pixel near it along the test
 * line (the local grain interior; the max of a noisy window itself sits ~1.5 sd high).
 */
const BOUNDARY_SIGMAS = 5.5;
/** Noise sd left after two passes of a 3-tap box blur in each direction: (19/81) per axis. */
const BLUR_NOISE_FACTOR = 19 / 81;
/** Half-width of the window giving the local interior level: wider than a boundary, narrower than a small grain. */
const INTERIOR_WINDOW_PX = 7;

/**
 * Mean linear intercept grain size (the line-intercept method of ASTM E112) of a low-magnification
 * frame where boundaries appear darker: total length of the row and column test lines over the
 * number of boundary crossings, in nm. A pixel is on a boundary when it is darker than the
 * local interior level along its test line by more than the noise allows; the noise level is
 * estimated from the frame itself (neighbouring pixels along the fast-scan axis), so the
 * threshold follows the dose, and the local level follows grains of any size above ~3 windows.
 * Grains larger than the frame read as the frame width: a lower bound.
 */
export function grainSizeNm(frames: DataFrame[]): number | undefined {
  const frame = frames.find((f) => f.header.kind === 'image' && (f.header.pixelSizeNm ?? 0) >= MIN_PIXEL_NM);
  if (!frame) return undefined;
  const [rows, cols] = frame.header.shape;
  if (rows < 16 || cols < 16) return undefined;
  const pixelNm = frame.header.pixelSizeNm as number;
  const smooth = boxBlur(boxBlur(Float32Array.from(frame.values), rows, cols), rows, cols);
  const marginAboveBoundary = BOUNDARY_SIGMAS * BLUR_NOISE_FACTOR * pixelNoiseSd(frame.values, rows, cols);
  let crossings = 0;
  for (let row = 0; row < rows; row++) crossings += lineCrossings(smooth, row * cols, 1, cols, marginAboveBoundary);
  for (let col = 0; col < cols; col++) crossings += lineCrossings(smooth, col, cols, rows, marginAboveBoundary);
  const lineLengthNm = 2 * rows * cols * pixelNm;
  return Math.min(lineLengthNm / Math.max(1, crossings), Math.max(rows, cols) * pixelNm);
}

/** Boundary crossings along one test line: runs of pixels darker than the local interior by more than the margin. */
function lineCrossings(image: Float32Array, start: number, stride: number, length: number, margin: number): number {
  let crossings = 0;
  let inBoundary = false;
  for (let i = 0; i < length; i++) {
    let interior = -Infinity;
    for (let j = Math.max(0, i - INTERIOR_WINDOW_PX); j <= Math.min(length - 1, i + INTERIOR_WINDOW_PX); j++) interior = Math.max(interior, image[start + j * stride]);
    const dark = image[start + i * stride] < interior - margin;
    if (dark && !inBoundary) crossings++;
    inBoundary = dark;
  }
  return crossings;
}

/** Noise sd of one pixel from the median absolute difference of horizontal neighbours (robust to edges). */
function pixelNoiseSd(values: ArrayLike<number>, rows: number, cols: number): number {
  const diffs = new Float32Array(rows * (cols - 1));
  let k = 0;
  for (let row = 0; row < rows; row++) {
    for (let col = 1; col < cols; col++) diffs[k++] = Math.abs(values[row * cols + col] - values[row * cols + col - 1]);
  }
  return (1.4826 * percentile(diffs, 0.5)) / Math.SQRT2;
}

/** 3x3 box blur, edges averaged over the pixels that exist. */
function boxBlur(image: Float32Array, rows: number, cols: number): Float32Array {
  const across = new Float32Array(image.length);
  const out = new Float32Array(image.length);
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const lo = Math.max(0, col - 1);
      const hi = Math.min(cols - 1, col + 1);
      let sum = 0;
      for (let c = lo; c <= hi; c++) sum += image[row * cols + c];
      across[row * cols + col] = sum / (hi - lo + 1);
    }
  }
  for (let row = 0; row < rows; row++) {
    const lo = Math.max(0, row - 1);
    const hi = Math.min(rows - 1, row + 1);
    for (let col = 0; col < cols; col++) {
      let sum = 0;
      for (let r = lo; r <= hi; r++) sum += across[r * cols + col];
      out[row * cols + col] = sum / (hi - lo + 1);
    }
  }
  return out;
}
