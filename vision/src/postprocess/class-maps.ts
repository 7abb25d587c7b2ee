/**
 * Per-pixel class maps of a segmentation: planar probabilities (classes x height x width), the
 * winning class per pixel and its probability.
 */
export interface ClassMaps {
  readonly width: number;
  readonly height: number;
  /** Class names in output-channel order, e.g. ['background', 'species_a', 'species_b', 'vacancy']. */
  readonly classes: readonly string[];
  /** classes x height x width, each pixel's values summing to 1. */
  readonly probabilities: Float32Array;
  /** Index of the most probable class per pixel. */
  readonly labels: Uint8Array;
  /** Probability of that class per pixel. */
  readonly maxProbability: Float32Array;
}

/** Argmax and its probability per pixel. */
export function classMaps(probabilities: Float32Array, classes: readonly string[], width: number, height: number): ClassMaps {
  const plane = width * height;
  if (probabilities.length !== classes.length * plane) {
    throw new RangeError(`probabilities hold ${probabilities.length} values, expected ${classes.length} x ${height} x ${width}`);
  }
  const labels = new Uint8Array(plane);
  const maxProbability = new Float32Array(plane).fill(-Infinity);
  for (let k = 0; k < classes.length; k++) {
    const offset = k * plane;
    for (let i = 0; i < plane; i++) {
      const p = probabilities[offset + i];
      if (p > maxProbability[i]) {
        maxProbability[i] = p;
        labels[i] = k;
      }
    }
  }
  return { width, height, classes, probabilities, labels, maxProbability };
}

/** In-place softmax over the class axis of planar logits (classes x plane). */
export function softmaxPlanar(logits: Float32Array, classes: number, plane: number): Float32Array {
  for (let i = 0; i < plane; i++) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[k * plane + i]);
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      const e = Math.exp(logits[k * plane + i] - max);
      logits[k * plane + i] = e;
      sum += e;
    }
    for (let k = 0; k < classes; k++) logits[k * plane + i] /= sum;
  }
  return logits;
}

/** A binary mask (1 where the label equals `classIndex`). */
export function classMask(maps: ClassMaps, classIndex: number): Uint8Array {
  const mask = new Uint8Array(maps.labels.length);
  for (let i = 0; i < mask.length; i++) mask[i] = maps.labels[i] === classIndex ? 1 : 0;
  return mask;
}

/**
 * How sure the model is about a frame, 0..1: the mean winning probability over the pixels that are
 * not background. Background dominates atom images and is easy, so averaging over it would hide
 * doubt about the atoms themselves; without a background class every pixel counts.
 */
export function frameConfidence(maps: ClassMaps, backgroundIndex: number | undefined): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < maps.labels.length; i++) {
    if (maps.labels[i] === backgroundIndex) continue;
    sum += maps.maxProbability[i];
    count++;
  }
  if (count === 0) {
    for (let i = 0; i < maps.maxProbability.length; i++) sum += maps.maxProbability[i];
    count = maps.maxProbability.length;
  }
  return count === 0 ? 0 : sum / count;
}
