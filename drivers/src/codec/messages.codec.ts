import { z } from 'zod';
import { ProtocolError } from '../errors';
import type { Ack, Progress, ResultMsg, StatusMsg } from '../messages';

const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);
const params = z.record(z.string(), jsonValue);

const ackSchema = z.object({
  v: z.number(),
  cmdId: z.string().min(1),
  accepted: z.boolean(),
  duplicate: z.boolean().optional(),
  reason: z
    .object({
      code: z.enum(['validation', 'interlock', 'not_in_control', 'busy', 'unsupported', 'estopped']),
      message: z.string(),
      field: z.string().optional(),
    })
    .optional(),
});

const progressSchema = z.object({
  v: z.number(),
  cmdId: z.string().min(1),
  fraction: z.number().min(0).max(1),
  etaS: z.number().nonnegative().optional(),
  step: z.string().optional(),
});

const resultSchema = z.object({
  v: z.number(),
  cmdId: z.string().min(1),
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  outputs: params.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  dataIds: z.array(z.string()).optional(),
  finishedAtMs: z.number().optional(),
});

const statusSchema = z.object({
  v: z.number(),
  instrumentId: z.string().min(1),
  kind: z.string().optional(),
  online: z.boolean(),
  seq: z.number().optional(),
  tsMs: z.number().optional(),
  state: z.enum(['offline', 'idle', 'busy', 'paused', 'fault', 'estopped']),
  ready: z.boolean(),
  reasons: z.array(z.string()),
  problems: z.array(z.string()).optional(),
  activeCmdId: z.string().nullable().optional(),
  telemetry: params.optional(),
});

function decode<T>(what: string, schema: z.ZodType<T>, text: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ProtocolError(`${what} is not valid JSON: ${text.slice(0, 80)}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProtocolError(`${what}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

export const decodeAck = (text: string): Ack => decode('ack', ackSchema, text) as Ack;
export const decodeProgress = (text: string): Progress => decode('progress', progressSchema, text);
export const decodeResult = (text: string): ResultMsg => decode('result', resultSchema, text) as ResultMsg;
export const decodeStatus = (text: string): StatusMsg => decode('status', statusSchema, text) as StatusMsg;
