import type { z } from 'zod';
import type { JsonObject, Rejection } from '../wire/messages';
import type { RunContext } from './run-context';

/** A quantity an envelope may limit, derived from the params (e.g. STEM frameTimeS); `field` is the param to blame. */
export interface Derived {
  name: string;
  value: number;
  field: string;
}

/** One action a twin understands. */
export interface ActionDef<P> {
  params: z.ZodType<P>;
  /**
   * Motion or acquisition: runs one at a time (`busy` otherwise) and is refused while estopped or
   * in fault. Non-exclusive actions (control actions, blank, halt) are always accepted.
   */
  exclusive: boolean;
  /** A measurement also needs a mounted sample and no open problems (`interlock` otherwise). */
  measurement?: boolean;
  /** Envelope-limited quantities beyond the params themselves. */
  derived?(params: P): Derived[];
  /** Preconditions at acceptance time (interlocks, unknown samples). */
  check?(params: P): Rejection | undefined;
  /** Do the work; throw ActionFailure for a failed result. Returns the result's outputs. */
  run(ctx: RunContext, params: P): Promise<JsonObject | undefined>;
}

export type AnyAction = ActionDef<never>;

/** Keep the param type while storing actions in one table (run() only ever sees parsed params). */
export const defineAction = <P>(def: ActionDef<P>): AnyAction => def as unknown as AnyAction;

/** Ends a command with status `failed` and this error code. */
export class ActionFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const reject = (code: Rejection['code'], message: string, field?: string): Rejection => ({ code, message, ...(field ? { field } : {}) });

/** The first coordinate outside the instrument's scan range [0, rangeNm], as a rejection naming its field. */
export function outsideScanRange(rangeNm: number, coordinates: ReadonlyArray<readonly [field: string, valueNm: number]>): Rejection | undefined {
  const outside = coordinates.find(([, valueNm]) => valueNm < 0 || valueNm > rangeNm);
  return outside && reject('validation', `${outside[0]} ${outside[1]} is outside the scan range [0, ${rangeNm}] nm`, outside[0]);
}
