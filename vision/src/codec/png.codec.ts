import { PNG } from 'pngjs';
import { type GrayImage, grayImage } from '../image/gray-image';
import { ImageDecodeError } from './decode-error';

/** PNG colour types that carry colour rather than gray (pngjs numbering). */
const COLOUR_TYPES = new Set([2, 3, 6]);

/**
 * Decode a PNG to one gray channel at its native depth (16-bit values are kept, not rescaled to 8).
 * Colour images become luma (Rec. 601 weights); alpha is ignored.
 */
export function decodePng(bytes: Uint8Array): GrayImage {
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { skipRescale: true });
  } catch (error) {
    throw new ImageDecodeError(`not a readable PNG: ${(error as Error).message}`);
  }
  // pngjs always expands to RGBA; with skipRescale a 16-bit image arrives as a Uint16Array.
  const rgba: ArrayLike<number> = png.data;
  const { width, height } = png;
  const gray = new Float32Array(width * height);
  const colour = COLOUR_TYPES.has(png.colorType);
  for (let i = 0; i < gray.length; i++) {
    const r = rgba[4 * i];
    gray[i] = colour ? 0.299 * r + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2] : r;
  }
  return grayImage(width, height, gray);
}

/**
 * Encode 8-bit RGBA pixels (row-major, 4 bytes per pixel) as an RGB PNG file (alpha dropped). Tuned
 * for speed, since an overlay is made for every frame: the "sub" filter and zlib level 1 encode a
 * 256 px overlay about 3x faster than pngjs's defaults (adaptive filters, level 9) for a file about
 * twice the size.
 */
export function encodeRgbaPng(width: number, height: number, rgba: Uint8Array): Buffer {
  const options = { colorType: 2 as const, inputColorType: 6 as const, inputHasAlpha: true, filterType: 1, deflateLevel: 1 };
  const png = new PNG({ width, height, ...options });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return PNG.sync.write(png, options);
}

/** Encode a gray image as a 16-bit grayscale PNG (values rounded and clamped to 0..65535). */
export function encodeGray16Png(image: GrayImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height, bitDepth: 16, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  const values = new Uint16Array(image.data.length);
  for (let i = 0; i < values.length; i++) values[i] = Math.min(65535, Math.max(0, Math.round(image.data[i])));
  // pngjs reads 16-bit input from a Uint16Array in place of its Buffer.
  (png as { data: ArrayLike<number> }).data = values;
  return PNG.sync.write(png, { bitDepth: 16, colorType: 0, inputColorType: 0, inputHasAlpha: false });
}
