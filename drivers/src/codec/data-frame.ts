import { ProtocolError } from '../errors';
import type { DataFrame, DataHeader, DType, TypedValues } from '../messages';

const BYTES_PER_VALUE: Record<DType, number> = { float32: 4, float64: 8, uint16: 2, uint8: 1 };
const MAX_HEADER_BYTES = 64 * 1024;

/** Encode a frame as docs/protocol.md describes: uint32 BE header length, JSON header, little-endian values. */
export function encodeDataFrame(frame: DataFrame): Buffer {
  const header = Buffer.from(JSON.stringify(frame.header), 'utf8');
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(header.length, 0);
  const values = Buffer.from(frame.values.buffer, frame.values.byteOffset, frame.values.byteLength);
  return Buffer.concat([prefix, header, values]);
}

/** Decode a binary data frame; throws ProtocolError naming what is wrong. */
export function decodeDataFrame(bytes: Uint8Array): DataFrame {
  if (bytes.length < 4) throw new ProtocolError(`data frame too short: ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, false);
  if (headerLength > MAX_HEADER_BYTES || 4 + headerLength > bytes.length) {
    throw new ProtocolError(`data frame header length ${headerLength} exceeds the frame (${bytes.length} bytes)`);
  }
  const header = parseHeader(Buffer.from(bytes.buffer, bytes.byteOffset + 4, headerLength).toString('utf8'));
  const count = header.shape[0] * header.shape[1];
  const payloadBytes = bytes.length - 4 - headerLength;
  const expectedBytes = count * BYTES_PER_VALUE[header.dtype];
  if (payloadBytes !== expectedBytes) {
    throw new ProtocolError(`data frame ${header.dataId}: payload is ${payloadBytes} bytes, shape ${header.shape.join('x')} ${header.dtype} needs ${expectedBytes}`);
  }
  // Copy: the payload offset is rarely aligned for a typed-array view.
  const payload = new Uint8Array(bytes.subarray(4 + headerLength)).buffer;
  return { header, values: typedArray(header.dtype, payload) };
}

function typedArray(dtype: DType, buffer: ArrayBuffer): TypedValues {
  switch (dtype) {
    case 'float32': return new Float32Array(buffer);
    case 'float64': return new Float64Array(buffer);
    case 'uint16': return new Uint16Array(buffer);
    case 'uint8': return new Uint8Array(buffer);
  }
}

function parseHeader(text: string): DataHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ProtocolError('data frame header is not JSON');
  }
  if (typeof raw !== 'object' || raw === null) throw new ProtocolError('data frame header is not an object');
  const h = raw as Partial<DataHeader>;
  if (typeof h.cmdId !== 'string' || typeof h.dataId !== 'string') throw new ProtocolError('data frame header needs cmdId and dataId strings');
  if (h.kind !== 'image' && h.kind !== 'spectrum') throw new ProtocolError(`data frame ${h.dataId}: kind must be image or spectrum`);
  if (!h.dtype || !(h.dtype in BYTES_PER_VALUE)) throw new ProtocolError(`data frame ${h.dataId}: unknown dtype ${String(h.dtype)}`);
  const shape = h.shape;
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((n) => Number.isInteger(n) && n > 0 && n <= 1 << 16)) {
    throw new ProtocolError(`data frame ${h.dataId}: shape must be two positive integers`);
  }
  return h as DataHeader;
}
