/**
 * Vision library: pure TypeScript image decoding, normalization, tiling, post-processing of
 * segmentations into atoms, domains and named features, and the classical baselines. No inference
 * runtime here: the orchestrator supplies a TileBatchRunner backed by onnxruntime.
 */
export { type GrayImage, grayImage, meanStd, percentile, ImageShapeError } from './image/gray-image';
export { type Normalization, normalize } from './image/normalize';
export { ImageDecodeError } from './codec/decode-error';
export { decodeImage, sniffImageFormat } from './codec/decode-image';
export { decodePng, encodeRgbaPng, encodeGray16Png } from './codec/png.codec';
export { decodeTiff, encodeTiff } from './codec/tiff.codec';
export { planTiles, readWindow, writeOwned, reflectIndex, type Tile } from './tiling/tiles';
export { segmentTiled, type TiledModelSpec, type TileBatchRunner } from './tiling/segment-tiled';
export { type ClassMaps, classMaps, classMapsFromLogits, classMask, frameConfidence } from './postprocess/class-maps';
export { connectedComponents, componentAreas, type Components } from './postprocess/components';
export { type Atom, atomsFromClassMaps, type AtomExtractionOptions } from './postprocess/atoms';
export { boundaryLengthPx, domainStats, domainMasks, type DomainStats } from './postprocess/domains';
export { ATOM_CLASSES, DOMAIN_CLASSES, atomFeatures, domainFeatures, type FeatureMap, type FrameGeometry } from './postprocess/features';
export { renderOverlay, CLASS_COLOURS } from './postprocess/overlay';
export { detectAtomsLoG, DEFAULT_LOG_OPTIONS, type LogAtomOptions } from './classical/log-atoms';
export { thresholdDomains, DEFAULT_PHASE_OPTIONS, type PhaseThresholdOptions } from './classical/threshold-domains';
export { gaussianBlur, negativeLoG } from './classical/gaussian';
export { otsuThreshold } from './classical/otsu';
export {
  analyzeSegmentation,
  analyzeClassical,
  TASK_CLASSES,
  DEFAULT_CLASSICAL_OPTIONS,
  type VisionTask,
  type FrameAnalysis,
  type ClassicalOptions,
} from './analysis/analyze';
export { analyzeFrame, DEFAULT_ANALYZE_OPTIONS, type AnalyzeFrameOptions, type AnalyzedFrame, type FrameModel } from './analysis/analyze-frame';
export { matchPoints, detectionScore, classIou, score, type LabelledPoint, type DetectionScore } from './metrics/detection';
