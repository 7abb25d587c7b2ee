import { describe, expect, it } from 'vitest';
import { bestSoFar, scoreOf } from './objective-score';
import { dominates, paretoFront } from './pareto';

const maxA = { name: 'a', direction: 'maximize' } as const;
const minB = { name: 'b', direction: 'minimize' } as const;

describe('objective scores, best so far and the Pareto front', () => {
  it('scores every direction so that larger is better', () => {
    expect(scoreOf(maxA, 3)).toBeGreaterThan(scoreOf(maxA, 2));
    expect(scoreOf(minB, 2)).toBeGreaterThan(scoreOf(minB, 3));
    const target = { name: 't', direction: 'target', target: 10 } as const;
    expect(scoreOf(target, 9.5)).toBeGreaterThan(scoreOf(target, 11));
  });

  it('tracks the best so far, skipping failed experiments', () => {
    expect(bestSoFar(maxA, [null, 2, 1, null, 5, 3])).toEqual([null, 2, 2, 2, 5, 5]);
    expect(bestSoFar(minB, [4, 5, 1, 2])).toEqual([4, 4, 1, 1]);
  });

  it('keeps exactly the non-dominated points (maximize a, minimize b)', () => {
    const points = [
      { id: 'p1', values: [1, 1] },
      { id: 'p2', values: [2, 2] },
      { id: 'p3', values: [1, 2] }, // dominated by p1 (same a, larger b)
      { id: 'p4', values: [3, 5] },
      { id: 'p5', values: [2, 6] }, // dominated by p4 and p2
    ];
    expect(paretoFront([maxA, minB], points).map((p) => p.id)).toEqual(['p1', 'p2', 'p4']);
    expect(dominates([maxA, minB], [1, 1], [1, 1])).toBe(false);
  });
});
