import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grayImage } from '../image/gray-image';
import { atomsFromClassMaps } from '../postprocess/atoms';
import { spotImage } from '../testing/synthetic';
import { segmentTiled, type TiledModelSpec, type TileBatchRunner } from './segment-tiled';
import { planTiles, reflectIndex } from './tiles';

describe('tile planning', () => {
  it('every frame pixel is owned by exactly one tile, inside that tile, with the requested context, tiles aligned', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 2, max: 12 }), fc.constantFrom(1, 4, 8), fc.integer({ min: 0, max: 5 }), (w, h, tileSteps, align, overlapEighths) => {
        const tile = tileSteps * 8;
        const overlap = Math.min(Math.floor((tile * overlapEighths) / 8), tile - align - 1);
        const context = Math.floor(overlap / 2);
        const owners = new Uint8Array(w * h);
        for (const t of planTiles(w, h, tile, overlap, align)) {
          if (t.x0 % align !== 0 || t.y0 % align !== 0) return false;
          const inside = t.own.x0 >= t.x0 && t.own.y0 >= t.y0 && t.own.x1 <= t.x0 + tile && t.own.y1 <= t.y0 + tile;
          // Owned pixels keep overlap/2 of context to an inner tile edge (frame edges excepted).
          const keepsContext =
            (t.own.x0 === 0 || t.own.x0 - t.x0 >= context) && (t.own.x1 === w || t.x0 + tile - t.own.x1 >= context) &&
            (t.own.y0 === 0 || t.own.y0 - t.y0 >= context) && (t.own.y1 === h || t.y0 + tile - t.own.y1 >= context);
          if (!inside || !keepsContext) return false;
          for (let y = t.own.y0; y < t.own.y1; y++) for (let x = t.own.x0; x < t.own.x1; x++) owners[y * w + x]++;
        }
        return owners.every((n) => n === 1);
      }),
      { numRuns: 150 },
    );
  });

  it('mirrors indices like numpy reflect', () => {
    expect([-2, -1, 0, 1, 2, 3, 4, 5].map((i) => reflectIndex(i, 4))).toEqual([2, 1, 0, 1, 2, 3, 2, 1]);
  });
});

/**
 * A stand-in "model": p(atom) from a 5x5 box mean of the normalized input, so its receptive field is
 * 5 px. Zero padding inside each window, as a convolutional net's padding does.
 */
const boxModel: TileBatchRunner = async (input, count, h, w) => {
  const out = new Float32Array(count * 2 * h * w);
  for (let b = 0; b < count; b++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let sum = 0;
        for (let dy = -2; dy <= 2; dy++) {
          for (let dx = -2; dx <= 2; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy >= 0 && yy < h && xx >= 0 && xx < w) sum += input[b * h * w + yy * w + xx];
          }
        }
        const p = 1 / (1 + Math.exp(-4 * (sum / 25 - 1)));
        out[b * 2 * h * w + h * w + y * w + x] = p;
        out[b * 2 * h * w + y * w + x] = 1 - p;
      }
    }
  }
  return out;
};

const spec = (tilePx: number, overlapPx: number): TiledModelSpec => ({
  classes: ['background', 'species_a'],
  normalization: { kind: 'zscore' },
  tilePx,
  overlapPx,
  multipleOfPx: 1,
  batchSize: 3,
  outputs: 'probabilities',
});

describe('tiled segmentation', () => {
  it('stitches tiles into exactly the whole-frame result when the overlap covers the receptive field', async () => {
    const image = spotImage(150, 130, [{ x: 40, y: 40, peak: 50 }, { x: 100, y: 90, peak: 80 }], { sigmaPx: 2, background: 5, seed: 3 });
    const whole = await segmentTiled(image, spec(256, 0), boxModel);
    const tiled = await segmentTiled(image, spec(48, 8), boxModel);
    expect(Array.from(tiled.probabilities)).toEqual(Array.from(whole.probabilities));
  });

  it('finds an atom that straddles a tile edge once, at its true position', async () => {
    // 100 px with 48 px tiles and 8 px overlap: tiles start at 0, 26, 52; the cuts are at 37 and 63.
    const image = spotImage(100, 100, [{ x: 37, y: 62.6, peak: 200 }, { x: 63.4, y: 37, peak: 200 }, { x: 15, y: 80, peak: 200 }], { sigmaPx: 2, background: 1 });
    const maps = await segmentTiled(image, spec(48, 8), boxModel);
    const atoms = atomsFromClassMaps(maps, { backgroundIndex: 0, minAreaPx: 2, splitAreaPx: 4 });
    expect(atoms).toHaveLength(3);
    const near = (x: number, y: number) => atoms.filter((a) => Math.hypot(a.x - x, a.y - y) < 0.5);
    expect(near(37, 62.6)).toHaveLength(1);
    expect(near(63.4, 37)).toHaveLength(1);
  });

  it('pads a frame smaller than the model size and crops the result back', async () => {
    const image = grayImage(5, 3, [0, 0, 0, 0, 0, 0, 9, 9, 9, 0, 0, 0, 0, 0, 0]);
    const maps = await segmentTiled(image, { ...spec(64, 8), fixedInputPx: 16 }, boxModel);
    expect(maps.width).toBe(5);
    expect(maps.height).toBe(3);
    expect(maps.labels).toHaveLength(15);
  });
});
