/**
 * Wire messages of protocol v1 (docs/protocol.md), shared by every transport.
 */

export const PROTOCOL_VERSION = 1;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type Params = Record<string, JsonValue>;

export interface Command {
  v: number;
  cmdId: string;
  idempotencyKey: string;
  action: string;
  params: Params;
  issuedBy: string;
  issuedAtMs: number;
  deadlineMs: number;
  expectedDurationS: number;
}

export type RejectCode = 'validation' | 'interlock' | 'not_in_control' | 'busy' | 'unsupported' | 'estopped';

export interface Ack {
  v: number;
  cmdId: string;
  accepted: boolean;
  duplicate?: boolean;
  reason?: { code: RejectCode; message: string; field?: string };
}

export interface Progress {
  v: number;
  cmdId: string;
  fraction: number;
  etaS?: number;
  step?: string;
}

export type TerminalStatus = 'succeeded' | 'failed' | 'cancelled';

export interface ResultMsg {
  v: number;
  cmdId: string;
  status: TerminalStatus;
  outputs?: Params;
  error?: { code: string; message: string };
  dataIds?: string[];
  finishedAtMs?: number;
}

export type InstrumentState = 'offline' | 'idle' | 'busy' | 'paused' | 'fault' | 'estopped';

export interface StatusMsg {
  v: number;
  instrumentId: string;
  kind?: string;
  online: boolean;
  seq?: number;
  tsMs?: number;
  state: InstrumentState;
  ready: boolean;
  reasons: string[];
  problems?: string[];
  activeCmdId?: string | null;
  telemetry?: Params;
}

export type DType = 'float32' | 'float64' | 'uint16' | 'uint8';

export interface DataHeader {
  v: number;
  cmdId: string;
  dataId: string;
  kind: 'image' | 'spectrum';
  dtype: DType;
  shape: [number, number];
  channel?: string;
  units?: string;
  rows?: string[];
  pixelSizeNm?: number;
  originNm?: { xNm: number; yNm: number };
}

export type TypedValues = Float32Array | Float64Array | Uint16Array | Uint8Array;

export interface DataFrame {
  header: DataHeader;
  values: TypedValues;
}
