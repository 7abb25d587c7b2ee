import { z } from 'zod';
import { TASK_CLASSES, type TiledModelSpec } from '../../../../vision/src';
import { ModelCardError } from './vision-errors';

/**
 * The model card: everything needed to run a segmentation model correctly and to say later which
 * model produced a number. The ONNX file is checked against it at load.
 */
const normalization = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('zscore') }),
  z.strictObject({ kind: z.literal('fixed'), mean: z.number(), std: z.number().positive() }),
  z.strictObject({ kind: z.literal('percentile'), low: z.number().min(0).max(1), high: z.number().min(0).max(1) }),
]);

const spatial = z.number().int().positive().nullable();

export const modelCardSchema = z
  .object({
    schema: z.literal('lab.vision.model-card/v1'),
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, dot, dash, underscore'),
    task: z.enum(['atoms', 'domains']),
    /** ONNX file, relative to the card. */
    file: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
    description: z.string().optional(),
    input: z.object({
      name: z.string().min(1),
      channels: z.literal(1),
      /** Fixed input height/width in pixels, or null when the model takes any multiple of multipleOfPx. */
      heightPx: spatial,
      widthPx: spatial,
      multipleOfPx: z.number().int().positive().default(1),
      normalization,
      source: z.string().optional(),
      /** Pixel sizes the model was trained on; frames outside get a warning in their provenance. */
      pixelSizeNm: z.object({ min: z.number().positive(), max: z.number().positive() }).optional(),
    }),
    output: z.object({
      name: z.string().min(1),
      activation: z.enum(['logits', 'probabilities']),
      classes: z.array(z.string().min(1)).min(2),
    }),
    tiling: z.object({ tilePx: z.number().int().positive(), overlapPx: z.number().int().nonnegative(), batchSize: z.number().int().positive().default(4) }).optional(),
    training: z.record(z.string(), z.unknown()).optional(),
    metrics: z.record(z.string(), z.unknown()).optional(),
    limitations: z.string().optional(),
  })
  .superRefine((card, ctx) => {
    const expected = TASK_CLASSES[card.task];
    if (card.output.classes.join(',') !== expected.join(',')) {
      ctx.addIssue({ code: 'custom', path: ['output', 'classes'], message: `'${card.task}' models must output the classes [${expected.join(', ')}] in that order` });
    }
    if ((card.input.heightPx === null) !== (card.input.widthPx === null) || (card.input.heightPx !== null && card.input.heightPx !== card.input.widthPx)) {
      ctx.addIssue({ code: 'custom', path: ['input', 'heightPx'], message: 'fixed inputs must be square (heightPx = widthPx), or both null for any size' });
    }
    const fixed = card.input.heightPx;
    if (fixed !== null && card.tiling && card.tiling.tilePx !== fixed) {
      ctx.addIssue({ code: 'custom', path: ['tiling', 'tilePx'], message: `a fixed-size model tiles at its input size ${fixed}` });
    }
    if (card.tiling && card.tiling.overlapPx >= card.tiling.tilePx) {
      ctx.addIssue({ code: 'custom', path: ['tiling', 'overlapPx'], message: 'the overlap must be smaller than the tile' });
    }
  });

/** A validated model card. */
export type ModelCard = z.infer<typeof modelCardSchema>;

/** Parse and validate a card's JSON text; errors name the file and every bad field. */
export function parseModelCard(text: string, file: string): ModelCard {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ModelCardError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = modelCardSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(card)'}: ${issue.message}`);
    throw new ModelCardError(`${file}: invalid model card: ${problems.join('; ')}`);
  }
  return parsed.data;
}

const DEFAULT_TILE_PX = 512;
const DEFAULT_OVERLAP_PX = 64;

/** The tiler's view of a card. */
export function tiledSpecOf(card: ModelCard): TiledModelSpec {
  const fixed = card.input.heightPx ?? undefined;
  return {
    classes: card.output.classes,
    normalization: card.input.normalization,
    tilePx: fixed ?? card.tiling?.tilePx ?? DEFAULT_TILE_PX,
    overlapPx: card.tiling?.overlapPx ?? Math.min(DEFAULT_OVERLAP_PX, Math.floor((fixed ?? DEFAULT_TILE_PX) / 4)),
    fixedInputPx: fixed,
    multipleOfPx: card.input.multipleOfPx,
    batchSize: card.tiling?.batchSize ?? 4,
    outputs: card.output.activation,
  };
}

