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

/**
 * Class maps from planar logits: softmax over the class axis in place, with the argmax and its
 * probability (1 / sum of exp(logit - max)) found in the same pass, so each pixel costs one exp
 * per class and nothing more.
 */
export function classMapsFromLogits(logits: Float32Array, classes: readonly string[], width: number, height: number): ClassMaps {
  const plane = width * height;
  const k = classes.length;
  if (logits.length !== k * plane) throw new RangeError(`logits hold ${logits.length} values, expected ${k} x ${height} x ${width}`);
  const labels = new Uint8Array(plane);
  const maxProbability = new Float32Array(plane);
  for (let i = 0; i < plane; i++) {
    let max = logits[i];
    let best = 0;
    for (let c = 1; c < k; c++) {
      const v = logits[c * plane + i];
      if (v > max) {
        max = v;
        best = c;
      }
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(logits[c * plane + i] - max);
      logits[c * plane + i] = e;
      sum += e;
    }
    const inverse = 1 / sum;
    for (let c = 0; c < k; c++) logits[c * plane + i] *= inverse;
    labels[i] = best;
    maxProbability[i] = inverse;
  }
  return { width, height, classes, probabilities: logits, labels, maxProbability };
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
