import { describe, expect, it } from 'vitest';
import { crc16CcittFalse } from './crc16';
import { decodeFrame, encodeFrame, float32Values } from './frame-codec';
import { frameLine, LineSplitter, unframeLine } from './serial-lines';

describe('device-side codecs', () => {
  it('CRC-16/CCITT-FALSE has the standard check value', () => {
    expect(crc16CcittFalse(Buffer.from('123456789'))).toBe(0x29b1);
  });

  it('frames lines with the checksum after the last star, and refuses a corrupted one', () => {
    const line = frameLine('*IDN?');
    expect(line).toMatch(/^\*IDN\?\*[0-9A-F]{4}\r\n$/);
    const [received] = new LineSplitter().push(Buffer.from(line));
    expect(unframeLine(received)).toEqual({ body: '*IDN?' });
    expect(unframeLine(received.replace('IDN', 'IDX'))).toEqual({ error: 'bad crc' });
    expect(unframeLine('CMD {}')).toEqual({ error: 'no checksum' });
  });

  it('reassembles UTF-8 lines split mid-character', () => {
    const bytes = Buffer.from(frameLine('RES {"note":"µm ✓"}'));
    const splitter = new LineSplitter();
    const lines = [...bytes].flatMap((byte) => splitter.push(Buffer.from([byte])));
    expect(lines.map(unframeLine)).toEqual([{ body: 'RES {"note":"µm ✓"}' }]);
  });

  it('writes data frames as big-endian header length, JSON header, little-endian values', () => {
    const values = Float32Array.from([1.5, -2, 3.25]);
    const frame = encodeFrame({ v: 1, cmdId: 'c', dataId: 'd', kind: 'spectrum', dtype: 'float32', shape: [1, 3], rows: ['x'] }, values);
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4 - 12);
    const { header, payload } = decodeFrame(frame);
    expect(header).toMatchObject({ dataId: 'd', shape: [1, 3] });
    expect(payload.readFloatLE(4)).toBe(-2);
    expect(float32Values(payload)).toEqual(values);
  });
});
