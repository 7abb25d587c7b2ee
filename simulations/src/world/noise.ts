import { hash01 } from './random';

/**
 * Smooth random fields on an unbounded plane, evaluated point by point so any window of a sample
 * can be rendered without storing the sample. Coordinates are in units of the field's feature size.
 */

const fade = (t: number): number => t * t * t * (t * (t * 6 - 15) + 10);

/** Value noise in [-1, 1], smooth (C2) between integer lattice points. */
export function valueNoise(seed: number, x: number, y: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const u = fade(x - ix);
  const v = fade(y - iy);
  const a = hash01(seed, ix, iy);
  const b = hash01(seed, ix + 1, iy);
  const c = hash01(seed, ix, iy + 1);
  const d = hash01(seed, ix + 1, iy + 1);
  const top = a + (b - a) * u;
  const bottom = c + (d - c) * u;
  return 2 * (top + (bottom - top) * v) - 1;
}

/** Fractal sum of value noise (octaves halve in amplitude, double in frequency), roughly in [-1, 1]. */
export function fbm(seed: number, x: number, y: number, octaves = 3): number {
  let sum = 0;
  let amplitude = 1;
  let norm = 0;
  let frequency = 1;
  for (let k = 0; k < octaves; k++) {
    sum += amplitude * valueNoise(seed + k * 7919, x * frequency, y * frequency);
    norm += amplitude;
    amplitude *= 0.5;
    frequency *= 2;
  }
  return sum / norm;
}

/** Which grain a point belongs to (Voronoi cell of jittered grid points) and how far it is from the boundary. */
export interface GrainHit {
  /** Grid cell of the grain's seed point: with the sample seed, it identifies the grain. */
  cellX: number;
  cellY: number;
  /** Distance to the nearest and second-nearest seed points, in feature-size units. */
  nearest: number;
  secondNearest: number;
  /** Seed points of the 3x3 cells around the last cell looked up: neighbouring pixels reuse them. */
  cache: { seed: number; cx: number; cy: number; px: Float64Array; py: Float64Array };
}

/** Voronoi grains with one seed point per unit cell; writes into `out` to stay allocation-free in render loops. */
export function grainAt(seed: number, x: number, y: number, out: GrainHit): GrainHit {
  const cx = Math.floor(x);
  const cy = Math.floor(y);
  const cache = out.cache;
  if (cache.seed !== seed || cache.cx !== cx || cache.cy !== cy) {
    for (let k = 0; k < 9; k++) {
      const gx = cx + (k % 3) - 1;
      const gy = cy + Math.floor(k / 3) - 1;
      cache.px[k] = gx + hash01(seed, gx, gy, 1);
      cache.py[k] = gy + hash01(seed, gx, gy, 2);
    }
    cache.seed = seed;
    cache.cx = cx;
    cache.cy = cy;
  }
  let best = Infinity;
  let second = Infinity;
  for (let k = 0; k < 9; k++) {
    const dx = cache.px[k] - x;
    const dy = cache.py[k] - y;
    const d = dx * dx + dy * dy; // squared: Math.hypot is slow in render loops
    if (d < best) {
      second = best;
      best = d;
      out.cellX = cx + (k % 3) - 1;
      out.cellY = cy + Math.floor(k / 3) - 1;
    } else if (d < second) {
      second = d;
    }
  }
  out.nearest = Math.sqrt(best);
  out.secondNearest = Math.sqrt(second);
  return out;
}

export const newGrainHit = (): GrainHit => ({
  cellX: 0,
  cellY: 0,
  nearest: 0,
  secondNearest: 0,
  cache: { seed: NaN, cx: NaN, cy: NaN, px: new Float64Array(9), py: new Float64Array(9) },
});
