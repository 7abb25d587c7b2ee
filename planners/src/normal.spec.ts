import { describe, expect, it } from 'vitest';
import { dLogH, erfcx, hEi, logH, logNormCdf, normCdf, normInv } from './normal';

describe('normal helpers', () => {
  it('erfcx matches reference values across its branches', () => {
    // Reference values of exp(x^2) erfc(x).
    expect(erfcx(0)).toBeCloseTo(1, 14);
    expect(erfcx(0.5)).toBeCloseTo(0.6156903441929259, 13);
    expect(erfcx(1.5)).toBeCloseTo(0.033894853524689273 * Math.exp(2.25), 12);
    expect(erfcx(3)).toBeCloseTo(0.17900115118138, 12);
    expect(erfcx(10) / 0.05614099274382259).toBeCloseTo(1, 12);
    expect(erfcx(-1)).toBeCloseTo(5.00898008076228, 11);
  });

  it('normCdf and logNormCdf agree with known tail values', () => {
    expect(normCdf(0)).toBe(0.5);
    expect(normCdf(1.96)).toBeCloseTo(0.9750021048517795, 13);
    expect(normCdf(-5) / 2.866515718791939e-7).toBeCloseTo(1, 11);
    // log Phi(-40) ~ -804.608442013754 (no underflow).
    expect(logNormCdf(-40)).toBeCloseTo(-804.6084420137538, 8);
  });

  it('logH equals log h where h is representable and continues smoothly into the tail', () => {
    for (const z of [-0.5, -3, -8, -20]) expect(logH(z)).toBeCloseTo(Math.log(hEi(z)), 9);
    // Far tail: asymptote -z^2/2 - log(2 pi)/2 - 2 log|z| dominates.
    const z = -1e4;
    expect(logH(z)).toBeCloseTo(-0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(-z), 3);
    expect(Number.isFinite(logH(-1e8))).toBe(true);
  });

  it('dLogH matches finite differences in every branch', () => {
    for (const z of [2, 0.3, -0.7, -2.5, -15, -39, -41, -300]) {
      const h = 1e-6 * Math.max(1, Math.abs(z));
      const fd = (logH(z + h) - logH(z - h)) / (2 * h);
      expect(dLogH(z)).toBeCloseTo(fd, Math.abs(z) > 100 ? 2 : 5);
    }
  });

  it('normInv inverts normCdf', () => {
    for (const p of [1e-12, 1e-4, 0.02, 0.3, 0.5, 0.77, 0.999]) expect(normCdf(normInv(p)) / p).toBeCloseTo(1, 9);
  });
});
