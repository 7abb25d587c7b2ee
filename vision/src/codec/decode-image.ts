import type { GrayImage } from '../image/gray-image';
import { ImageDecodeError } from './decode-error';
import { decodePng } from './png.codec';
import { decodeTiff } from './tiff.codec';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

/** Which decoder a file needs, from its first bytes (never from its name). */
export function sniffImageFormat(bytes: Uint8Array): 'png' | 'tiff' | undefined {
  if (PNG_MAGIC.every((b, i) => bytes[i] === b)) return 'png';
  const ii = bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 42 && bytes[3] === 0;
  const mm = bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0 && bytes[3] === 42;
  return ii || mm ? 'tiff' : undefined;
}

/** Decode a PNG or TIFF file's bytes to a gray image; anything else is an ImageDecodeError. */
export function decodeImage(bytes: Uint8Array): GrayImage {
  switch (sniffImageFormat(bytes)) {
    case 'png':
      return decodePng(bytes);
    case 'tiff':
      return decodeTiff(bytes);
    default:
      throw new ImageDecodeError('not a PNG or TIFF file (unrecognised signature)');
  }
}
