import { describe, expect, it } from 'vitest';
import { calibrate, calibrateObjective, NOMINAL, type PredictedExperiment } from './calibration';

let next = 0;
const experiment = (mean: number, sd: number, measured: number | null, extra: Partial<PredictedExperiment> = {}): PredictedExperiment => ({
  id: `e${next}`,
  index: next++,
  status: 'succeeded',
  predicted: { y: { mean, sd } },
  objectives: measured === null ? null : { y: measured },
  excludedReason: null,
  ...extra,
});

describe('calibration of predictions against measurements', () => {
  // z = 0.5, -1, 1.5, -2.5 (sd 2): two of four within 1 sd, three within 2 sd.
  const rows = [experiment(10, 2, 11), experiment(10, 2, 8), experiment(0, 2, 3), experiment(5, 2, 0)];

  it('computes standardized residuals and the shares within 1 and 2 sd', () => {
    const result = calibrateObjective('y', rows);
    expect(result.pairs.map((p) => p.z)).toEqual([0.5, -1, 1.5, -2.5]);
    expect(result.within1SdShare).toBe(0.5);
    expect(result.within2SdShare).toBe(0.75);
  });

  it('computes mean |z|, mean z and the RMSE in the objective units', () => {
    const result = calibrateObjective('y', rows);
    expect(result.meanAbsZ).toBeCloseTo((0.5 + 1 + 1.5 + 2.5) / 4, 12);
    expect(result.meanZ).toBeCloseTo((0.5 - 1 + 1.5 - 2.5) / 4, 12);
    // residuals 1, -2, 3, -5: mean square 39/4
    expect(result.rmse).toBeCloseTo(Math.sqrt(39 / 4), 12);
  });

  it('reports coverage at each nominal level, rising with the interval', () => {
    const { coverage } = calibrateObjective('y', rows);
    const at = (nominal: number) => coverage.find((c) => c.nominal === nominal)?.observed;
    expect(at(0.5)).toBe(0.25); // only |z| = 0.5 <= 0.6745
    expect(at(0.6827)).toBe(0.5);
    expect(at(0.9)).toBe(0.75); // 0.5, 1 and 1.5 are inside 1.6449 sd; 2.5 is not
    expect(at(0.99)).toBe(1);
  });

  it('leaves out experiments without a prediction, without a measurement, or excluded', () => {
    const mixed = [
      experiment(1, 1, 1),
      experiment(1, 0, 1), // sd 0: no stated uncertainty
      { ...experiment(0, 1, 2), predicted: {} }, // initial design
      experiment(1, 1, null, { status: 'failed' }),
      experiment(1, 1, 5, { excludedReason: 'tip crash' }),
    ];
    const result = calibrateObjective('y', mixed);
    expect(result.pairs).toHaveLength(1);
    expect(result.unpredicted).toBe(2);
  });

  it('gives nulls, not NaN, when nothing can be checked', () => {
    const result = calibrateObjective('y', []);
    expect(result).toMatchObject({ within1SdShare: null, within2SdShare: null, meanAbsZ: null, rmse: null, coverage: [] });
  });

  it('recovers the nominal shares for predictions that are right about their uncertainty', () => {
    // Measurements placed at the normal quantiles of 2,000 equally likely draws: a perfectly calibrated model.
    const n = 2000;
    const quantiles = Array.from({ length: n }, (_, i) => inverseNormal((i + 0.5) / n));
    const result = calibrate(['y'], quantiles.map((z) => experiment(100, 3, 100 + 3 * z)));
    const [y] = result.objectives;
    expect(y.within1SdShare).toBeCloseTo(NOMINAL.within1Sd, 2);
    expect(y.within2SdShare).toBeCloseTo(NOMINAL.within2Sd, 2);
    expect(y.meanAbsZ).toBeCloseTo(NOMINAL.meanAbsZ, 2);
    for (const c of y.coverage) expect(Math.abs(c.observed - c.nominal)).toBeLessThan(0.005);
  });
});

/** Inverse standard normal CDF by bisection on erf (test helper; accuracy far beyond what is asserted). */
function inverseNormal(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function normalCdf(x: number): number {
  // Abramowitz and Stegun 7.1.26 for erf: |error| < 1.5e-7.
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}
