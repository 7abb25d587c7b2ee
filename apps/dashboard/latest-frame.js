// The latest image an instrument sent, with its segmentation overlay on top.
import { session } from './api.js';

async function fetchBlob(path) {
  const response = await fetch(`/api/blobs/${path.split('/').pop()}`, { headers: { authorization: `Bearer ${session.token}` } });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response;
}

/** A data frame as protocol v1 encodes it: uint32 BE header length, JSON header, little-endian values. */
function decodeFrame(buffer) {
  const view = new DataView(buffer);
  const headerLength = view.getUint32(0, false);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, headerLength)));
  const bytes = buffer.slice(4 + headerLength);
  const arrays = { float32: Float32Array, float64: Float64Array, uint16: Uint16Array, uint8: Uint8Array };
  return { header, values: new arrays[header.dtype](bytes) };
}

function drawGray(canvas, { header, values }) {
  const [rows, cols] = header.shape;
  canvas.width = cols;
  canvas.height = rows;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const image = canvas.getContext('2d').createImageData(cols, rows);
  for (let i = 0; i < values.length; i++) {
    const g = hi > lo ? Math.round((255 * (values[i] - lo)) / (hi - lo)) : 128;
    image.data.set([g, g, g, 255], 4 * i);
  }
  canvas.getContext('2d').putImageData(image, 0, 0);
}

/** Show the first image of a measurement step, if it has one. */
export async function showLatestFrame(step, elements) {
  const file = (step.files ?? []).find((f) => f.kind === 'image');
  if (!file) return;
  const frame = decodeFrame(await (await fetchBlob(file.path)).arrayBuffer());
  elements.card.hidden = false;
  drawGray(elements.image, frame);
  const overlay = file.analysis?.overlay;
  const context = elements.overlay.getContext('2d');
  elements.overlay.width = elements.image.width;
  elements.overlay.height = elements.image.height;
  context.clearRect(0, 0, elements.overlay.width, elements.overlay.height);
  if (overlay) {
    const bitmap = await createImageBitmap(await (await fetchBlob(overlay.path)).blob());
    context.drawImage(bitmap, 0, 0, elements.overlay.width, elements.overlay.height);
  }
  const analysis = file.analysis;
  const features = Object.entries(step.features ?? {})
    .filter(([k]) => !['image_mean'].includes(k))
    .slice(0, 6)
    .map(([k, v]) => `${k} ${Number(v).toPrecision(3)}`)
    .join(', ');
  elements.caption.textContent = `${step.stepId} · ${file.channel ?? ''} ${frame.header.shape.join('x')}${analysis ? ` · ${analysis.method}${analysis.model ? ` ${analysis.model.name} (${analysis.model.sha256.slice(0, 8)})` : ''}` : ''}${features ? ` · ${features}` : ''}`;
}
