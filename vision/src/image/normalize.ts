import { meanStd, percentile } from './gray-image';

/**
 * How raw pixel values become model input. Statistics are taken over the whole frame, never per
 * tile, so every tile of a frame sees the same mapping and seams cannot differ in brightness.
 */
export type Normalization =
  /** (x - frame mean) / frame sd: dose-independent, for counting detectors (STEM). */
  | { kind: 'zscore' }
  /** (x - mean) / std with fixed constants, for channels with absolute meaning (PFM phase in degrees). */
  | { kind: 'fixed'; mean: number; std: number }
  /** Frame percentiles `low`..`high` (fractions) map to 0..1. */
  | { kind: 'percentile'; low: number; high: number };

/** The affine map (x - offset) * scale that a normalization gives for these pixels. */
export function normalizationMap(values: ArrayLike<number>, spec: Normalization): { offset: number; scale: number } {
  switch (spec.kind) {
    case 'zscore': {
      const { mean, std } = meanStd(values);
      return { offset: mean, scale: std > 0 ? 1 / std : 1 };
    }
    case 'fixed':
      return { offset: spec.mean, scale: 1 / spec.std };
    case 'percentile': {
      const lo = percentile(values, spec.low);
      const hi = percentile(values, spec.high);
      return { offset: lo, scale: hi > lo ? 1 / (hi - lo) : 1 };
    }
  }
}

/** Normalized copy of the pixels as float32. */
export function normalize(values: ArrayLike<number>, spec: Normalization): Float32Array {
  const { offset, scale } = normalizationMap(values, spec);
  const out = new Float32Array(values.length);
  for (let i = 0; i < out.length; i++) out[i] = (values[i] - offset) * scale;
  return out;
}
