import { describe, expect, it } from 'vitest';
import { Rng } from './rng';
import { candidateWarps, inDomain, logJacobian, OutputWarp, unwarpMoments, warp } from './warp';

const WARPS: OutputWarp[] = [
  { kind: 'log', sign: 1, shift: 0.3 },
  { kind: 'log', sign: -1, shift: 2 },
  { kind: 'sqrt', sign: 1, shift: 0.01 },
  { kind: 'sqrt', sign: -1, shift: 5 },
];

describe('output warps', () => {
  it('are increasing in y and their log Jacobian is the log derivative', () => {
    for (const w of WARPS) {
      for (const m of [0.05, 1, 7, 300]) {
        const y = w.sign * m;
        const h = 1e-6 * m;
        expect(warp(w, y + h)).toBeGreaterThan(warp(w, y - h));
        const fd = (warp(w, y + h) - warp(w, y - h)) / (2 * h);
        expect(logJacobian(w, y)).toBeCloseTo(Math.log(fd), 5);
      }
    }
  });

  it('carry a Gaussian in warped units back to the mean and sd of y (Monte Carlo)', () => {
    const rng = new Rng(3);
    for (const w of WARPS) {
      const mean = warp(w, w.sign * 4);
      const variance = 0.09;
      const draws = Array.from({ length: 200_000 }, () => {
        const t = mean + Math.sqrt(variance) * rng.normal();
        const u = w.sign * t;
        // The inverse of t = s g(s y + c): s y + c = exp(u) or u^2.
        return w.sign * ((w.kind === 'log' ? Math.exp(u) : u * u) - w.shift);
      });
      const m = draws.reduce((s, v) => s + v, 0) / draws.length;
      const sd = Math.sqrt(draws.reduce((s, v) => s + (v - m) ** 2, 0) / draws.length);
      const got = unwarpMoments(w, mean, variance);
      expect(got.mean).toBeCloseTo(m, 1);
      expect(got.sd / sd).toBeCloseTo(1, 2);
    }
  });

  it('are only offered for targets of one sign, zeros allowed, with shifts from their scale', () => {
    expect(candidateWarps([1, -2, 3])).toEqual([]);
    expect(candidateWarps([0, 0, 5])).toEqual([]);
    const pos = candidateWarps([0, 10, 20, 30]);
    expect(pos.length).toBeGreaterThan(0);
    expect(pos.every((w) => w.sign === 1 && w.shift > 0 && w.shift <= 2 * 20)).toBe(true);
    const neg = candidateWarps([-0.01, -0.02, 0]);
    expect(neg.every((w) => w.sign === -1 && inDomain(w, 0) && inDomain(w, -0.02) && !inDomain(w, 1))).toBe(true);
  });
});
