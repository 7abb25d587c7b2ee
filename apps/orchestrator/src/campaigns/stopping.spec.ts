import { parseCampaign } from '@lab/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExperimentEntity } from '../persistence/entities';
import { BestTracker, DoseMeter, stoppingReason, type Usage } from './stopping';

const demo = readFileSync(join(__dirname, '../../../../config/campaigns/demo.yaml'), 'utf8');
const config = (extra: string) => parseCampaign('demo.yaml', demo.replace('approval:', `${extra}\napproval:`)).config;
const used = (experiments: number, instrumentHours = 0, dose = new DoseMeter()): Usage => ({ experiments, instrumentHours, dose });
const row = (id: string, value: number | null, status: ExperimentEntity['status'] = 'succeeded') =>
  ({ id, status, params: {}, objectives: value === null ? null : { loop_area: value }, excludedReason: null }) as unknown as ExperimentEntity;

describe('stopping rules', () => {
  it('ends on the experiment budget and on instrument hours', () => {
    const c = config('stopping: {}');
    expect(stoppingReason(c, new BestTracker(), used(24, 0))).toMatch(/budget reached: 24 experiments/);
    expect(stoppingReason(c, new BestTracker(), used(23, 1000))).toBeUndefined();
    const timed = { ...c, budget: { ...c.budget, hours: 2 } };
    expect(stoppingReason(timed, new BestTracker(), used(3, 2.01))).toMatch(/2 h of instrument time/);
  });

  it('ends before the experiment that would exceed the dose budget', () => {
    const c = config('stopping: {}');
    const dosed = { ...c, budget: { ...c.budget, doseEPerA2: 1000 } };
    const dose = new DoseMeter();
    dose.add(300, false); // the overview
    dose.add(200, true);
    dose.add(250, true);
    expect(stoppingReason(dosed, new BestTracker(), used(2, 0, dose))).toBeUndefined();
    dose.add(200, true);
    expect(stoppingReason(dosed, new BestTracker(), used(3, 0, dose))).toMatch(/950 of 1000 e\/A\^2 spent; the next experiment \(up to 250\) would exceed it/);
    expect(stoppingReason(c, new BestTracker(), used(3, 0, dose))).toBeUndefined();
    // With experiments in flight, their dose is counted before it is spent.
    const early = new DoseMeter();
    early.add(300, false);
    early.add(200, true);
    expect(stoppingReason(dosed, new BestTracker(), { ...used(2, 0, early), inFlight: 1 })).toBeUndefined();
    expect(stoppingReason(dosed, new BestTracker(), { ...used(3, 0, early), inFlight: 2 })).toMatch(/500 of 1000 e\/A\^2 spent \(2 running\)/);
  });

  it('ends when the target is reached, in the objective direction', () => {
    const c = config('stopping: { target: 50 }');
    const tracker = new BestTracker();
    tracker.track(row('a', 40), c.objectives[0]);
    expect(stoppingReason(c, tracker, used(1))).toBeUndefined();
    tracker.track(row('b', 55), c.objectives[0]);
    expect(stoppingReason(c, tracker, used(2))).toMatch(/target reached: loop_area = 55/);
  });

  it('ends after k experiments without improvement; failures and worse results count, a better one resets', () => {
    const c = config('stopping: { noImprovementFor: 2 }');
    const tracker = new BestTracker();
    tracker.track(row('a', 10), c.objectives[0]);
    tracker.track(row('b', 5), c.objectives[0]);
    expect(stoppingReason(c, tracker, used(2))).toBeUndefined();
    tracker.track(row('c', null, 'failed'), c.objectives[0]);
    expect(stoppingReason(c, tracker, used(3))).toMatch(/no improvement for 2/);
    tracker.track(row('d', 11), c.objectives[0]);
    expect(tracker.best?.experimentId).toBe('d');
    expect(stoppingReason(c, tracker, used(4))).toBeUndefined();
  });
});
