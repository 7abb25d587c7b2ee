import { mixSeed, Rng } from './rng';

/**
 * Joe & Kuo (2008) primitive polynomials and initial direction numbers, file new-joe-kuo-6.21201,
 * dimensions 2..64 as [degree s, coefficients a, m_1..m_s]. Dimension 1 is van der Corput.
 */
const JOE_KUO: ReadonlyArray<readonly [number, number, readonly number[]]> = [
  [1, 0, [1]], [2, 1, [1, 3]], [3, 1, [1, 3, 1]], [3, 2, [1, 1, 1]], [4, 1, [1, 1, 3, 3]],
  [4, 4, [1, 3, 5, 13]], [5, 2, [1, 1, 5, 5, 17]], [5, 4, [1, 1, 5, 5, 5]], [5, 7, [1, 1, 7, 11, 19]],
  [5, 11, [1, 1, 5, 1, 1]], [5, 13, [1, 1, 1, 3, 11]], [5, 14, [1, 3, 5, 5, 31]],
  [6, 1, [1, 3, 3, 9, 7, 49]], [6, 13, [1, 1, 1, 15, 21, 21]], [6, 16, [1, 3, 1, 13, 27, 49]],
  [6, 19, [1, 1, 1, 15, 7, 5]], [6, 22, [1, 3, 1, 15, 13, 25]], [6, 25, [1, 1, 5, 5, 19, 61]],
  [7, 1, [1, 3, 7, 11, 23, 15, 103]], [7, 4, [1, 3, 7, 13, 13, 15, 69]], [7, 7, [1, 1, 3, 13, 7, 35, 63]],
  [7, 8, [1, 3, 5, 9, 1, 25, 53]], [7, 14, [1, 3, 1, 13, 9, 35, 107]], [7, 19, [1, 3, 1, 5, 27, 61, 31]],
  [7, 21, [1, 1, 5, 11, 19, 41, 61]], [7, 28, [1, 3, 5, 3, 3, 13, 69]], [7, 31, [1, 1, 7, 13, 1, 19, 1]],
  [7, 32, [1, 3, 7, 5, 13, 19, 59]], [7, 37, [1, 1, 3, 9, 25, 29, 41]], [7, 41, [1, 3, 5, 13, 23, 1, 55]],
  [7, 42, [1, 3, 7, 3, 13, 59, 17]], [7, 50, [1, 3, 1, 3, 5, 53, 69]], [7, 55, [1, 1, 5, 5, 23, 33, 13]],
  [7, 56, [1, 1, 7, 7, 1, 61, 123]], [7, 59, [1, 1, 7, 9, 13, 61, 49]], [7, 62, [1, 3, 3, 5, 3, 55, 33]],
  [8, 14, [1, 3, 1, 15, 31, 13, 49, 245]], [8, 21, [1, 3, 5, 15, 31, 59, 63, 97]],
  [8, 22, [1, 3, 1, 11, 11, 11, 77, 249]], [8, 38, [1, 3, 1, 11, 27, 43, 71, 9]],
  [8, 47, [1, 1, 7, 15, 21, 11, 81, 45]], [8, 49, [1, 3, 7, 3, 25, 31, 65, 79]],
  [8, 50, [1, 3, 1, 1, 19, 11, 3, 205]], [8, 52, [1, 1, 5, 9, 19, 21, 29, 157]],
  [8, 56, [1, 3, 7, 11, 1, 33, 89, 185]], [8, 67, [1, 3, 3, 3, 15, 9, 79, 71]],
  [8, 70, [1, 3, 7, 11, 15, 39, 119, 27]], [8, 84, [1, 1, 3, 1, 11, 31, 97, 225]],
  [8, 97, [1, 1, 1, 3, 23, 43, 57, 177]], [8, 103, [1, 3, 7, 7, 17, 17, 37, 71]],
  [8, 115, [1, 3, 1, 5, 27, 63, 123, 213]], [8, 122, [1, 1, 3, 5, 11, 43, 53, 133]],
  [9, 8, [1, 3, 5, 5, 29, 17, 47, 173, 479]], [9, 13, [1, 3, 3, 11, 3, 1, 109, 9, 69]],
  [9, 16, [1, 1, 1, 5, 17, 39, 23, 5, 343]], [9, 22, [1, 3, 1, 5, 25, 15, 31, 103, 499]],
  [9, 25, [1, 1, 1, 11, 11, 17, 63, 105, 183]], [9, 44, [1, 1, 5, 11, 9, 29, 97, 231, 363]],
  [9, 47, [1, 1, 5, 15, 19, 45, 41, 7, 383]], [9, 52, [1, 3, 7, 7, 31, 19, 83, 137, 221]],
  [9, 55, [1, 1, 1, 3, 23, 15, 111, 223, 83]], [9, 59, [1, 1, 5, 13, 31, 15, 55, 25, 161]],
  [9, 62, [1, 1, 3, 13, 25, 47, 39, 87, 257]],
];

