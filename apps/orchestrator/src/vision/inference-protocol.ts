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
  type: 'analyze';
  jobId: number;
  task: VisionTask;
  image: { width: number; height: number; data: Float32Array; pixelSizeNm?: number };
  /** Absent: the classical method. */
  model?: WorkerModel;
  options: AnalyzeFrameOptions;
  includeAtoms: boolean;
}

/**
 * Main thread -> worker: finish the frame in hand, release the ONNX sessions and exit. The pool
 * never terminates a worker that may be inside a native InferenceSession.run: V8 termination
 * mid-run makes the binding's N-API calls fail on the way out, node-addon-api throws a C++
 * Napi::Error that nothing can catch, and std::terminate aborts the whole process.
 */
export interface CloseRequest {
  type: 'close';
}

/** Everything the main thread sends a worker. */
export type WorkerRequest = AnalyzeRequest | CloseRequest;

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
  /** Scheduling niceness for the worker thread and the ONNX Runtime threads it starts (0: unchanged). */
  nice: number;
}
