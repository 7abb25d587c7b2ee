/**
 * Protocol v1 messages as the device side writes them (docs/protocol.md). Deliberately not
 * imported from drivers/: the twins are a second, independent reading of the protocol.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type RejectCode = 'validation' | 'interlock' | 'not_in_control' | 'busy' | 'unsupported' | 'estopped';
export type TerminalStatus = 'succeeded' | 'failed' | 'cancelled';
export type DeviceState = 'offline' | 'idle' | 'busy' | 'paused' | 'fault' | 'estopped';

export interface Rejection {
  code: RejectCode;
  message: string;
  field?: string;
}

export interface AckMsg {
  v: 1;
  cmdId: string;
  accepted: boolean;
  duplicate?: true;
  reason?: Rejection;
}

export interface ProgressMsg {
  v: 1;
  cmdId: string;
  fraction: number;
  etaS: number;
  step: string;
}

/** How a command ended, independent of which cmdId it is reported under. */
export interface Outcome {
  status: TerminalStatus;
  outputs?: JsonObject;
  error?: { code: string; message: string };
  dataIds?: string[];
  finishedAtMs: number;
}

export type ResultMsg = { v: 1; cmdId: string } & Outcome;

export interface StatusMsg {
  v: 1;
  instrumentId: string;
  kind?: string;
  online: boolean;
  seq?: number;
  tsMs?: number;
  state: DeviceState;
  ready: boolean;
  reasons: string[];
  problems?: string[];
  activeCmdId?: string | null;
  telemetry?: JsonObject;
}

export type DType = 'float32' | 'float64' | 'uint16' | 'uint8';

export interface FrameHeader {
  v: 1;
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

/** The offline status: the MQTT last-will, and what a twin publishes when it stops. */
export const offlineStatus = (instrumentId: string): StatusMsg => ({
  v: 1,
  instrumentId,
  online: false,
  state: 'offline',
  ready: false,
  reasons: ['offline'],
});

/** What a twin sends; each transport frames it its own way. */
export type Outgoing =
  | { type: 'ack'; msg: AckMsg }
  | { type: 'progress'; msg: ProgressMsg }
  | { type: 'result'; msg: ResultMsg }
  | { type: 'status'; msg: StatusMsg }
  | { type: 'data'; frame: Buffer };
