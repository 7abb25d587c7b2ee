import { z } from 'zod';
import { type ActionCatalog, action } from './action';

const point = { xNm: z.number(), yNm: z.number() };
const channel = z.enum(['height', 'pfmAmplitude', 'pfmPhase']);

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
      })
      .strict(),
    // Trace and retrace of every line.
    nominalDurationS: (p) => (2 * p.pixels) / p.lineRateHz,
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
