import { encodeRgbaPng } from '../codec/png.codec';
import type { GrayImage } from '../image/gray-image';
import { renderOverlay } from '../postprocess/overlay';
import { segmentTiled, type TileBatchRunner, type TiledModelSpec } from '../tiling/segment-tiled';
import { analyzeClassical, analyzeSegmentation, type ClassicalOptions, DEFAULT_CLASSICAL_OPTIONS, type FrameAnalysis, type VisionTask } from './analyze';

/** A model as the frame analysis sees it: how to tile for it and how to run it. */
export interface FrameModel {
  spec: TiledModelSpec;
  run: TileBatchRunner;
}

export interface AnalyzeFrameOptions {
  /** Encode an overlay PNG of the segmentation. */
  overlay: boolean;
  /** Blobs smaller than this are not atoms. */
  minAtomAreaPx: number;
  classical: ClassicalOptions;
}

export const DEFAULT_ANALYZE_OPTIONS: AnalyzeFrameOptions = { overlay: true, minAtomAreaPx: 2, classical: DEFAULT_CLASSICAL_OPTIONS };

/** A frame's analysis plus what it cost. */
export interface AnalyzedFrame {
  analysis: FrameAnalysis;
  overlayPng?: Uint8Array;
  tiles: number;
  /** Model time (all tiles), ms; 0 for the classical method. */
  inferenceMs: number;
  /** Normalization, stitching, post-processing and overlay, ms. */
  postprocessMs: number;
}

/**
 * Analyse one frame end to end: the model through the tiler (or the classical method when no model
 * is given), then post-processing and the overlay. Pure apart from the injected runner, so the same
 * code runs in an inference worker, in a test, or in-process.
 */
export async function analyzeFrame(image: GrayImage, task: VisionTask, model: FrameModel | undefined, options: AnalyzeFrameOptions = DEFAULT_ANALYZE_OPTIONS): Promise<AnalyzedFrame> {
  const started = performance.now();
  let inferenceMs = 0;
  let tiles = 0;
  let analysis: FrameAnalysis;
  if (model) {
    const timed: TileBatchRunner = async (input, count, h, w) => {
      const t = performance.now();
      const out = await model.run(input, count, h, w);
      inferenceMs += performance.now() - t;
      tiles += count;
      return out;
    };
    analysis = analyzeSegmentation(task, await segmentTiled(image, model.spec, timed), image, options.minAtomAreaPx);
  } else {
    analysis = analyzeClassical(task, image, options.classical);
  }
  const overlayPng = options.overlay ? encodeRgbaPng(image.width, image.height, renderOverlay(image, analysis.labels, analysis.classes, analysis.atoms)) : undefined;
  return { analysis, overlayPng, tiles, inferenceMs, postprocessMs: performance.now() - started - inferenceMs };
}

