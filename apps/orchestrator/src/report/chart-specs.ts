import type { CampaignCalibration } from './calibration';
import { bestSoFar } from './objective-score';
import { paretoFront } from './pareto';
import type { ReportData } from './report-data';

/**
 * What each chart of the report draws, as plain data: computed here (tested, typed) and embedded
 * in the page as JSON, where a small script hands it to uPlot.
 */
export type ChartSpec =
  | { kind: 'convergence'; id: string; title: string; yLabel: string; experiment: number[]; measured: (number | null)[]; best: (number | null)[] }
  | { kind: 'pareto'; id: string; title: string; xLabel: string; yLabel: string; points: XY[]; front: XY[] }
  | { kind: 'property-map'; id: string; title: string; xLabel: string; yLabel: string; valueLabel: string; points: (XY & { value: number })[] }
  | { kind: 'calibration'; id: string; title: string; label: string; points: { experiment: number; mean: number; sd: number; measured: number }[] };

/** A measured point; `experiment` is the 1-based number people see in the tables. */
export interface XY {
  experiment: number;
  x: number;
  y: number;
}

/** Measured value of an objective for the model: null when failed, not measured, or excluded by a person. */
const measuredOf = (data: ReportData, name: string) =>
  data.experiments.map((e) => {
    const value = e.excludedReason ? undefined : e.objectives?.[name];
    return value !== undefined && Number.isFinite(value) ? value : null;
  });

export function convergenceCharts(data: ReportData): ChartSpec[] {
  return data.objectives.map((objective) => {
    const measured = measuredOf(data, objective.name);
    const target = objective.direction === 'target' ? ` (target ${objective.target})` : '';
    return {
      kind: 'convergence',
      id: `convergence-${objective.name}`,
      title: `${objective.name}: ${objective.direction}${target}`,
      yLabel: objective.name,
      experiment: data.experiments.map((e) => e.index + 1),
      measured,
      best: bestSoFar(objective, measured),
    };
  });
}

/** Two objectives: every measured point, the non-dominated ones marked. */
export function paretoChart(data: ReportData): ChartSpec | null {
  if (data.objectives.length !== 2) return null;
  const [a, b] = data.objectives;
  const xs = measuredOf(data, a.name);
  const ys = measuredOf(data, b.name);
  const points = data.experiments.flatMap((e, i) => (xs[i] !== null && ys[i] !== null ? [{ experiment: e.index + 1, x: xs[i] as number, y: ys[i] as number }] : []));
  if (points.length === 0) return null;
  const front = paretoFront(data.objectives, points.map((p) => ({ ...p, id: String(p.experiment), values: [p.x, p.y] })));
  return {
    kind: 'pareto',
    id: 'pareto',
    title: `${a.name} (${a.direction}) against ${b.name} (${b.direction})`,
    xLabel: a.name,
    yLabel: b.name,
    points,
    front: front.map(({ experiment, x, y }) => ({ experiment, x, y })).sort((p, q) => p.x - q.x),
  };
}

/**
 * The two numeric inputs that matter most: the kernel relevance of the latest model-based
 * proposal (what the model itself learned), else the first two numeric inputs.
 */
export function mostRelevantInputs(data: ReportData): [string, string] | null {
  const numeric = data.parameters.filter((p) => p.type === 'continuous' || p.type === 'integer').map((p) => p.name);
  if (numeric.length < 2) return null;
  const latest = [...data.experiments].reverse().find((e) => isNumberRecord(e.explanation.relevance));
  const relevance = (latest?.explanation.relevance ?? {}) as Record<string, number>;
  const ranked = [...numeric].sort((p, q) => (relevance[q] ?? 0) - (relevance[p] ?? 0));
  return [ranked[0], ranked[1]];
}

const isNumberRecord = (value: unknown): value is Record<string, number> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'number');

/** One objective and 2+ numeric inputs: measured points over the two most relevant inputs, coloured by value. */
export function propertyMapChart(data: ReportData): ChartSpec | null {
  if (data.objectives.length !== 1) return null;
  const inputs = mostRelevantInputs(data);
  if (!inputs) return null;
  const [xName, yName] = inputs;
  const [objective] = data.objectives;
  const values = measuredOf(data, objective.name);
  const points = data.experiments.flatMap((e, i) => {
    const x = Number(e.params[xName]);
    const y = Number(e.params[yName]);
    const value = values[i];
    return value !== null && Number.isFinite(x) && Number.isFinite(y) ? [{ experiment: e.index + 1, x, y, value }] : [];
  });
  if (points.length === 0) return null;
  return { kind: 'property-map', id: 'property-map', title: `${objective.name} over ${xName} and ${yName}`, xLabel: xName, yLabel: yName, valueLabel: objective.name, points };
}

/** One parity chart per objective with at least one checked prediction (the section explains the rest). */
export function calibrationCharts(calibration: CampaignCalibration): ChartSpec[] {
  return calibration.objectives.filter((c) => c.pairs.length > 0).map((c) => ({
    kind: 'calibration',
    id: `calibration-${c.objective}`,
    title: `${c.objective}: predicted against measured`,
    label: c.objective,
    points: c.pairs.map((p) => ({ experiment: p.index + 1, mean: p.predictedMean, sd: p.predictedSd, measured: p.measured })),
  }));
}
