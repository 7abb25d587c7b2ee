import type { z } from 'zod';

/** What the orchestrator knows about one instrument action before it sends it. */
export interface ActionSpec<P = Record<string, unknown>> {
  params: z.ZodType<P>;
  /** Nominal duration at real instrument pace, used when a campaign step names none. */
  nominalDurationS: (params: P) => number;
  /** Quantities derived from the params that envelopes may limit, e.g. STEM frameTimeS. */
  derived?: (params: P) => Record<string, number>;
  /** Motion or acquisition: the instrument runs one at a time; control actions are always accepted. */
  exclusive: boolean;
}

export type ActionCatalog = Record<string, ActionSpec>;

/** Widen a typed spec for storage in a catalog; the schema still checks every call. */
export const action = <P>(spec: ActionSpec<P>): ActionSpec => spec as unknown as ActionSpec;
