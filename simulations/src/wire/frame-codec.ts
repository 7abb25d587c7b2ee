import type { FrameHeader } from './messages';

/**
 * The binary DataFrame of docs/protocol.md: uint32 big-endian header length, UTF-8 JSON header,
 * then the values little-endian and row-major.
 */

export type FrameValues = Float32Array | Float64Array | Uint16Array | Uint8Array;

const DTYPE_OF = new Map<string, FrameHeader['dtype']>([
  ['Float32Array', 'float32'],
  ['Float64Array', 'float64'],
  ['Uint16Array', 'uint16'],
  ['Uint8Array', 'uint8'],
]);

export const dtypeOf = (values: FrameValues): FrameHeader['dtype'] => DTYPE_OF.get(values.constructor.name) ?? 'uint8';

export function encodeFrame(header: FrameHeader, values: FrameValues): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.alloc(4 + json.length + values.length * values.BYTES_PER_ELEMENT);
  out.writeUInt32BE(json.length, 0);
  json.copy(out, 4);
  const view = new DataView(out.buffer, out.byteOffset + 4 + json.length);
  // Written value by value so the bytes are little-endian whatever the host's byte order.
  for (let i = 0; i < values.length; i++) {
    switch (header.dtype) {
      case 'float32': view.setFloat32(i * 4, values[i], true); break;
      case 'float64': view.setFloat64(i * 8, values[i], true); break;
      case 'uint16': view.setUint16(i * 2, values[i], true); break;
      case 'uint8': view.setUint8(i, values[i]); break;
    }
  }
  return out;
}

/** Decode a frame (for tests and tools): the header and the raw little-endian payload bytes. */
export function decodeFrame(frame: Buffer): { header: FrameHeader; payload: Buffer } {
  const length = frame.readUInt32BE(0);
  const header = JSON.parse(frame.subarray(4, 4 + length).toString('utf8')) as FrameHeader;
  return { header, payload: frame.subarray(4 + length) };
}

/** Float32 payload of a decoded frame as numbers. */
export function float32Values(payload: Buffer): Float32Array {
  const out = new Float32Array(payload.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = payload.readFloatLE(i * 4);
  return out;
}
