import type { GrayImage } from '../image/gray-image';
import { type Normalization, normalize } from '../image/normalize';
import { type ClassMaps, classMaps, classMapsFromLogits } from '../postprocess/class-maps';
import { planTiles, readWindow, writeOwned } from './tiles';

/** What the tiler needs to know about a segmentation model. */
export interface TiledModelSpec {
  classes: readonly string[];
  normalization: Normalization;
  /** Square tile edge used when the frame is larger than it (or always, for fixed-size models). */
  tilePx: number;
  /** Overlap between neighbouring tiles; at least the model's receptive field for exact seams. */
  overlapPx: number;
  /** Set when the model only accepts one spatial size (then tilePx must equal it). */
  fixedInputPx?: number;
  /** Spatial sizes the model accepts are multiples of this (its total downsampling). */
  multipleOfPx: number;
  /** Tiles per model call. */
  batchSize: number;
  /** Whether the model ends in a softmax or emits raw logits. */
  outputs: 'probabilities' | 'logits';
}

/**
 * Runs the model on a batch: input is count x 1 x heightPx x widthPx (float32, planar), output
 * count x classes x heightPx x widthPx.
 */
export type TileBatchRunner = (input: Float32Array, count: number, heightPx: number, widthPx: number) => Promise<Float32Array>;

const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

/** The model's input window for a frame: the whole frame rounded up, or one tile. */
function windowFor(width: number, height: number, spec: TiledModelSpec): { windowW: number; windowH: number } {
  if (spec.fixedInputPx !== undefined) return { windowW: spec.fixedInputPx, windowH: spec.fixedInputPx };
  if (width <= spec.tilePx && height <= spec.tilePx) {
    return { windowW: roundUp(width, spec.multipleOfPx), windowH: roundUp(height, spec.multipleOfPx) };
  }
  return { windowW: spec.tilePx, windowH: spec.tilePx };
}

/**
 * Segment a frame of any size: normalize over the whole frame, cut overlapping tiles (mirrored
 * past the edges), run them in batches, and stitch each tile's interior into frame-sized maps.
 */
export async function segmentTiled(image: GrayImage, spec: TiledModelSpec, run: TileBatchRunner): Promise<ClassMaps> {
  const { width, height } = image;
  const input = normalize(image.data, spec.normalization);
  const { windowW, windowH } = windowFor(width, height, spec);
  // A frame that fits gets one (possibly non-square) window; larger frames get square tiles.
  const tiles = planTiles(width, height, Math.max(windowW, windowH), spec.overlapPx, spec.fixedInputPx === undefined ? spec.multipleOfPx : 1);
  const classes = spec.classes.length;
  const plane = windowW * windowH;
  const frameMaps = new Float32Array(classes * width * height);
  for (let start = 0; start < tiles.length; start += spec.batchSize) {
    const batch = tiles.slice(start, start + spec.batchSize);
    const batchInput = new Float32Array(batch.length * plane);
    batch.forEach((tile, b) => readWindow(input, width, height, tile.x0, tile.y0, windowW, windowH, batchInput, b * plane));
    const output = await run(batchInput, batch.length, windowH, windowW);
    if (output.length !== batch.length * classes * plane) {
      throw new RangeError(`model returned ${output.length} values for ${batch.length} tiles of ${classes} x ${windowH} x ${windowW}`);
    }
    batch.forEach((tile, b) => writeOwned(output.subarray(b * classes * plane, (b + 1) * classes * plane), windowW, windowH, tile, frameMaps, width, height, classes));
  }
  // Softmax after stitching: only the frame's own pixels, not the overlaps and padding.
  return spec.outputs === 'logits' ? classMapsFromLogits(frameMaps, spec.classes, width, height) : classMaps(frameMaps, spec.classes, width, height);
}
