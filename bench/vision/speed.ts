import { analyzeFrame, DEFAULT_ANALYZE_OPTIONS, grayImage, normalize } from '../../vision/src';
import type { LoadedModel } from '../../apps/orchestrator/src/vision/model-loader';
import { drawStemConditions, noiseSeedOf, renderLabelledStem } from '../../training/twin/labelled-frames';
import { inProcessModel } from './in-process-model';
import { quantile } from './table';

/** Latency of one frame size. */
export interface LatencyRow {
  pixels: number;
  runs: number;
  /** The ONNX model alone (session.run on the normalized frame), ms. */
  modelP50Ms: number;
  modelP99Ms: number;
  /** Tiling, model, post-processing and overlay PNG, on one thread, ms. */
  frameP50Ms: number;
  frameP99Ms: number;
}

/**
 * Inference latency on this thread with the worker's session options (intra-op threads as given):
 * the model alone, and the whole frame analysis. A few warm-up runs are not counted.
 */
export async function measureLatency(model: LoadedModel, pixels: number, runs: number, intraOpThreads: number): Promise<LatencyRow> {
  const frameModel = await inProcessModel(model, intraOpThreads);
  const frame = renderLabelledStem(drawStemConditions(31337, pixels, { pixelSizeNm: 0.039, dwellUs: 10 }), noiseSeedOf(31337));
  const image = grayImage(pixels, pixels, frame.image, frame.pixelSizeNm);
  const input = normalize(image.data, model.spec.normalization);
  const modelMs: number[] = [];
  const frameMs: number[] = [];
  for (let i = 0; i < runs + 5; i++) {
    const t0 = performance.now();
    await frameModel.run(input, 1, pixels, pixels);
    const t1 = performance.now();
    await analyzeFrame(image, 'atoms', frameModel, DEFAULT_ANALYZE_OPTIONS);
    const t2 = performance.now();
    if (i < 5) continue;
    modelMs.push(t1 - t0);
    frameMs.push(t2 - t1);
  }
  await frameModel.session.release();
  return { pixels, runs, modelP50Ms: quantile(modelMs, 0.5), modelP99Ms: quantile(modelMs, 0.99), frameP50Ms: quantile(frameMs, 0.5), frameP99Ms: quantile(frameMs, 0.99) };
}
