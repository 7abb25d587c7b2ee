import { type GrayImage, grayImage } from '../image/gray-image';

/** A small deterministic generator for test images (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poisson draw by CDF inversion (means up to a few hundred are fine for tests). */
export function poisson(mean: number, random: () => number): number {
  const u = random();
  let k = 0;
  let p = Math.exp(-mean);
  let cumulative = p;
  while (u > cumulative && k < 1000) {
    k++;
    p *= mean / k;
    cumulative += p;
  }
  return k;
}

/** Gaussian spots of given peak heights on a flat background, optionally with Poisson noise. */
export function spotImage(width: number, height: number, spots: ReadonlyArray<{ x: number; y: number; peak: number }>, options: { sigmaPx: number; background: number; seed?: number }): GrayImage {
  const data = new Float32Array(width * height).fill(options.background);
  for (const s of spots) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        data[y * width + x] += s.peak * Math.exp(-((x - s.x) ** 2 + (y - s.y) ** 2) / (2 * options.sigmaPx ** 2));
      }
    }
  }
  if (options.seed !== undefined) {
    const random = seededRandom(options.seed);
    for (let i = 0; i < data.length; i++) data[i] = poisson(data[i], random);
  }
  return grayImage(width, height, data);
}
