import type { ClassMaps } from './class-maps';
import { connectedComponents } from './components';

/**
 * One detected atomic column (or vacant site). Pixel coordinates have pixel centres on integers:
 * (0, 0) is the centre of the top-left pixel, x to the right, y down.
 */
export interface Atom {
  x: number;
  y: number;
  /** Index into the segmentation's class list. */
  classIndex: number;
  className: string;
  areaPx: number;
  /** Mean winning-class probability over the atom's pixels (1 for the classical detector's certainty). */
  confidence: number;
}

export interface AtomExtractionOptions {
  /** The class that is not an atom. */
  backgroundIndex: number;
  /** Blobs smaller than this are noise (pixels). */
  minAreaPx: number;
}

/**
 * Atoms from a segmentation: connected blobs of non-background pixels (4-connected). Each blob's
 * class is the one with the largest summed probability over it, so a rim of mixed pixels cannot
 * flip it; its position is the centroid weighted by (1 - p(background)), which is sub-pixel.
 */
export function atomsFromClassMaps(maps: ClassMaps, options: AtomExtractionOptions): Atom[] {
  const { width, height, classes, probabilities, labels, maxProbability } = maps;
  const plane = width * height;
  const foreground = new Uint8Array(plane);
  for (let i = 0; i < plane; i++) foreground[i] = labels[i] === options.backgroundIndex ? 0 : 1;
  const { ids, count } = connectedComponents(foreground, width, height, 4);
  const k = classes.length;
  const weight = new Float64Array(count + 1);
  const sumX = new Float64Array(count + 1);
  const sumY = new Float64Array(count + 1);
  const area = new Int32Array(count + 1);
  const sumConfidence = new Float64Array(count + 1);
  const classMass = new Float64Array((count + 1) * k);
  const backgroundOffset = options.backgroundIndex * plane;
  for (let i = 0; i < plane; i++) {
    const id = ids[i];
    if (id === 0) continue;
    const x = i % width;
    const y = (i - x) / width;
    const w = 1 - probabilities[backgroundOffset + i];
    weight[id] += w;
    sumX[id] += w * x;
    sumY[id] += w * y;
    area[id]++;
    sumConfidence[id] += maxProbability[i];
    for (let c = 0; c < k; c++) classMass[id * k + c] += probabilities[c * plane + i];
  }
  const atoms: Atom[] = [];
  for (let id = 1; id <= count; id++) {
    if (area[id] < options.minAreaPx || weight[id] <= 0) continue;
    let best = -1;
    for (let c = 0; c < k; c++) {
      if (c === options.backgroundIndex) continue;
      if (best < 0 || classMass[id * k + c] > classMass[id * k + best]) best = c;
    }
    atoms.push({
      x: sumX[id] / weight[id],
      y: sumY[id] / weight[id],
      classIndex: best,
      className: classes[best],
      areaPx: area[id],
      confidence: sumConfidence[id] / area[id],
    });
  }
  return atoms;
}
