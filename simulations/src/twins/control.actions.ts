import { z } from 'zod';
import type { JsonObject } from '../wire/messages';
import { type AnyAction, defineAction } from './action';

/** What the control actions need from their twin. */
export interface ControlSurface {
  describe(): JsonObject;
  cancel(targetCmdId: string): boolean;
  estop(reason: string): void;
  reset(): void;
  clearProblem(problem: string): void;
  query(cmdIds: string[]): JsonObject;
}

/** Actions that never answer from the idempotency cache: their answer must be current. */
export const READ_ONLY_ACTIONS = new Set(['describe', 'query']);

const reason = z.object({ reason: z.string().min(1) });

/** The control actions of every instrument (docs/protocol.md): always accepted, never busy. */
export function controlActions(twin: ControlSurface): Record<string, AnyAction> {
  return {
    describe: defineAction({ params: z.object({}), exclusive: false, run: async () => twin.describe() }),
    cancel: defineAction({
      params: z.object({ targetCmdId: z.string().min(1) }),
      exclusive: false,
      run: async (_ctx, p) => ({ cancelled: twin.cancel(p.targetCmdId) }),
    }),
    estop: defineAction({
      // An estop without a reason still stops: safety first, bookkeeping second.
      params: z.object({ reason: z.string().default('unspecified') }),
      exclusive: false,
      run: async (_ctx, p) => {
        twin.estop(p.reason);
        return undefined;
      },
    }),
    reset: defineAction({
      params: reason,
      exclusive: false,
      run: async () => {
        twin.reset();
        return undefined;
      },
    }),
    clearProblem: defineAction({
      params: z.object({ problem: z.string().min(1) }),
      exclusive: false,
      run: async (_ctx, p) => {
        twin.clearProblem(p.problem);
        return undefined;
      },
    }),
    query: defineAction({
      params: z.object({ cmdIds: z.array(z.string()) }),
      exclusive: false,
      run: async (_ctx, p) => twin.query(p.cmdIds),
    }),
  };
}
