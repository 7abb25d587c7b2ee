/**
 * Vision in the orchestrator: ONNX segmentation in worker threads behind a pipeline with
 * backpressure, model cards and loading, and the `lab segment` command. The pure image library is
 * in vision/src (decoding, tiling, post-processing, classical baselines).
 */
export { VisionPipeline, type VisionPipelineOptions, defaultPoolOptions } from './vision-pipeline';
export type { FeatureOptions, FrameFeatures, FrameProvenance, FrameResult, FrameSource } from './vision-types';
export type { Admitted, SchedulerStats } from './frame-scheduler';
export { visionConfigSchema, DEFAULT_VISION_CONFIG, type VisionConfig } from './vision-config';
export { loadModel, type LoadedModel } from './model-loader';
export { modelCardSchema, parseModelCard, type ModelCard } from './model-card';
export { ModelRegistry, registrySources, builtinCards, BUILTIN_DEFAULTS, BUILTIN_MODELS_DIR, type RegistrySources } from './model-registry';
export { segmentCommand, overlayPathFor, type SegmentFlags, type CommandIo } from './segment.command';
export { ModelCardError, ModelLoadError, UnsupportedFrameError, SupersededError, PipelineClosedError } from './vision-errors';
