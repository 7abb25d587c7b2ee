/// <reference path="./utif.d.ts" />
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { grayImage } from '../image/gray-image';
import { ImageDecodeError } from './decode-error';
import { decodeImage, sniffImageFormat } from './decode-image';
import { encodeGray16Png, encodeRgbaPng } from './png.codec';
import * as UTIF from 'utif';
import { encodeTiff } from './tiff.codec';

describe('image decoding', () => {
  it('reads 16-bit grayscale PNG at full depth', () => {
    const image = grayImage(3, 2, [0, 1000, 65535, 5, 6, 7]);
    const decoded = decodeImage(encodeGray16Png(image));
    expect(decoded.width).toBe(3);
    expect(decoded.height).toBe(2);
    expect(Array.from(decoded.data)).toEqual([0, 1000, 65535, 5, 6, 7]);
  });

  it('reads colour PNG as luma', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 10, 10, 10, 255]);
    const decoded = decodeImage(encodeRgbaPng(2, 2, rgba));
    expect(decoded.data[0]).toBeCloseTo(0.299 * 255, 3);
    expect(decoded.data[1]).toBeCloseTo(0.587 * 255, 3);
    expect(decoded.data[2]).toBeCloseTo(0.114 * 255, 3);
    expect(decoded.data[3]).toBeCloseTo(10, 3);
  });

  it('reads 8-bit grayscale PNG', () => {
    const png = new PNG({ width: 2, height: 1, colorType: 0, inputColorType: 0, inputHasAlpha: false });
    png.data = Buffer.from([7, 200]);
    const decoded = decodeImage(PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
    expect(Array.from(decoded.data)).toEqual([7, 200]);
  });

  it('round-trips float32 TIFF with its pixel size', () => {
    const image = grayImage(4, 3, [0.5, -2, 3.25, 1e6, 0, 1, 2, 3, 4, 5, 6, 7.125], 0.039);
    const bytes = encodeTiff(image, 'float32');
    expect(sniffImageFormat(bytes)).toBe('tiff');
    const decoded = decodeImage(bytes);
    expect(Array.from(decoded.data)).toEqual(Array.from(image.data));
    expect(decoded.pixelSizeNm).toBeCloseTo(0.039, 6);
  });

  it('reads 16-bit TIFF without a physical pixel size', () => {
    const decoded = decodeImage(encodeTiff(grayImage(2, 2, [1, 2, 60000, 4]), 'uint16'));
    expect(Array.from(decoded.data)).toEqual([1, 2, 60000, 4]);
    expect(decoded.pixelSizeNm).toBeUndefined();
  });

  it('reads big-endian RGBA TIFF as luma', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255]);
    const decoded = decodeImage(new Uint8Array(UTIF.encodeImage(rgba, 2, 1)));
    expect(decoded.data[0]).toBeCloseTo(0.299 * 255, 3);
    expect(decoded.data[1]).toBeCloseTo(0.114 * 255, 3);
  });

  it('rejects files that are neither', () => {
    expect(() => decodeImage(new TextEncoder().encode('hello world'))).toThrow(ImageDecodeError);
    expect(() => decodeImage(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]))).toThrow(/PNG/);
  });
});
