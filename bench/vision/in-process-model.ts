import type * as ort from 'onnxruntime-node';
import type { FrameModel } from '../../vision/src';
import type { LoadedModel } from '../../apps/orchestrator/src/vision/model-loader';
import { openSession, runNchw } from '../../apps/orchestrator/src/vision/onnx-session';

/** A loaded model run on this thread (quality scoring needs no worker), with its session to release. */
export async function inProcessModel(model: LoadedModel, intraOpThreads: number): Promise<FrameModel & { session: ort.InferenceSession }> {
  const session = await openSession(model.modelPath, { intraOpThreads });
  return {
    session,
    spec: model.spec,
    run: (input, count, h, w) => runNchw(session, model.card.input.name, model.card.output.name, input, [count, 1, h, w]),
  };
}
