import * as ort from 'onnxruntime-node';

/** Thread settings of one inference session. */
export interface SessionThreads {
  /** Threads inside one operator (convolutions parallelize well). */
  intraOpThreads: number;
}

/**
 * Open an ONNX Runtime session tuned for a small shared CPU: sequential execution (the graph is a
 * chain, so inter-op parallelism buys nothing and would oversubscribe the cores), one inter-op
 * thread, every graph optimization (including the blocked NCHWc conv layout), the memory arena and
 * pattern planner so repeated frames of one size reuse their buffers, and no spin-waiting between
 * operators: on two cores shared with Node's own threads (and other workers), spinning threads steal
 * the core the next operator needs; measured here, turning it off cut the 256 px model time from
 * 7.3 to 2.6 ms and the 512 px time from 20 to 12 ms (p50).
 */
export function openSession(modelPath: string, threads: SessionThreads): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: threads.intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableCpuMemArena: true,
    enableMemPattern: true,
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
}

/** Run a single-input, single-output model on a float32 NCHW batch and return the output values. */
export async function runNchw(session: ort.InferenceSession, inputName: string, outputName: string, input: Float32Array, dims: readonly number[]): Promise<Float32Array> {
  const feeds = { [inputName]: new ort.Tensor('float32', input, dims) };
  const result = await session.run(feeds, [outputName]);
  const output = result[outputName];
  if (!(output.data instanceof Float32Array)) throw new TypeError(`output '${outputName}' is ${output.type}, not float32`);
  // The tensor owns native memory; copy before it is released so the caller's array stays valid.
  const values = output.data.slice();
  output.dispose();
  return values;
}
