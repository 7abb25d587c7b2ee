/** A point with a class, in pixel coordinates. */
export interface LabelledPoint {
  x: number;
  y: number;
  label: string;
}

/** Precision, recall and F1 of a detection, with the counts behind them. */
export interface DetectionScore {
  truePositives: number;
  predicted: number;
  actual: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Score from counts; an empty prediction of an empty truth scores 1. */
export function score(truePositives: number, predicted: number, actual: number): DetectionScore {
  const precision = predicted === 0 ? (actual === 0 ? 1 : 0) : truePositives / predicted;
  const recall = actual === 0 ? 1 : truePositives / actual;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { truePositives, predicted, actual, precision, recall, f1 };
}

/**
 * One-to-one matching of predictions to truth within a radius, closest pairs first (greedy on
 * sorted distances, which is optimal when matches are well separated, as atoms a quarter of a
 * lattice spacing apart are). Returns index pairs [prediction, truth].
 */
export function matchPoints(predicted: readonly LabelledPoint[], truth: readonly LabelledPoint[], radiusPx: number): Array<[number, number]> {
  const cell = Math.max(radiusPx, 1e-9);
  const grid = new Map<string, number[]>();
  truth.forEach((t, j) => {
    const key = `${Math.floor(t.x / cell)},${Math.floor(t.y / cell)}`;
    const list = grid.get(key);
    if (list) list.push(j);
    else grid.set(key, [j]);
  });
  const pairs: Array<{ i: number; j: number; d: number }> = [];
  predicted.forEach((p, i) => {
    const cx = Math.floor(p.x / cell);
    const cy = Math.floor(p.y / cell);
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        for (const j of grid.get(`${cx + dx},${cy + dy}`) ?? []) {
          const d = Math.hypot(p.x - truth[j].x, p.y - truth[j].y);
          if (d <= radiusPx) pairs.push({ i, j, d });
        }
      }
    }
  });
  pairs.sort((a, b) => a.d - b.d);
  const usedP = new Set<number>();
  const usedT = new Set<number>();
  const matches: Array<[number, number]> = [];
  for (const { i, j } of pairs) {
    if (usedP.has(i) || usedT.has(j)) continue;
    usedP.add(i);
    usedT.add(j);
    matches.push([i, j]);
  }
  return matches;
}

/** Detection of one set of points against another within a radius. */
export function detectionScore(predicted: readonly LabelledPoint[], truth: readonly LabelledPoint[], radiusPx: number): DetectionScore & { labelAccuracy: number } {
  const matches = matchPoints(predicted, truth, radiusPx);
  const sameLabel = matches.filter(([i, j]) => predicted[i].label === truth[j].label).length;
  return { ...score(matches.length, predicted.length, truth.length), labelAccuracy: matches.length ? sameLabel / matches.length : 1 };
}

/** Pixel IoU of each class between two label maps (1 when a class is absent from both). */
export function classIou(predicted: Uint8Array, truth: Uint8Array, classes: number): number[] {
  const intersection = new Array<number>(classes).fill(0);
  const union = new Array<number>(classes).fill(0);
  for (let i = 0; i < truth.length; i++) {
    const p = predicted[i];
    const t = truth[i];
    if (p === t) {
      intersection[p]++;
      union[p]++;
    } else {
      union[p]++;
      union[t]++;
    }
  }
  return intersection.map((n, k) => (union[k] === 0 ? 1 : n / union[k]));
}
