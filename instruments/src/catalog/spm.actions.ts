import { z } from 'zod';
import { type ActionCatalog, action } from './action';

const point = { xNm: z.number(), yNm: z.number() };
/** Topography, PFM amplitude and phase, and the conductive-AFM current (pA at `readBiasV`). */
const channel = z.enum(['height', 'pfmAmplitude', 'pfmPhase', 'current']);
/** The instrument's read bias when a scan records `current` and names none. */
const DEFAULT_READ_BIAS_V = 1;

export const spmActions: ActionCatalog = {
  loadSample: action({ params: z.object({ sampleId: z.string().min(1) }).strict(), nominalDurationS: () => 60, exclusive: true }),
  approach: action({ params: z.object({}).strict(), nominalDurationS: () => 30, exclusive: true }),
  withdraw: action({ params: z.object({}).strict(), nominalDurationS: () => 10, exclusive: true }),
  moveTip: action({ params: z.object(point).strict(), nominalDurationS: () => 5, exclusive: true }),
  setBias: action({ params: z.object({ biasV: z.number() }).strict(), nominalDurationS: () => 1, exclusive: true }),
  scan: action({
    params: z
      .object({
        sizeNm: z.number().positive(),
        pixels: z.number().int().positive(),
        angleDeg: z.number().default(0),
        lineRateHz: z.number().positive(),
        channels: z.array(channel).min(1).default(['height']),
        xNm: z.number().optional(),
        yNm: z.number().optional(),
        readBiasV: z.number().optional(),
      })
      .strict(),
    // Trace and retrace of every line.
    nominalDurationS: (p) => (2 * p.pixels) / p.lineRateHz,
    // A current map puts the read bias on the tip: the envelope's biasV limits it like a loop's vMaxV.
    derived: (p): Record<string, number> => (p.channels.includes('current') ? { biasV: p.readBiasV ?? DEFAULT_READ_BIAS_V } : {}),
    exclusive: true,
  }),
  hysteresisLoop: action({
    params: z
      .object({ ...point, vMaxV: z.number().positive(), cycles: z.number().int().min(1).max(20), points: z.number().int().min(8).max(1024) })
      .strict(),
    nominalDurationS: (p) => p.cycles * p.points * 0.05,
    derived: (p) => ({ biasV: p.vMaxV }),
    exclusive: true,
  }),
  ivCurve: action({
    params: z.object({ ...point, vMaxV: z.number().positive(), points: z.number().int().min(8).max(4096) }).strict(),
    nominalDurationS: (p) => p.points * 0.01,
    derived: (p) => ({ biasV: p.vMaxV }),
    exclusive: true,
  }),
};
