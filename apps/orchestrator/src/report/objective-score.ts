/** How good a measured value is for an objective, as one number where larger is always better. */
export interface ScoredObjective {
  name: string;
  direction: 'maximize' | 'minimize' | 'target';
  target?: number;
}

/**
 * Maximize keeps the value, minimize flips it, target scores the distance to the target: so
 * "best so far" and "dominates" are written once for every direction.
 */
export function scoreOf(objective: ScoredObjective, value: number): number {
  if (objective.direction === 'maximize') return value;
  if (objective.direction === 'minimize') return -value;
  return -Math.abs(value - (objective.target ?? 0));
}

/** The best measured value up to each position (null until the first measurement). */
export function bestSoFar(objective: ScoredObjective, values: readonly (number | null)[]): (number | null)[] {
  let best: number | null = null;
  return values.map((value) => {
    if (value !== null && Number.isFinite(value) && (best === null || scoreOf(objective, value) > scoreOf(objective, best))) best = value;
    return best;
  });
}
