/**
 * A single-channel image in row-major order. Values keep the instrument's units (counts, degrees,
 * pm); normalization for a model is a separate, recorded step.
 */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
  /** Physical size of one pixel, when the source says so (DataFrame header, TIFF resolution). */
  readonly pixelSizeNm?: number;
}

/** A typed domain error for images that are not what a function needs. */
export class ImageShapeError extends Error {
  override readonly name = 'ImageShapeError';
}

/** Wrap row-major values as an image, checking that the length matches the shape. */
export function grayImage(width: number, height: number, values: ArrayLike<number>, pixelSizeNm?: number): GrayImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageShapeError(`image shape ${width}x${height} is not a positive integer size`);
  }
  if (values.length !== width * height) {
    throw new ImageShapeError(`image of ${width}x${height} needs ${width * height} values, got ${values.length}`);
  }
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  return { width, height, data, ...(pixelSizeNm === undefined ? {} : { pixelSizeNm }) };
}

/** Mean and standard deviation of all pixels (float64 accumulation). */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    sumSq += values[i] * values[i];
  }
  const n = Math.max(1, values.length);
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) };
}

/** The value below which `fraction` of the pixels lie (nearest rank on a sorted copy). */
export function percentile(values: ArrayLike<number>, fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float32Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.round(fraction * (sorted.length - 1))));
  return sorted[rank];
}
