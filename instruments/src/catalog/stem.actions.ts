import { z } from 'zod';
import { type ActionCatalog, action } from './action';

const point = { xNm: z.number(), yNm: z.number() };
const frameTimeS = (pixels: number, dwellUs: number): number => (pixels * pixels * dwellUs) / 1e6;

export const stemActions: ActionCatalog = {
  loadSample: action({ params: z.object({ sampleId: z.string().min(1) }).strict(), nominalDurationS: () => 120, exclusive: true }),
  scan: action({
    params: z
      .object({
        fovNm: z.number().positive(),
        pixels: z.number().int().positive(),
        dwellUs: z.number().positive(),
        detector: z.enum(['haadf', 'bf']).default('haadf'),
        xNm: z.number().optional(),
        yNm: z.number().optional(),
      })
      .strict(),
    nominalDurationS: (p) => frameTimeS(p.pixels, p.dwellUs) + 0.5,
    derived: (p) => ({ frameTimeS: frameTimeS(p.pixels, p.dwellUs) }),
    exclusive: true,
  }),
  park: action({ params: z.object(point).strict(), nominalDurationS: () => 0.5, exclusive: true }),
  blank: action({ params: z.object({}).strict(), nominalDurationS: () => 0.1, exclusive: false }),
  unblank: action({ params: z.object({}).strict(), nominalDurationS: () => 0.1, exclusive: true }),
  eels: action({
    params: z.object({ ...point, dwellMs: z.number().positive() }).strict(),
    nominalDurationS: (p) => p.dwellMs / 1000 + 0.5,
    exclusive: true,
  }),
  setOptics: action({
    params: z.object({ name: z.string().min(1), value: z.number(), toleranceAbs: z.number().positive() }).strict(),
    nominalDurationS: () => 2,
    exclusive: true,
  }),
  moveStage: action({ params: z.object({ xUm: z.number(), yUm: z.number() }).strict(), nominalDurationS: () => 10, exclusive: true }),
};
