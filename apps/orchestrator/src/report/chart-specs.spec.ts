import type { ObjectiveConfig } from '@lab/config';
import { describe, expect, it } from 'vitest';
import type { CampaignEntity, ExperimentEntity } from '../persistence/entities';
import { calibrate } from './calibration';
import { calibrationCharts, convergenceCharts, mostRelevantInputs, paretoChart, propertyMapChart } from './chart-specs';
import type { ReportData } from './report-data';

const objective = (name: string, direction: ObjectiveConfig['direction']): ObjectiveConfig => ({ name, direction, from: { step: 's', feature: name } });
const experiment = (index: number, objectives: Record<string, number> | null, relevance?: Record<string, number>): ExperimentEntity =>
  ({ id: `e${index}`, index, status: objectives ? 'succeeded' : 'failed', params: { a: index, b: 10 - index, c: 2 * index }, predicted: {}, explanation: relevance ? { relevance } : {}, objectives, excludedReason: null }) as unknown as ExperimentEntity;

const data = (objectives: ObjectiveConfig[], experiments: ExperimentEntity[]): ReportData => ({
  campaign: {} as CampaignEntity,
  objectives,
  parameters: ['a', 'b', 'c'].map((name) => ({ name, type: 'continuous', lower: 0, upper: 10, scale: 'linear' })) as ReportData['parameters'],
  budgetExperiments: 10,
  configVersions: [],
  experiments,
  measurements: [],
});

describe('chart data of the report', () => {
  it('plots best so far per objective, with failed experiments as gaps', () => {
    const [chart] = convergenceCharts(data([objective('y', 'minimize')], [experiment(0, { y: 3 }), experiment(1, null), experiment(2, { y: 1 })]));
    expect(chart).toMatchObject({ experiment: [1, 2, 3], measured: [3, null, 1], best: [3, 3, 1] });
  });

  it('picks the two inputs the latest model found most relevant for the property map', () => {
    const rows = [experiment(0, { y: 1 }, { a: 0.6, b: 0.3, c: 0.1 }), experiment(1, { y: 2 }, { a: 0.1, b: 0.3, c: 0.6 })];
    expect(mostRelevantInputs(data([objective('y', 'maximize')], rows))).toEqual(['c', 'b']);
    expect(propertyMapChart(data([objective('y', 'maximize')], rows))).toMatchObject({ xLabel: 'c', yLabel: 'b', points: [{ x: 0, y: 10, value: 1 }, { x: 2, y: 9, value: 2 }] });
  });

  it('draws a Pareto front for two objectives and no property map', () => {
    const both = data([objective('p', 'maximize'), objective('q', 'maximize')], [experiment(0, { p: 1, q: 3 }), experiment(1, { p: 2, q: 2 }), experiment(2, { p: 1, q: 1 })]);
    expect(paretoChart(both)).toMatchObject({ front: [{ experiment: 1 }, { experiment: 2 }] });
    expect(propertyMapChart(both)).toBeNull();
  });

  it('leaves out charts with nothing to draw', () => {
    const empty = data([objective('y', 'maximize')], [experiment(0, null)]);
    expect(propertyMapChart(empty)).toBeNull();
    expect(calibrationCharts(calibrate(['y'], empty.experiments))).toEqual([]);
  });
});
