import { z } from 'zod';

/**
 * The `vision` section of a lab file: the lab's own models and how inference runs. Every field has
 * a default, so a lab without the section gets the committed models and settings for two cores.
 */
export const visionConfigSchema = z.strictObject({
  /** Models the lab adds (or overrides by name): each a model card next to its ONNX file. */
  models: z.array(z.strictObject({ name: z.string().min(1), card: z.string().min(1) })).default([]),
  /** Model used per task when a request names none. */
  defaults: z.strictObject({ atoms: z.string().optional(), domains: z.string().optional() }).prefault({}),
  /** Inference worker threads (default 2: one frame's post-processing overlaps another's inference). */
  workers: z.number().int().min(1).max(16).optional(),
  /** ONNX Runtime intra-op threads per worker (default: all cores; the threads do not spin-wait). */
  threadsPerWorker: z.number().int().min(1).max(16).optional(),
  /** Measurement frames that may wait for analysis before acquisition is held back. */
  measurementQueue: z.number().int().min(1).max(1000).default(8),
  /** When a model fails on a frame: analyse it classically (marked in provenance) or fail it. */
  onModelError: z.enum(['classical', 'fail']).default('classical'),
});

/** Validated vision settings. */
export type VisionConfig = z.infer<typeof visionConfigSchema>;

/** The defaults (what an absent `vision` section means). */
export const DEFAULT_VISION_CONFIG: VisionConfig = visionConfigSchema.parse({});
