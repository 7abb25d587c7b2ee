import type { DataFrame } from '@lab/drivers';
import { type GrayImage, grayImage, type VisionTask } from '../../../../vision/src';
import { UnsupportedFrameError } from './vision-errors';

/** Which task a channel's images need: HAADF shows atomic columns, PFM phase shows domains. */
const TASK_OF_CHANNEL: Record<string, VisionTask> = { haadf: 'atoms', pfmPhase: 'domains' };

/** The pixels of an image DataFrame as a float32 gray image with its pixel size. */
export function imageOfFrame(frame: DataFrame): GrayImage {
  const { header, values } = frame;
  if (header.kind !== 'image') throw new UnsupportedFrameError(`data ${header.dataId} is a ${header.kind}, not an image`);
  const [rows, columns] = header.shape;
  if (values.length !== rows * columns) throw new UnsupportedFrameError(`data ${header.dataId} has ${values.length} values for shape [${rows}, ${columns}]`);
  // Always a fresh float32 copy: the frame may be stored or reused elsewhere, and workers take ownership.
  const data = Float32Array.from(values);
  return grayImage(columns, rows, data, header.pixelSizeNm);
}

/** The task for a frame: the explicit one, else from its channel. */
export function taskOfFrame(frame: DataFrame, explicit?: VisionTask): VisionTask {
  if (explicit) return explicit;
  const channel = frame.header.channel ?? '';
  const task = TASK_OF_CHANNEL[channel];
  if (!task) {
    throw new UnsupportedFrameError(`no vision task for channel '${channel || 'none'}' (known: ${Object.entries(TASK_OF_CHANNEL).map(([c, t]) => `${c} -> ${t}`).join(', ')}); pass a task to force one`);
  }
  return task;
}
