import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCampaign } from '@lab/config';
import { createPlanner, type Point, type Proposal } from '@lab/planners';
import { afterEach, describe, expect, it } from 'vitest';
import { plannerConfigOf } from '../campaigns/planner-config';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, type BundleManifest, type ExperimentRecord } from './bundle-format';
import { sha256Of } from './manifest';
import { maxAbsDifference, replayBundle } from './replay-bundle';

const ROOT = join(__dirname, '..', '..', '..', '..');
const CONFIG = readFileSync(join(ROOT, 'config/campaigns/synthesis-stem.yaml'), 'utf8').replace('experiments: 24', 'experiments: 6').replace('kind: gp-ei', 'kind: gp-ei\n  options: { initialDesign: 2 }');
const SEED = 3;
const objective = (p: Point): number => (Number(p.fracA) - 0.3) ** 2 + Number(p.annealTempC) / 1e4;

/**
 * A campaign recorded the way CampaignRunner records one (batch size 1): experiment 2 was
 * rejected and replaced by a proposal asked with it pending, experiment 4 injected by a person.
 */
function record(): ExperimentRecord[] {
  const planner = createPlanner(plannerConfigOf(parseCampaign('c.yaml', CONFIG).config, SEED));
  const rows: ExperimentRecord[] = [];
  const add = (proposal: Proposal | { point: Point; predicted: Proposal['predicted'] }, over: Partial<ExperimentRecord>): ExperimentRecord => {
    const index = rows.length;
    const row: ExperimentRecord = {
      id: `e${index}`, campaignId: 'c', index, status: 'succeeded', sampleId: `s${index}`, proposedBy: 'planner:gp-ei', params: proposal.point, predicted: proposal.predicted,
      acquisition: null, explanation: {}, objectives: null, failureReason: null, approvedBy: 'policy:auto', excludedReason: null, proposedAtMs: 1000 + index, startedAtMs: null, finishedAtMs: 1000 + index, measurements: [], ...over,
    };
    if (row.status === 'succeeded') {
      row.objectives = { vacancy_fraction: objective(row.params) };
      planner.tell([{ id: row.id, point: row.params, values: row.objectives }]);
    }
    rows.push(row);
    return row;
  };
  add(planner.ask(1)[0], {});
  add(planner.ask(1)[0], {});
  const rejected = add(planner.ask(1)[0], { status: 'rejected', approvedBy: null });
  add(planner.ask(1, { pending: [rejected.params] })[0], {});
  add({ point: { fracA: 0.3, fracB: 0.3, fracC: 0.4, annealTempC: 400, annealTimeMin: 60 }, predicted: {} }, { proposedBy: 'user:tess', approvedBy: 'user:tess' });
  add(planner.ask(1)[0], {});
  add(planner.ask(1)[0], {});
  return rows;
}

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeBundle(experiments: ExperimentRecord[], seed = SEED): string {
  dir = mkdtempSync(join(tmpdir(), 'replay-'));
  const files: Record<string, string> = {
    'experiments.json': JSON.stringify({ campaign: {}, setup: [], experiments }),
    'audit.json': '[]',
    'config-v1.yaml': CONFIG,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT, formatVersion: BUNDLE_FORMAT_VERSION, campaignId: 'c', campaignName: 'synthesis-stem', status: 'completed',
    planner: { kind: 'gp-ei', version: '1.0.0', seed }, labSha256: '', createdAt: '', createdBy: 'test',
    configVersions: [{ version: 1, file: 'config-v1.yaml', sha256: sha256Of(CONFIG), author: 'creator', reason: null, createdAtMs: 0 }],
    files: Object.fromEntries(Object.entries(files).map(([name, text]) => [name, { sha256: sha256Of(text), bytes: text.length }])),
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('replayBundle', () => {
  it('replays batches, a rejection replacement and an injected experiment in the recorded order', async () => {
    const experiments = record();
    const report = await replayBundle(writeBundle(experiments));
    expect(report.steps.map((s) => s.origin)).toEqual(['planner', 'planner', 'planner', 'replacement', 'injected', 'planner', 'planner']);
    expect(report.steps[4].replayed).toBeNull();
    expect(report.compared).toBe(6);
    expect(report.verdict).toBe('identical');
    expect(report.steps.filter((s) => s.identical !== null).every((s) => s.maxAbsDiff === 0)).toBe(true);
  });

  it('finds the divergence when the planner is rebuilt with another seed', async () => {
    const report = await replayBundle(writeBundle(record(), SEED + 1));
    expect(report.verdict).toBe('diverged');
    expect(report.firstDivergence).toBe(0);
  });

  it('finds the divergence when a recorded point was altered', async () => {
    const experiments = record();
    experiments[5].params = { ...experiments[5].params, annealTempC: Number(experiments[5].params.annealTempC) + 1e-9 };
    const report = await replayBundle(writeBundle(experiments));
    expect(report.verdict).toBe('diverged');
    expect(report.firstDivergence).toBe(5);
    expect(report.steps[5].maxAbsDiff).toBeGreaterThan(0);
  });

  it('measures differences over numeric parameters, a categorical mismatch as infinite', () => {
    expect(maxAbsDifference({ a: 1, b: 2 }, { a: 1.5, b: 2 })).toBe(0.5);
    expect(maxAbsDifference({ a: 1, c: 'x' }, { a: 1, c: 'y' })).toBe(Number.POSITIVE_INFINITY);
    expect(maxAbsDifference({ a: 1 }, { a: 1, b: 2 })).toBe(Number.POSITIVE_INFINITY);
  });
});
