import type { AnalyzeFrameOptions, Atom, FeatureMap, TiledModelSpec, VisionTask } from '../../../../vision/src';

/** The model a job uses: where its ONNX file is and how to feed it. */
export interface WorkerModel {
  path: string;
  inputName: string;
  outputName: string;
  spec: TiledModelSpec;
}

/** Main thread -> worker: analyse one frame. The pixel buffer is transferred, not copied. */
export interface AnalyzeRequest {
  jobId: number;
  task: VisionTask;
  image: { width: number; height: number; data: Float32Array; pixelSizeNm?: number };
  /** Absent: the classical method. */
  model?: WorkerModel;
  options: AnalyzeFrameOptions;
  includeAtoms: boolean;
}

/** Worker -> main thread. */
export type AnalyzeResponse =
  | {
      jobId: number;
      ok: true;
      features: FeatureMap;
      atoms?: Atom[];
      overlayPng?: Uint8Array;
      tiles: number;
      inferenceMs: number;
      postprocessMs: number;
    }
  | { jobId: number; ok: false; error: { name: string; message: string } };

/** Data every worker starts with. */
export interface WorkerConfig {
  intraOpThreads: number;
}
