/**
 * Tiling of frames larger than a model's input. Tiles overlap; each output pixel is taken from
 * exactly one tile, the one in whose interior it lies (the cut runs through the middle of each
 * overlap). With an overlap of at least the model's receptive field, the stitched map equals a
 * whole-frame pass, and connected components are found on the stitched map, so an object across a
 * tile edge is one object.
 */

/** One tile: where it reads from (may extend past the frame; that part is mirrored) and what it owns. */
export interface Tile {
  /** Top-left of the tile's input window in frame pixels. */
  x0: number;
  y0: number;
  /** The frame region [x0, x1) x [y0, y1) whose output this tile supplies. */
  own: { x0: number; y0: number; x1: number; y1: number };
}

/** Tile origins along one axis plus the cut positions between neighbours. */
function axisPlan(lengthPx: number, tilePx: number, overlapPx: number, alignPx: number): { starts: number[]; cuts: number[] } {
  // Tiles start on multiples of alignPx (the model's downsampling), so every tile sees the same
  // pixel phase as a whole-frame pass; the frame is conceptually mirrored out to a whole number of steps.
  const padded = Math.max(tilePx, Math.ceil(lengthPx / alignPx) * alignPx);
  if (padded <= tilePx) return { starts: [0], cuts: [0, lengthPx] };
  const count = Math.ceil((padded - overlapPx - alignPx) / (tilePx - overlapPx - alignPx));
  // Spread the tiles evenly so every overlap is at least overlapPx, not just the last one larger.
  const starts = Array.from({ length: count }, (_, i) => Math.round((i * (padded - tilePx)) / (count - 1) / alignPx) * alignPx);
  const cuts = [0];
  for (let i = 1; i < count; i++) cuts.push(Math.min(lengthPx, Math.round((starts[i] + starts[i - 1] + tilePx) / 2)));
  cuts.push(lengthPx);
  return { starts, cuts };
}

/**
 * Tiles covering a width x height frame with tiles of tilePx square overlapping by at least
 * overlapPx, starting on multiples of alignPx (tilePx must be one too). A frame no larger than a
 * tile gets one tile (the rest of the window is padding).
 */
export function planTiles(width: number, height: number, tilePx: number, overlapPx: number, alignPx = 1): Tile[] {
  if (!(tilePx > 0) || overlapPx < 0 || overlapPx + alignPx >= tilePx || tilePx % alignPx !== 0) {
    throw new RangeError(`tile ${tilePx} px, overlap ${overlapPx} px, alignment ${alignPx} px: need 0 <= overlap < tile - alignment and tile a multiple of the alignment`);
  }
  const xs = axisPlan(width, tilePx, overlapPx, alignPx);
  const ys = axisPlan(height, tilePx, overlapPx, alignPx);
  const tiles: Tile[] = [];
  ys.starts.forEach((y0, j) => {
    xs.starts.forEach((x0, i) => {
      tiles.push({ x0, y0, own: { x0: xs.cuts[i], y0: ys.cuts[j], x1: xs.cuts[i + 1], y1: ys.cuts[j + 1] } });
    });
  });
  return tiles;
}

/** Mirror an index into [0, n) (reflection without repeating the edge pixel, as numpy's 'reflect'). */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

/**
 * Copy a windowPx-square window starting at (x0, y0) out of a frame into `out`, mirroring where
 * the window runs past the frame edge.
 */
export function readWindow(frame: Float32Array, width: number, height: number, x0: number, y0: number, windowW: number, windowH: number, out: Float32Array, outOffset = 0): void {
  for (let r = 0; r < windowH; r++) {
    const row = reflectIndex(y0 + r, height) * width;
    const base = outOffset + r * windowW;
    const inside = x0 >= 0 && x0 + windowW <= width;
    if (inside) {
      out.set(frame.subarray(row + x0, row + x0 + windowW), base);
    } else {
      for (let c = 0; c < windowW; c++) out[base + c] = frame[row + reflectIndex(x0 + c, width)];
    }
  }
}

/**
 * Write the owned part of one tile's class maps (classes x windowH x windowW, planar) into the
 * frame-sized maps (classes x height x width).
 */
export function writeOwned(tileMaps: Float32Array, windowW: number, windowH: number, tile: Tile, frameMaps: Float32Array, width: number, height: number, classes: number): void {
  const { own } = tile;
  const rowLength = own.x1 - own.x0;
  for (let k = 0; k < classes; k++) {
    for (let y = own.y0; y < own.y1; y++) {
      const src = k * windowW * windowH + (y - tile.y0) * windowW + (own.x0 - tile.x0);
      const dst = k * width * height + y * width + own.x0;
      frameMaps.set(tileMaps.subarray(src, src + rowLength), dst);
    }
  }
}
