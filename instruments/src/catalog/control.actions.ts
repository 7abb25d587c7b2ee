import { z } from 'zod';
import { type ActionCatalog, action } from './action';

const none = z.object({}).strict();

/** Actions every instrument supports (docs/protocol.md, "Control actions"). */
export const controlActions: ActionCatalog = {
  describe: action({ params: none, nominalDurationS: () => 1, exclusive: false }),
  cancel: action({ params: z.object({ targetCmdId: z.string().min(1) }).strict(), nominalDurationS: () => 1, exclusive: false }),
  estop: action({ params: z.object({ reason: z.string().min(1) }).strict(), nominalDurationS: () => 1, exclusive: false }),
  reset: action({ params: z.object({ reason: z.string().min(1) }).strict(), nominalDurationS: () => 1, exclusive: false }),
  clearProblem: action({ params: z.object({ problem: z.string().min(1) }).strict(), nominalDurationS: () => 1, exclusive: false }),
  query: action({ params: z.object({ cmdIds: z.array(z.string()) }).strict(), nominalDurationS: () => 1, exclusive: false }),
};
