import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors';
import type { DataHeader } from '../messages';
import { decodeDataFrame, encodeDataFrame } from './data-frame';

const header: DataHeader = { v: 1, cmdId: 'c1', dataId: 'd1', kind: 'spectrum', dtype: 'float32', shape: [2, 3], rows: ['biasV', 'piezoresponsePm'] };

describe('data frame codec', () => {
  it('round-trips header and values', () => {
    const values = new Float32Array([-1, 0, 1, 5.5, -2.25, 3]);
    const decoded = decodeDataFrame(encodeDataFrame({ header, values }));
    expect(decoded.header).toEqual(header);
    expect([...decoded.values]).toEqual([...values]);
  });

  it('follows the documented layout: uint32 big-endian header length, JSON, little-endian values', () => {
    const bytes = encodeDataFrame({ header: { ...header, dtype: 'uint16', shape: [1, 2] }, values: new Uint16Array([1, 258]) });
    const length = bytes.readUInt32BE(0);
    expect(JSON.parse(bytes.subarray(4, 4 + length).toString('utf8')).dataId).toBe('d1');
    expect([...bytes.subarray(4 + length)]).toEqual([1, 0, 2, 1]);
  });

  it('decodes from an unaligned offset inside a larger buffer', () => {
    const encoded = encodeDataFrame({ header, values: new Float32Array([1, 2, 3, 4, 5, 6]) });
    const padded = Buffer.concat([Buffer.from([9]), encoded]).subarray(1);
    expect([...decodeDataFrame(padded).values]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it.each([
    ['too short', Buffer.from([0, 0])],
    ['header longer than the frame', Buffer.from([0, 0, 1, 0, 123])],
    ['header not JSON', Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('abc')])],
  ])('rejects a frame that is %s with a ProtocolError', (_, bytes) => {
    expect(() => decodeDataFrame(bytes)).toThrow(ProtocolError);
  });

  it('rejects a payload whose size does not match the shape, naming both', () => {
    const bytes = encodeDataFrame({ header, values: new Float32Array(6) });
    expect(() => decodeDataFrame(bytes.subarray(0, bytes.length - 4))).toThrow(/payload is 20 bytes, shape 2x3 float32 needs 24/);
  });

  it('rejects unknown dtypes and bad shapes', () => {
    const make = (h: object) => encodeDataFrame({ header: h as DataHeader, values: new Uint8Array(0) });
    expect(() => decodeDataFrame(make({ ...header, dtype: 'int64' }))).toThrow(/unknown dtype int64/);
    expect(() => decodeDataFrame(make({ ...header, shape: [0, 4] }))).toThrow(/shape must be two positive integers/);
  });
});
