import { type DataFrame, decodeDataFrame } from '@lab/drivers';
import { PNG } from 'pngjs';

/** Larger frames are shrunk (every n-th pixel) so a report with a few images stays a few MB. */
const MAX_SIDE_PX = 384;

/** A stored image frame (protocol v1 bytes) as an 8-bit gray PNG, contrast stretched to its own range. */
export function framePng(bytes: Uint8Array): { png: Buffer; widthPx: number; heightPx: number; channel?: string } {
  const frame: DataFrame = decodeDataFrame(bytes);
  const [rows, columns] = frame.header.shape;
  const step = Math.max(1, Math.ceil(Math.max(rows, columns) / MAX_SIDE_PX));
  const width = Math.ceil(columns / step);
  const height = Math.ceil(rows / step);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of frame.values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  const gray = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = frame.values[y * step * columns + x * step];
      gray[y * width + x] = hi > lo ? Math.round((255 * (v - lo)) / (hi - lo)) : 128;
    }
  }
  png.data = gray;
  return { png: PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }), widthPx: width, heightPx: height, channel: frame.header.channel };
}
