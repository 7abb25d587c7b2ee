import type { DataFrame } from '@lab/drivers';

/**
 * Pixels finer than this resolve atomic columns, and lattice fringes would count as boundaries;
 * grain size is read from overview frames only.
 */
const MIN_PIXEL_NM = 0.5;
/** A boundary must be this many noise sd darker than the grain interiors (after smoothing). */
const BOUNDARY_SIGMAS = 4;
/** Noise sd left after two passes of a 3-tap box blur in each direction: (19/81) per axis. */
const BLUR_NOISE_FACTOR = 19 / 81;
/** Grain interiors: most pixels of a polycrystal are inside a grain, so this percentile is one. */
const INTERIOR_PERCENTILE = 0.75;

/**
 * Mean linear intercept grain size (the line-intercept method of ASTM E112) of a low-magnification
 * frame where boundaries appear darker: total length of the row and column test lines over the
 * number of boundary crossings, in nm. The noise level is estimated from the frame itself
 * (neighbouring pixels along the fast-scan axis), so the threshold follows the dose.
 * With 1 nm pixels, boundaries closer than ~30 nm merge and smaller grains read high. Grains
 * larger than the frame read as the frame width: a lower bound.
 */
export function grainSizeNm(frames: DataFrame[]): number | undefined {
  const frame = frames.find((f) => f.header.kind === 'image' && (f.header.pixelSizeNm ?? 0) >= MIN_PIXEL_NM);
  if (!frame) return undefined;
  const [rows, cols] = frame.header.shape;
  if (rows < 16 || cols < 16) return undefined;
  const pixelNm = frame.header.pixelSizeNm as number;
  const smooth = boxBlur(boxBlur(Float32Array.from(frame.values), rows, cols), rows, cols);
  const threshold = percentile(smooth, INTERIOR_PERCENTILE) - BOUNDARY_SIGMAS * BLUR_NOISE_FACTOR * pixelNoiseSd(frame.values, rows, cols);
  const dark = (row: number, col: number): boolean => smooth[row * cols + col] < threshold;
  let crossings = 0;
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) if (dark(row, col) && (col === 0 || !dark(row, col - 1))) crossings++;
  }
  for (let col = 0; col < cols; col++) {
    for (let row = 0; row < rows; row++) if (dark(row, col) && (row === 0 || !dark(row - 1, col))) crossings++;
  }
  const lineLengthNm = 2 * rows * cols * pixelNm;
  return Math.min(lineLengthNm / Math.max(1, crossings), Math.max(rows, cols) * pixelNm);
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

function percentile(values: Float32Array, p: number): number {
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
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
