import { describe, expect, it } from 'vitest';
import { classIou, detectionScore, matchPoints } from './detection';

describe('detection metrics', () => {
  it('matches one-to-one within the radius, closest first', () => {
    const truth = [{ x: 0, y: 0, label: 'a' }, { x: 10, y: 0, label: 'b' }];
    const predicted = [{ x: 0.5, y: 0, label: 'a' }, { x: 0.2, y: 0, label: 'a' }, { x: 10, y: 2.1, label: 'a' }];
    expect(matchPoints(predicted, truth, 2)).toEqual([[1, 0]]);
    const s = detectionScore(predicted, truth, 2.5);
    expect(s).toMatchObject({ truePositives: 2, predicted: 3, actual: 2, recall: 1, labelAccuracy: 0.5 });
    expect(s.precision).toBeCloseTo(2 / 3, 9);
    expect(s.f1).toBeCloseTo(0.8, 9);
  });

  it('scores empty predictions of empty truth as perfect', () => {
    expect(detectionScore([], [], 1)).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(detectionScore([], [{ x: 0, y: 0, label: 'a' }], 1)).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });

  it('computes per-class pixel IoU', () => {
    expect(classIou(Uint8Array.from([0, 0, 1, 1]), Uint8Array.from([0, 1, 1, 1]), 3)).toEqual([0.5, 2 / 3, 1]);
  });
});
