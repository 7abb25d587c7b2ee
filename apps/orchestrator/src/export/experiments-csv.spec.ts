import { describe, expect, it } from 'vitest';
import type { ExperimentRecord } from './bundle-format';
import { csvCell, experimentsCsv } from './experiments-csv';

const row = (index: number, over: Partial<ExperimentRecord> = {}): ExperimentRecord => ({
  id: `e${index}`,
  campaignId: 'c',
  index,
  status: 'succeeded',
  sampleId: `s${index}`,
  proposedBy: 'planner:gp-ei',
  params: { fracA: 0.1 * index, annealTempC: 500 },
  predicted: { yield: { mean: 1.5, sd: 0.25 } },
  acquisition: -2,
  explanation: {},
  objectives: { yield: 2 },
  failureReason: null,
  approvedBy: 'policy:auto',
  excludedReason: null,
  proposedAtMs: 0,
  startedAtMs: null,
  finishedAtMs: null,
  measurements: [],
  ...over,
});

describe('experiments.csv', () => {
  it('has a header and one row per experiment, missing values empty', () => {
    const csv = experimentsCsv([row(0), row(1, { status: 'failed', objectives: null, failureReason: 'make: sample failed (phase, separated)' })], { parameters: ['fracA', 'annealTempC'], objectives: ['yield'] });
    const lines = csv.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      'index,experiment_id,status,proposed_by,approved_by,sample_id,fracA,annealTempC,predicted_yield_mean,predicted_yield_sd,yield,acquisition,excluded_reason,failure_reason,proposed_at,finished_at',
    );
    expect(lines[1]).toBe('0,e0,succeeded,planner:gp-ei,policy:auto,s0,0,500,1.5,0.25,2,-2,,,1970-01-01T00:00:00.000Z,');
    expect(lines[2]).toContain(',failed,');
    expect(lines[2]).toContain(',,-2,,"make: sample failed (phase, separated)",');
  });

  it('quotes what would break a cell and keeps numbers round-trip exact', () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(Number(csvCell(0.1 + 0.2))).toBe(0.1 + 0.2);
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(null)).toBe('');
  });
});
