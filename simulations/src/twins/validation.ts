import { z } from 'zod';
import type { Json, JsonObject, Rejection } from '../wire/messages';
import { type Derived, reject } from './action';

/** Device-side safety limits by name: a param (at any depth) or a derived quantity. */
export type Envelope = Record<string, { min?: number; max?: number }>;

const commandSchema = z.object({
  v: z.literal(1),
  cmdId: z.string().min(1),
  idempotencyKey: z.string().min(1),
  action: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  issuedBy: z.string().optional(),
  issuedAtMs: z.number().optional(),
  deadlineMs: z.number(),
  expectedDurationS: z.number().optional(),
});

export type CommandMsg = Omit<z.infer<typeof commandSchema>, 'params'> & { params: JsonObject };

/** Parse a command; unknown fields are ignored, a missing or malformed one is a `validation` rejection. */
export function parseCommand(raw: unknown): { command: CommandMsg } | { rejection: Rejection } {
  const parsed = commandSchema.safeParse(raw);
  if (!parsed.success) return { rejection: zodRejection(parsed.error) };
  // The payload came from JSON.parse, so params holds JSON values only.
  return { command: { ...parsed.data, params: parsed.data.params as JsonObject } };
}

/** The first zod issue as a rejection naming the field. */
export function zodRejection(error: z.ZodError): Rejection {
  const issue = error.issues[0];
  const field = issue.path.join('.');
  return reject('validation', field ? `${field}: ${issue.message}` : issue.message, field || undefined);
}

/** Out-of-range values are rejected, never clamped. Params are matched by name at any depth (recipe.annealTempC). */
export function checkEnvelope(envelope: Envelope, params: JsonObject, derived: Derived[]): Rejection | undefined {
  const checked = [...numericLeaves(params, ''), ...derived];
  for (const { name, value, field } of checked) {
    const limit = envelope[name];
    if (!limit) continue;
    if ((limit.min !== undefined && value < limit.min) || (limit.max !== undefined && value > limit.max)) {
      const range = `[${limit.min ?? '-inf'}, ${limit.max ?? 'inf'}]`;
      return reject('validation', `${name} ${round(value)} is outside ${range}`, field);
    }
  }
  return undefined;
}

function numericLeaves(value: Json, path: string): Derived[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const field = path ? `${path}.${key}` : key;
    return typeof child === 'number' ? [{ name: key, value: child, field }] : numericLeaves(child, field);
  });
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;
