import type { ClassMaps } from './class-maps';
import { componentAreas, type Components, connectedComponents } from './components';

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
  /**
   * A blob holding two or more single-class parts at least this large (an atom touching a vacancy)
   * is split into those parts; smaller parts are a rim of mixed pixels and stay with the blob.
   */
  splitAreaPx: number;
}

/**
 * Atoms from a segmentation. Objects are 4-connected blobs of non-background pixels; a blob that
 * holds two or more substantial single-class parts (an atom next to a vacancy) becomes one object
 * per part, and an object much larger than the frame's typical atom (two vacancies whose blobs
 * merged) is split into round(area / typical area) atoms by weighted k-means. An object's class is
 * the one with the largest summed probability over it (so a rim of mixed pixels cannot flip it) and
 * its position the centroid weighted by 1 - p(background), which is sub-pixel. Objects under
 * minAreaPx are dropped. Last, objects closer than a fraction of the frame's typical spacing are
 * one column seen twice (a fuzzy vacancy split in two, or a dim column whose pixels went partly to
 * the vacancy class) and become one object again.
 */
export function atomsFromClassMaps(maps: ClassMaps, options: AtomExtractionOptions): Atom[] {
  const { width, height, labels } = maps;
  const plane = width * height;
  const foreground = new Uint8Array(plane);
  // Class index + 1 per pixel, 0 for background: these components join equal values only.
  const byClass = new Uint8Array(plane);
  for (let i = 0; i < plane; i++) {
    const atom = labels[i] !== options.backgroundIndex;
    foreground[i] = atom ? 1 : 0;
    byClass[i] = atom ? labels[i] + 1 : 0;
  }
  const blobs = connectedComponents(foreground, width, height, 4);
  const parts = connectedComponents(byClass, width, height, 4);
  const objects = pixelsByObject(plane, blobs.count + parts.count, objectIds(blobs, parts, options.splitAreaPx), (i) => blobs.ids[i] !== 0);
  const kept = objects.filter((pixels) => pixels.length >= options.minAreaPx);
  const whole = kept.map((pixels) => describe(pixels, maps, options.backgroundIndex));
  // The typical single-object area per class (vacancy blobs are fuzzier than atoms), from the
  // frame itself, so it follows the lattice scale; classes with few objects use the overall median.
  const overall = median(whole.map((a) => a.areaPx));
  const typical = maps.classes.map((_, c) => {
    const areas = whole.filter((a) => a.classIndex === c).map((a) => a.areaPx);
    return areas.length >= MIN_FOR_CLASS_MEDIAN ? median(areas) : overall;
  });
  const found: { atom: Atom; pixels: Int32Array }[] = [];
  whole.forEach((atom, n) => {
    const area = typical[atom.classIndex];
    const k = atom.areaPx > OVERSIZED * area ? Math.min(MAX_SPLIT, Math.round(atom.areaPx / area)) : 1;
    if (k === 1) found.push({ atom, pixels: kept[n] });
    else for (const group of splitByKMeans(kept[n], k, maps, options.backgroundIndex)) found.push({ atom: describe(group, maps, options.backgroundIndex), pixels: group });
  });
  return mergeDuplicates(found, maps, options.backgroundIndex);
}

/**
 * Two objects closer than this share of the frame's median nearest-neighbour distance are one
 * column. Twin HAADF at 0.0625 nm/px: columns are 4.4 px apart (0.276 nm); the k-means split of one
 * fuzzy vacancy, or an atom and the vacancy part of the same dim column, lie 1-2.5 px apart, two
 * merged neighbours about 4 px. Merging below 0.55 x the spacing took the vacancy precision of
 * 8 nm twin tiles at 1,900 e/A^2 from 0.76 to 0.81, recall from 0.93 to 0.92 (128 tiles; 0.6 gave
 * 0.84 and 0.91, 0.5 gave 0.79 and 0.92).
 */
