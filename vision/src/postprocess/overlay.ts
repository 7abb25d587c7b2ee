import type { GrayImage } from '../image/gray-image';
import { percentile } from '../image/gray-image';
import type { Atom } from './atoms';

/** RGB colour per class name; classes without a colour (background) stay gray. */
export const CLASS_COLOURS: Record<string, readonly [number, number, number]> = {
  species_a: [255, 160, 0],
  species_b: [0, 200, 255],
  vacancy: [255, 0, 60],
  domain_up: [60, 110, 255],
  domain_down: [255, 220, 0],
  wall: [255, 0, 60],
};

const BLEND = 0.45;

function strided(values: Float32Array, maxCount: number): Float32Array {
  const step = Math.max(1, Math.ceil(values.length / maxCount));
  if (step === 1) return values;
  const out = new Float32Array(Math.ceil(values.length / step));
  for (let i = 0, j = 0; i < values.length; i += step, j++) out[j] = values[i];
  return out;
}

/**
 * An RGBA picture of a segmentation for people: the frame in gray (1st..99th percentile stretched),
 * each labelled pixel tinted by its class colour, and each atom's centroid drawn as a solid pixel.
 */
export function renderOverlay(image: GrayImage, labels: Uint8Array, classes: readonly string[], atoms: readonly Atom[] = []): Uint8Array {
  const { width, height, data } = image;
  // The display stretch needs no exact percentiles: a strided sample of at most ~16k pixels sorts fast.
  const sample = strided(data, 16384);
  const lo = percentile(sample, 0.01);
  const hi = percentile(sample, 0.99);
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const palette = classes.map((name) => CLASS_COLOURS[name]);
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const g = Math.min(255, Math.max(0, (data[i] - lo) * scale));
    const colour = palette[labels[i]];
    for (let c = 0; c < 3; c++) rgba[4 * i + c] = colour ? Math.round((1 - BLEND) * g + BLEND * colour[c]) : g;
    rgba[4 * i + 3] = 255;
  }
  for (const atom of atoms) {
    const x = Math.round(atom.x);
    const y = Math.round(atom.y);
    const colour = CLASS_COLOURS[atom.className];
    if (!colour || x < 0 || y < 0 || x >= width || y >= height) continue;
    const i = y * width + x;
    rgba.set(colour, 4 * i);
  }
  return rgba;
}
