import { type ScoredObjective, scoreOf } from './objective-score';

export interface ObjectivePoint {
  id: string;
  values: readonly number[];
}

/** True when a is at least as good as b in every objective and better in one. */
export function dominates(objectives: readonly ScoredObjective[], a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let k = 0; k < objectives.length; k++) {
    const sa = scoreOf(objectives[k], a[k]);
    const sb = scoreOf(objectives[k], b[k]);
    if (sa < sb) return false;
    if (sa > sb) better = true;
  }
  return better;
}

/** The measured points no other point dominates (O(n^2): campaigns have hundreds of points, not millions). */
export function paretoFront<T extends ObjectivePoint>(objectives: readonly ScoredObjective[], points: readonly T[]): T[] {
  return points.filter((p) => !points.some((q) => q !== p && dominates(objectives, q.values, p.values)));
}
