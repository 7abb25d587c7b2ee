import { describe, expect, it } from 'vitest';
import { Sobol } from './sobol';

describe('Sobol', () => {
  it('reproduces the published unscrambled 3-d sequence', () => {
    const expected = [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25],
      [0.25, 0.75, 0.75],
      [0.375, 0.375, 0.625],
      [0.875, 0.875, 0.125],
      [0.625, 0.125, 0.875],
      [0.125, 0.625, 0.375],
      [0.1875, 0.3125, 0.9375],
      [0.6875, 0.8125, 0.4375],
    ];
    const s = new Sobol(3, null);
    const pts = s.points(10);
    expected.forEach((row, i) => row.forEach((v, d) => expect(pts[i * 3 + d]).toBeCloseTo(v, 9)));
  });

  it('scrambled points stay a (0,m,1)-net in every coordinate and differ by seed', () => {
    const dim = 10;
    const a = new Sobol(dim, 1).points(64);
    const b = new Sobol(dim, 2).points(64);
    for (let d = 0; d < dim; d++) {
      const cells = new Set<number>();
      for (let i = 0; i < 64; i++) {
        expect(a[i * dim + d]).toBeGreaterThan(0);
        expect(a[i * dim + d]).toBeLessThan(1);
        cells.add(Math.floor(a[i * dim + d] * 64));
      }
      expect(cells.size).toBe(64);
    }
    expect(Array.from(a.subarray(0, 10))).not.toEqual(Array.from(b.subarray(0, 10)));
  });

  it('random access equals sequential generation', () => {
    const s = new Sobol(5, 7);
    const all = s.points(20);
    const one = new Float64Array(5);
    s.point(13, one);
    expect(Array.from(one)).toEqual(Array.from(all.subarray(65, 70)));
  });
});