/** Largest dimension with true Sobol directions; extra dimensions fall back to seeded uniform draws. */
export const SOBOL_MAX_DIM = JOE_KUO.length + 1;
const BITS = 32;

/** 32 direction numbers of one dimension, bit 31 = most significant. */
function directionNumbers(dim: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dim === 0) {
    for (let j = 0; j < BITS; j++) v[j] = (1 << (31 - j)) >>> 0;
    return v;
  }
  const [s, a, m] = JOE_KUO[dim - 1];
  for (let j = 0; j < Math.min(s, BITS); j++) v[j] = (m[j] << (31 - j)) >>> 0;
  for (let j = s; j < BITS; j++) {
    let x = (v[j - s] ^ (v[j - s] >>> s)) >>> 0;
    for (let k = 1; k < s; k++) if ((a >>> (s - 1 - k)) & 1) x = (x ^ v[j - k]) >>> 0;
    v[j] = x;
  }
  return v;
}

function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/**
 * Linear matrix scramble (random lower-triangular binary matrix with unit diagonal) plus a
 * random digital shift, as in SciPy/BoTorch. It keeps the (t,m,s)-net property while removing
 * the points on the cube's faces and the correlation between seeds.
 */
function scrambleDirections(v: Uint32Array, rng: Rng): { v: Uint32Array; shift: number } {
  const rows = new Uint32Array(BITS);
  for (let i = 0; i < BITS; i++) {
    // Row i acts on bit (31 - i): it keeps that bit and mixes in random more-significant bits.
    const higher = i === 0 ? 0 : (rng.nextU32() >>> (32 - i)) << (32 - i);
    rows[i] = (higher | (1 << (31 - i))) >>> 0;
  }
  const out = new Uint32Array(BITS);
  for (let j = 0; j < BITS; j++) {
    let x = 0;
    for (let i = 0; i < BITS; i++) if (parity(v[j] & rows[i])) x |= 1 << (31 - i);
    out[j] = x >>> 0;
  }
  return { v: out, shift: rng.nextU32() };
}

/**
 * A (scrambled) Sobol sequence with random access: point i is computed directly from the Gray code
 * of i, so a planner can resume the sequence at any index after being restored.
 */
export class Sobol {
  private readonly dirs: Uint32Array[] = [];
  private readonly shifts: number[] = [];
  private readonly fallbackSalt: number | null;

  /** @param seed null gives the unscrambled sequence (point 0 is the origin). */
  constructor(readonly dim: number, seed: number | null) {
    const rng = seed === null ? null : new Rng(seed);
    for (let d = 0; d < Math.min(dim, SOBOL_MAX_DIM); d++) {
      const base = directionNumbers(d);
      if (rng) {
        const s = scrambleDirections(base, rng);
        this.dirs.push(s.v);
        this.shifts.push(s.shift);
      } else {
        this.dirs.push(base);
        this.shifts.push(0);
      }
    }
    this.fallbackSalt = dim > SOBOL_MAX_DIM ? ((seed ?? 0) ^ 0x5b0b01) >>> 0 : null;
  }

  /** Writes point `index` into out[offset .. offset+dim). */
  point(index: number, out: Float64Array, offset = 0): void {
    const gray = (index ^ (index >>> 1)) >>> 0;
    for (let d = 0; d < this.dirs.length; d++) {
      const v = this.dirs[d];
      let x = this.shifts[d];
      let bits = gray;
      for (let j = 0; bits !== 0; j++, bits >>>= 1) if (bits & 1) x ^= v[j];
      // Centre of the 2^-32 cell keeps values strictly inside (0, 1).
      out[offset + d] = ((x >>> 0) + 0.5) / 4294967296;
    }
    if (this.fallbackSalt !== null) {
      // Beyond the direction table, a per-index stream keeps random access deterministic.
      const r = new Rng(mixSeed(this.fallbackSalt, index));
      for (let d = this.dirs.length; d < this.dim; d++) out[offset + d] = r.next();
    }
  }

  /** Points start..start+n-1 as a flat row-major array. */
  points(n: number, start = 0): Float64Array {
    const out = new Float64Array(n * this.dim);
    for (let i = 0; i < n; i++) this.point(start + i, out, i * this.dim);
    return out;
  }
}
