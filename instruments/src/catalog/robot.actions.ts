import { z } from 'zod';
import { type ActionCatalog, action } from './action';

const fraction = z.number().min(0).max(1);

export const recipeSchema = z
  .object({
    fractions: z.object({ A: fraction, B: fraction, C: fraction }).strict(),
    annealTempC: z.number(),
    annealTimeMin: z.number().positive(),
  })
  .strict()
  .refine((r) => Math.abs(r.fractions.A + r.fractions.B + r.fractions.C - 1) <= 1e-6, {
    message: 'composition fractions A + B + C must sum to 1',
    path: ['fractions'],
  });

export type Recipe = z.infer<typeof recipeSchema>;

const DISPENSE_MIX_COOL_S = 20 * 60;

export const robotActions: ActionCatalog = {
  synthesize: action({
    params: z.object({ sampleId: z.string().min(1), recipe: recipeSchema }).strict(),
    nominalDurationS: (p) => DISPENSE_MIX_COOL_S + p.recipe.annealTimeMin * 60,
    exclusive: true,
  }),
  handover: action({
    params: z.object({ sampleId: z.string().min(1), to: z.string().min(1) }).strict(),
    nominalDurationS: () => 90,
    exclusive: true,
  }),
  halt: action({ params: z.object({}).strict(), nominalDurationS: () => 1, exclusive: false }),
};
