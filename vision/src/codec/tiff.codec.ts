/// <reference path="./utif.d.ts" />
import * as UTIF from 'utif';
import { type GrayImage, grayImage } from '../image/gray-image';
import { ImageDecodeError } from './decode-error';

const TAG = {
  width: 't256',
  height: 't257',
  bitsPerSample: 't258',
  compression: 't259',
  photometric: 't262',
  samplesPerPixel: 't277',
  xResolution: 't282',
  resolutionUnit: 't296',
  sampleFormat: 't339',
} as const;

const SAMPLE_FORMAT = { uint: 1, int: 2, float: 3 } as const;
const NM_PER_CM = 1e7;
const RESOLUTION_UNIT_CM = 3;

const first = (value: number[] | string[] | undefined, fallback: number): number =>
  value !== undefined && typeof value[0] === 'number' ? value[0] : fallback;

/**
 * Decode the first image of a TIFF to one gray channel at full precision: 8/16/32-bit unsigned or
 * signed integers and 32/64-bit floats, either byte order, any compression UTIF supports. RGB
 * becomes luma. The pixel size is taken from the X resolution only when its unit is centimetres
 * (what scientific writers use); inch-based resolutions are screen DPI and say nothing physical.
 */
export function decodeTiff(bytes: Uint8Array): GrayImage {
  let ifds: UTIF.Ifd[];
  try {
    ifds = UTIF.decode(bytes);
  } catch (error) {
    throw new ImageDecodeError(`not a readable TIFF: ${(error as Error).message}`);
  }
  const ifd = ifds.find((candidate) => candidate[TAG.width] !== undefined);
  if (!ifd) throw new ImageDecodeError('TIFF has no image directory');
  UTIF.decodeImage(bytes, ifd, ifds);
  const width = first(ifd[TAG.width], 0);
  const height = first(ifd[TAG.height], 0);
  const bits = first(ifd[TAG.bitsPerSample], 1);
  const samples = first(ifd[TAG.samplesPerPixel], 1);
  const format = first(ifd[TAG.sampleFormat], SAMPLE_FORMAT.uint);
  const photometric = first(ifd[TAG.photometric], 1);
  const raw = ifd.data;
  if (!raw) throw new ImageDecodeError('TIFF image data could not be decoded');
  const bytesPerSample = bits / 8;
  if (![1, 2, 4, 8].includes(bytesPerSample) || (format === SAMPLE_FORMAT.float && bytesPerSample < 4)) {
    throw new ImageDecodeError(`TIFF with ${bits}-bit samples (format ${format}) is not supported`);
  }
  if (raw.byteLength < width * height * samples * bytesPerSample) {
    throw new ImageDecodeError(`TIFF data is short: ${raw.byteLength} bytes for ${width}x${height}x${samples} ${bits}-bit samples`);
  }
  const read = sampleReader(new DataView(raw.buffer, raw.byteOffset, raw.byteLength), bits, format, ifd.isLE ?? true);
  const stride = samples * bytesPerSample;
  const gray = new Float32Array(width * height);
  const colour = samples >= 3 && photometric === 2;
  const maxValue = format === SAMPLE_FORMAT.uint && bits <= 16 ? 2 ** bits - 1 : 0;
  for (let i = 0; i < gray.length; i++) {
    const offset = i * stride;
    let value = read(offset);
    if (colour) value = 0.299 * value + 0.587 * read(offset + bytesPerSample) + 0.114 * read(offset + 2 * bytesPerSample);
    // WhiteIsZero (photometric 0) stores inverted intensities.
    gray[i] = photometric === 0 && maxValue > 0 ? maxValue - value : value;
  }
  return grayImage(width, height, gray, pixelSizeNmOf(ifd));
}

