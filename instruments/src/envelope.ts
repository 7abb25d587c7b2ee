import { LimitViolationError } from './errors';

export interface Limit {
  min?: number;
  max?: number;
}
export type Envelope = Record<string, Limit>;

/** The intersection of two envelopes: a campaign may only tighten the lab's limits. */
export function tighten(base: Envelope, extra: Envelope): Envelope {
  const merged: Envelope = { ...base };
  for (const [field, limit] of Object.entries(extra)) {
    const current = merged[field] ?? {};
    merged[field] = {
      min: maxDefined(current.min, limit.min),
      max: minDefined(current.max, limit.max),
    };
  }
  return merged;
}

/**
 * Check every numeric leaf of the params (by its leaf name, e.g. `recipe.annealTempC` is limited by
 * `annealTempC`) and every derived quantity against the envelope. Throws on the first violation.
 */
export function checkEnvelope(instrumentId: string, envelope: Envelope, params: unknown, derived: Record<string, number> = {}): void {
  const check = (field: string, leaf: string, value: number): void => {
    const limit = envelope[leaf];
    if (!limit) return;
    if (!Number.isFinite(value) || (limit.min !== undefined && value < limit.min) || (limit.max !== undefined && value > limit.max)) {
      throw new LimitViolationError(instrumentId, field, value, limit);
    }
  };
  walkNumbers(params, [], (path, value) => check(path.join('.'), path[path.length - 1], value));
  for (const [name, value] of Object.entries(derived)) check(name, name, value);
}

function walkNumbers(value: unknown, path: string[], visit: (path: string[], value: number) => void): void {
  if (typeof value === 'number') visit(path, value);
  else if (Array.isArray(value)) value.forEach((v, i) => walkNumbers(v, [...path, String(i)], visit));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walkNumbers(v, [...path, k], visit);
}

const maxDefined = (a?: number, b?: number): number | undefined => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
const minDefined = (a?: number, b?: number): number | undefined => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
