import { describe, expect, it } from 'vitest';
import { hypervolume, nonDominatedCells, paretoIndices } from './pareto';
import { Rng } from './rng';

/** Monte-Carlo hypervolume improvement: the reference the box decomposition must reproduce. */
function hviByCells(front: number[][], ref: number[], y: number[]): number {
  return nonDominatedCells(front, ref).reduce((s, c) => s + c.lower.reduce((p, l, i) => p * Math.max(0, Math.min(y[i], c.upper[i]) - l), 1), 0);
}

describe('Pareto utilities', () => {
  it('finds the non-dominated points', () => {
    expect(paretoIndices([[1, 5], [2, 4], [1.5, 3], [3, 1], [2, 4]])).toEqual([0, 1, 3]);
  });

  it('computes 2-d and 3-d hypervolumes of simple fronts', () => {
    expect(hypervolume([[1, 3], [2, 2], [3, 1]], [0, 0])).toBe(6);
    expect(hypervolume([[1, 1, 1]], [0, 0, 0])).toBe(1);
    // Two overlapping boxes: 2*1*1 + 1*2*1 - 1*1*1 overlap... in 3-d: [2,1,1] and [1,2,1] -> 3.
    expect(hypervolume([[2, 1, 1], [1, 2, 1]], [0, 0, 0])).toBe(3);
  });

  it('box decomposition gives exact hypervolume improvements (2 and 3 objectives)', () => {
    const rng = new Rng(4);
    for (const m of [2, 3]) {
      const pts = Array.from({ length: 12 }, () => Array.from({ length: m }, () => rng.next()));
      const front = paretoIndices(pts).map((i) => pts[i]);
      const ref = new Array<number>(m).fill(0);
      for (let t = 0; t < 20; t++) {
        const y = Array.from({ length: m }, () => 1.3 * rng.next());
        expect(hviByCells(front, ref, y)).toBeCloseTo(hypervolume([...front, y], ref) - hypervolume(front, ref), 12);
      }
    }
  });
});
