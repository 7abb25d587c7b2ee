import { Point } from './types';

/**
 * Travel cost of a probe that moves between candidate locations (e.g. an AFM tip between loops).
 * `x`, `y` name the parameters that hold the location; `distancePerMeasurement` is the distance
 * whose travel takes as long as one measurement (tip speed x measurement time), in the parameters'
 * units. A move of distance d then makes the experiment cost 1 + d / distancePerMeasurement
 * measurements, and a log acquisition is turned into acquisition per unit cost by subtracting
 * log(1 + d / distancePerMeasurement): a far candidate must promise proportionally more.
 */
export interface TravelCost {
  x: string;
  y: string;
  distancePerMeasurement: number;
}

/** The travel option of a planner's options, or null when it is absent. Shape errors are validateTravel's. */
export function travelCostOf(options: Record<string, unknown> | undefined): TravelCost | null {
  const t = options?.travelCost;
  if (!t || typeof t !== 'object') return null;
  const { x, y, distancePerMeasurement } = t as Record<string, unknown>;
  if (typeof x !== 'string' || typeof y !== 'string' || typeof distancePerMeasurement !== 'number') return null;
  return { x, y, distancePerMeasurement };
}

/** Problems with `options.travelCost` for this kind and these parameters (empty when fine or absent). */
export function validateTravel(options: Record<string, unknown>, kind: string, parameterNames: string[]): string[] {
  const t = options.travelCost;
  if (t === undefined) return [];
  if (!t || typeof t !== 'object' || Array.isArray(t)) return ['options.travelCost must be { x, y, distancePerMeasurement }'];
  const { x, y, distancePerMeasurement } = t as Record<string, unknown>;
  const errors: string[] = [];
  for (const [key, name] of [['x', x], ['y', y]] as const) {
    if (typeof name !== 'string' || !parameterNames.includes(name)) errors.push(`options.travelCost.${key} must name a parameter (${parameterNames.join(', ')})`);
  }
  if (typeof distancePerMeasurement !== 'number' || !Number.isFinite(distancePerMeasurement) || distancePerMeasurement <= 0) {
    errors.push('options.travelCost.distancePerMeasurement must be a positive number');
  }
  // UCB is not on a log scale (it can be negative), so "per unit cost" has no meaning for it.
  if (!['gp-ei', 'gp-pi', 'gp-nei', 'active-learning'].includes(kind)) errors.push(`options.travelCost works with gp-ei, gp-pi, gp-nei and active-learning, not '${kind}'`);
  return errors;
}

/** log(1 + d / distancePerMeasurement) for a move from `from` to `to`; 0 with no previous location. */
export function logTravelCost(cost: TravelCost, from: Point | undefined, to: Point): number {
  if (!from) return 0;
  const dx = Number(to[cost.x]) - Number(from[cost.x]);
  const dy = Number(to[cost.y]) - Number(from[cost.y]);
  const d = Math.hypot(dx, dy);
  return Number.isFinite(d) ? Math.log1p(d / cost.distancePerMeasurement) : 0;
}
