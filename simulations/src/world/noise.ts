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
}

/** Voronoi grains with one seed point per unit cell; writes into `out` to stay allocation-free in render loops. */
export function grainAt(seed: number, x: number, y: number, out: GrainHit): GrainHit {
  const cx = Math.floor(x);
  const cy = Math.floor(y);
  let best = Infinity;
  let second = Infinity;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const gx = cx + dx;
      const gy = cy + dy;
      const px = gx + hash01(seed, gx, gy, 1);
      const py = gy + hash01(seed, gx, gy, 2);
      const d = Math.hypot(px - x, py - y);
      if (d < best) {
        second = best;
        best = d;
        out.cellX = gx;
        out.cellY = gy;
      } else if (d < second) {
        second = d;
      }
    }
  }
  out.nearest = best;
  out.secondNearest = second;
  return out;
}

export const newGrainHit = (): GrainHit => ({ cellX: 0, cellY: 0, nearest: 0, secondNearest: 0 });
