import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16 } from './crc16';
import { decodeLine, encodeLine, LineBuffer } from './line-codec';

describe('serial line codec', () => {
  it('computes the CRC-16/CCITT-FALSE check value', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x29b1);
  });

  it('round-trips any body, including stars and non-ASCII, through any chunking', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }).filter((s) => !/[\r\n]/.test(s)), fc.integer({ min: 1, max: 7 }), (body, chunkSize) => {
        const bytes = encodeLine(`RES ${body}`);
        const buffer = new LineBuffer();
        const lines: string[] = [];
        for (let i = 0; i < bytes.length; i += chunkSize) lines.push(...buffer.push(bytes.subarray(i, i + chunkSize)));
        expect(lines).toHaveLength(1);
        expect(decodeLine(lines[0])).toEqual({ ok: true, keyword: 'RES', rest: body });
      }),
    );
  });

  it('rejects a corrupted line', () => {
    const line = encodeLine('*IDN?').toString().trimEnd();
    expect(decodeLine(line)).toMatchObject({ ok: true, keyword: '*IDN?' });
    expect(decodeLine(line.replace('IDN', 'IDM'))).toEqual({ ok: false, reason: 'bad crc' });
    expect(decodeLine('STAT {}')).toEqual({ ok: false, reason: 'no checksum' });
  });
});
