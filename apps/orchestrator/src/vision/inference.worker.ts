import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { analyzeFrame, type FrameModel, grayImage } from '../../../../vision/src';
import type { AnalyzeRequest, AnalyzeResponse, WorkerConfig, WorkerModel, WorkerRequest } from './inference-protocol';
import { openSession, runNchw } from './onnx-session';

/**
 * Inference worker: owns one ONNX Runtime session per model file and analyses one frame at a time
 * (tiling, model, post-processing, overlay), so none of that runs on the orchestrator's event loop.
 */
const config = workerData as WorkerConfig;

/**
 * Lower this thread's priority before any session exists, so the ONNX Runtime threads it starts
 * inherit it: inference is throughput work, while the orchestrator's own thread (HTTP API,
 * websockets, instrument commands) is latency work that must win the cores when both want them.
 * Linux keeps a nice value per thread (setpriority on a thread id); elsewhere nothing changes.
 */
function lowerPriority(nice: number): void {
  if (nice === 0) return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // No /proc/thread-self (not Linux) or not permitted: run at the normal priority.
  }
}
lowerPriority(config.nice);
const sessions = new Map<string, Promise<ort.InferenceSession>>();

function sessionFor(path: string): Promise<ort.InferenceSession> {
  let session = sessions.get(path);
  if (!session) {
    session = openSession(path, { intraOpThreads: config.intraOpThreads });
    // A failed open must not be cached: the next job retries (the file may have been fixed).
    session.catch(() => sessions.delete(path));
    sessions.set(path, session);
  }
  return session;
}

function frameModel(model: WorkerModel): FrameModel {
  return {
    spec: model.spec,
    run: async (input, count, h, w) => runNchw(await sessionFor(model.path), model.inputName, model.outputName, input, [count, 1, h, w]),
  };
}

async function handle(request: AnalyzeRequest): Promise<AnalyzeResponse> {
  const { width, height, data, pixelSizeNm } = request.image;
  const image = grayImage(width, height, data, pixelSizeNm);
  const result = await analyzeFrame(image, request.task, request.model && frameModel(request.model), request.options);
  return {
    jobId: request.jobId,
    ok: true,
    features: result.analysis.features,
    ...(request.includeAtoms ? { atoms: result.analysis.atoms } : {}),
    // A copy with its own ArrayBuffer: a small Buffer may sit in Node's shared pool, which cannot be transferred.
    ...(result.overlayPng ? { overlayPng: new Uint8Array(result.overlayPng) } : {}),
    tiles: result.tiles,
    inferenceMs: result.inferenceMs,
    postprocessMs: result.postprocessMs,
  };
}

const port = parentPort;
if (!port) throw new Error('inference.worker must run in a worker thread');
/** The frame in hand (the pool sends one at a time); settles once its response is posted. */
let inFlight: Promise<void> = Promise.resolve();

/**
 * Shut down from inside: wait for the frame in hand (its native run must return before this thread
 * may end, see CloseRequest), release the sessions, then close the port so the thread's event loop
 * empties and it exits with code 0.
 */
async function shutDown(): Promise<void> {
  await inFlight;
  for (const session of sessions.values()) await session.then((s) => s.release()).catch(() => undefined);
  sessions.clear();
  port?.close();
}

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'close') {
    void shutDown();
    return;
  }
  inFlight = handle(request).then(
    (response) => port.postMessage(response, response.ok && response.overlayPng ? [response.overlayPng.buffer as ArrayBuffer] : []),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ jobId: request.jobId, ok: false, error: { name: e.name, message: e.message } } satisfies AnalyzeResponse);
    },
  );
});