const MERGE_SHARE = 0.55;
/** Fewer objects than this do not tell the frame's spacing: nothing is merged. */
const MIN_FOR_SPACING = 16;

function mergeDuplicates(found: { atom: Atom; pixels: Int32Array }[], maps: ClassMaps, backgroundIndex: number): Atom[] {
  const atoms = found.map((f) => f.atom);
  if (atoms.length < MIN_FOR_SPACING) return atoms;
  // Grid cells of the mean area per object: an atom's nearest neighbour is in its 3 x 3 cells.
  const cellPx = Math.sqrt((maps.width * maps.height) / atoms.length);
  const grid = new Map<string, number[]>();
  const cellOf = (a: Atom): [number, number] => [Math.floor(a.x / cellPx), Math.floor(a.y / cellPx)];
  atoms.forEach((a, i) => {
    const key = cellOf(a).join(',');
    const list = grid.get(key);
    if (list) list.push(i);
    else grid.set(key, [i]);
  });
  const neighbours = (i: number, visit: (j: number, d: number) => void): void => {
    const [cx, cy] = cellOf(atoms[i]);
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        for (const j of grid.get(`${cx + dx},${cy + dy}`) ?? []) if (j !== i) visit(j, Math.hypot(atoms[i].x - atoms[j].x, atoms[i].y - atoms[j].y));
      }
    }
  };
  const nearest = atoms.map((_, i) => {
    let best = Infinity;
    neighbours(i, (_j, d) => (best = Math.min(best, d)));
    return best;
  });
  const limit = MERGE_SHARE * median(nearest.filter(Number.isFinite));
  // Union-find, so a column reported three times becomes one object.
  const root = atoms.map((_, i) => i);
  const find = (i: number): number => (root[i] === i ? i : (root[i] = find(root[i])));
  atoms.forEach((_, i) => neighbours(i, (j, d) => {
    if (d < limit) root[find(j)] = find(i);
  }));
  const groups = new Map<number, number[]>();
  atoms.forEach((_, i) => {
    const r = find(i);
    const list = groups.get(r);
    if (list) list.push(i);
    else groups.set(r, [i]);
  });
  return [...groups.values()].map((members) => {
    if (members.length === 1) return atoms[members[0]];
    const pixels = new Int32Array(members.reduce((n, m) => n + found[m].pixels.length, 0));
    let at = 0;
    for (const m of members) {
      pixels.set(found[m].pixels, at);
      at += found[m].pixels.length;
    }
    return describe(pixels, maps, backgroundIndex);
  });
}

/** Classes with fewer objects than this in a frame borrow the overall median area. */
const MIN_FOR_CLASS_MEDIAN = 5;

/** An object this many times the typical area is several atoms. */
const OVERSIZED = 1.7;
const MAX_SPLIT = 6;

const median = (values: number[]): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** Pixel indices of every object (index = object id; empty arrays for unused ids). */
function pixelsByObject(plane: number, count: number, objectOf: (pixel: number) => number, inObject: (pixel: number) => boolean): Int32Array[] {
  const sizes = new Int32Array(count + 1);
  for (let i = 0; i < plane; i++) if (inObject(i)) sizes[objectOf(i)]++;
  const objects = Array.from(sizes, (n) => new Int32Array(n));
  const fill = new Int32Array(count + 1);
  for (let i = 0; i < plane; i++) {
    if (!inObject(i)) continue;
    const id = objectOf(i);
    objects[id][fill[id]++] = i;
  }
  return objects.filter((pixels) => pixels.length > 0);
}

