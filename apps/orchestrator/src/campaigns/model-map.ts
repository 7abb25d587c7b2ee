import type { CampaignConfig } from '@lab/config';
import type { Candidate, Point, SteerablePlanner } from '@lab/planners';

/** The model's mean and sd over two inputs, for the dashboard's maps. */
export interface ModelMap {
  objective: string;
  x: { name: string; lower: number; upper: number };
  y: { name: string; lower: number; upper: number };
  cells: { x: number; y: number; mean: number; sd: number }[];
}

/**
 * What the model believes over two inputs: a grid over their bounds with the other inputs held at
 * `base` (the best point so far, else the centre), or every candidate location in candidate mode.
 * Null before the planner has a model.
 */
export function modelMapOf(
  config: CampaignConfig,
  planner: SteerablePlanner,
  request: { x: string; y: string; cellsPerSide: number; base?: Point; candidates?: Candidate[] },
): ModelMap | null {
  const axis = (name: string) => {
    const p = config.parameters.find((q) => q.name === name);
    return p && (p.type === 'continuous' || p.type === 'integer') ? p : undefined;
  };
  const px = axis(request.x);
  const py = axis(request.y);
  if (!px || !py) throw new Error(`map axes must be numeric parameters of this campaign, got '${request.x}' and '${request.y}'`);
  const points: Point[] = [];
  if (request.candidates) {
    points.push(...request.candidates.map((c) => c.point));
  } else {
    const base: Point = request.base ?? Object.fromEntries(config.parameters.map((p) => [p.name, 'lower' in p ? (p.lower + p.upper) / 2 : p.values[0]]));
    const n = request.cellsPerSide;
    const at = (lo: number, hi: number, k: number): number => lo + ((k + 0.5) * (hi - lo)) / n;
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) points.push({ ...base, [request.x]: at(px.lower, px.upper, i), [request.y]: at(py.lower, py.upper, j) });
    }
  }
  const predictions = planner.predict(points);
  if (!predictions) return null;
  return {
    objective: config.objectives[0].name,
    x: { name: request.x, lower: px.lower, upper: px.upper },
    y: { name: request.y, lower: py.lower, upper: py.upper },
    cells: points.map((p, i) => ({ x: Number(p[request.x]), y: Number(p[request.y]), mean: predictions[i].mean, sd: predictions[i].sd })),
  };
}