function sampleReader(view: DataView, bits: number, format: number, littleEndian: boolean): (offset: number) => number {
  if (format === SAMPLE_FORMAT.float) {
    return bits === 64 ? (o) => view.getFloat64(o, littleEndian) : (o) => view.getFloat32(o, littleEndian);
  }
  const signed = format === SAMPLE_FORMAT.int;
  switch (bits) {
    case 8:
      return signed ? (o) => view.getInt8(o) : (o) => view.getUint8(o);
    case 16:
      return signed ? (o) => view.getInt16(o, littleEndian) : (o) => view.getUint16(o, littleEndian);
    case 32:
      return signed ? (o) => view.getInt32(o, littleEndian) : (o) => view.getUint32(o, littleEndian);
    default:
      throw new ImageDecodeError(`TIFF with ${bits}-bit integer samples is not supported`);
  }
}

function pixelSizeNmOf(ifd: UTIF.Ifd): number | undefined {
  const pixelsPerUnit = first(ifd[TAG.xResolution], 0);
  if (first(ifd[TAG.resolutionUnit], 2) !== RESOLUTION_UNIT_CM || !(pixelsPerUnit > 0)) return undefined;
  return NM_PER_CM / pixelsPerUnit;
}

const TIFF_TYPE = { short: 3, long: 4, rational: 5 } as const;
const UINT32_MAX = 4294967295;

/** Numerator and denominator of a positive rational close to `value`, both fitting in uint32. */
function rational(value: number): [number, number] {
  const denominator = Math.max(1, Math.min(1e6, Math.floor(UINT32_MAX / Math.max(1, value))));
  return [Math.round(value * denominator), denominator];
}

/**
 * Encode a gray image as an uncompressed little-endian TIFF (one strip) of 32-bit floats or 16-bit
 * unsigned integers (rounded and clamped), with the pixel size as a centimetre resolution when
 * known. For tests, fixtures and saving frames losslessly.
 */
export function encodeTiff(image: GrayImage, sample: 'float32' | 'uint16' = 'float32'): Uint8Array {
  const { width, height } = image;
  const bytesPerSample = sample === 'float32' ? 4 : 2;
  const entries: Array<[tag: number, type: number, value: number]> = [
    [256, TIFF_TYPE.long, width],
    [257, TIFF_TYPE.long, height],
    [258, TIFF_TYPE.short, 8 * bytesPerSample],
    [259, TIFF_TYPE.short, 1],
    [262, TIFF_TYPE.short, 1],
    [273, TIFF_TYPE.long, 0],
    [277, TIFF_TYPE.short, 1],
    [278, TIFF_TYPE.long, height],
    [279, TIFF_TYPE.long, width * height * bytesPerSample],
  ];
  const resolution = image.pixelSizeNm === undefined ? undefined : rational(NM_PER_CM / image.pixelSizeNm);
  if (resolution) entries.push([282, TIFF_TYPE.rational, 0], [283, TIFF_TYPE.rational, 0], [296, TIFF_TYPE.short, RESOLUTION_UNIT_CM]);
  entries.push([339, TIFF_TYPE.short, sample === 'float32' ? SAMPLE_FORMAT.float : SAMPLE_FORMAT.uint]);
  const ifdOffset = 8;
  const rationalOffset = ifdOffset + 2 + entries.length * 12 + 4;
  const dataOffset = rationalOffset + 8;
  const bytes = new Uint8Array(dataOffset + width * height * bytesPerSample);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 42, 0]);
  view.setUint32(4, ifdOffset, true);
  view.setUint16(ifdOffset, entries.length, true);
  entries.forEach(([tag, type, value], k) => {
    const at = ifdOffset + 2 + 12 * k;
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, 1, true);
    if (type === TIFF_TYPE.short) view.setUint16(at + 8, value, true);
    else if (type === TIFF_TYPE.rational) view.setUint32(at + 8, rationalOffset, true);
    else view.setUint32(at + 8, tag === 273 ? dataOffset : value, true);
  });
  if (resolution) {
    view.setUint32(rationalOffset, resolution[0], true);
    view.setUint32(rationalOffset + 4, resolution[1], true);
  }
  for (let i = 0; i < image.data.length; i++) {
    const at = dataOffset + i * bytesPerSample;
    if (sample === 'float32') view.setFloat32(at, image.data[i], true);
    else view.setUint16(at, Math.min(65535, Math.max(0, Math.round(image.data[i]))), true);
  }
  return bytes;
}