/** Class, weighted centroid, area and confidence of a set of pixels. */
function describe(pixels: Int32Array, maps: ClassMaps, backgroundIndex: number): Atom {
  const { width, classes, probabilities, maxProbability } = maps;
  const plane = maps.width * maps.height;
  const mass = new Float64Array(classes.length);
  let weight = 0;
  let sumX = 0;
  let sumY = 0;
  let confidence = 0;
  for (const i of pixels) {
    const x = i % width;
    const y = (i - x) / width;
    const w = 1 - probabilities[backgroundIndex * plane + i];
    weight += w;
    sumX += w * x;
    sumY += w * y;
    confidence += maxProbability[i];
    for (let c = 0; c < classes.length; c++) mass[c] += probabilities[c * plane + i];
  }
  let best = -1;
  for (let c = 0; c < classes.length; c++) if (c !== backgroundIndex && (best < 0 || mass[c] > mass[best])) best = c;
  // Foreground pixels have p(background) below 1/2, so the weight is positive.
  return { x: sumX / weight, y: sumY / weight, classIndex: best, className: classes[best], areaPx: pixels.length, confidence: confidence / pixels.length };
}

/**
 * Split an object's pixels into k groups by k-means on their coordinates, weighted by
 * 1 - p(background), seeded with farthest points so the seeds start in different atoms.
 */
function splitByKMeans(pixels: Int32Array, k: number, maps: ClassMaps, backgroundIndex: number): Int32Array[] {
  const { width, probabilities } = maps;
  const plane = maps.width * maps.height;
  const n = pixels.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const ws = new Float64Array(n);
  pixels.forEach((i, j) => {
    xs[j] = i % width;
    ys[j] = (i - xs[j]) / width;
    ws[j] = 1 - probabilities[backgroundIndex * plane + i];
  });
  const cx: number[] = [xs[0]];
  const cy: number[] = [ys[0]];
  while (cx.length < k) {
    let far = 0;
    let farD = -1;
    for (let j = 0; j < n; j++) {
      const d = Math.min(...cx.map((x, c) => (xs[j] - x) ** 2 + (ys[j] - cy[c]) ** 2));
      if (d > farD) {
        farD = d;
        far = j;
      }
    }
    cx.push(xs[far]);
    cy.push(ys[far]);
  }
  const assign = new Int32Array(n);
  for (let iteration = 0; iteration < 10; iteration++) {
    for (let j = 0; j < n; j++) {
      let best = 0;
      for (let c = 1; c < k; c++) if ((xs[j] - cx[c]) ** 2 + (ys[j] - cy[c]) ** 2 < (xs[j] - cx[best]) ** 2 + (ys[j] - cy[best]) ** 2) best = c;
      assign[j] = best;
    }
    for (let c = 0; c < k; c++) {
      let w = 0;
      let sx = 0;
      let sy = 0;
      for (let j = 0; j < n; j++) {
        if (assign[j] !== c) continue;
        w += ws[j] + 1e-9;
        sx += (ws[j] + 1e-9) * xs[j];
        sy += (ws[j] + 1e-9) * ys[j];
      }
      if (w > 0) {
        cx[c] = sx / w;
        cy[c] = sy / w;
      }
    }
  }
  return Array.from({ length: k }, (_, c) => pixels.filter((_, j) => assign[j] === c)).filter((group) => group.length > 0);
}

/**
 * Which object each foreground pixel belongs to: its blob (ids 1..blobs.count), or, in a blob with
 * two or more parts of at least splitAreaPx, its part (ids blobs.count + part id). Small parts of a
 * split blob join the blob's id, an object of their own that minAreaPx usually drops.
 */
function objectIds(blobs: Components, parts: Components, splitAreaPx: number): (pixel: number) => number {
  const partArea = componentAreas(parts);
  const blobOfPart = new Int32Array(parts.count + 1);
  for (let i = 0; i < parts.ids.length; i++) if (parts.ids[i] !== 0) blobOfPart[parts.ids[i]] = blobs.ids[i];
  const bigParts = new Int32Array(blobs.count + 1);
  for (let p = 1; p <= parts.count; p++) if (partArea[p] >= splitAreaPx) bigParts[blobOfPart[p]]++;
  return (pixel) => {
    const blob = blobs.ids[pixel];
    const part = parts.ids[pixel];
    return bigParts[blob] >= 2 && partArea[part] >= splitAreaPx ? blobs.count + part : blob;
  };
}
