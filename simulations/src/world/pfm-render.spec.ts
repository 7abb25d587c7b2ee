import { describe, expect, it } from 'vitest';
import { DEFAULT_WORLD, parseWorldParams } from './params';
import { drifted, ivCurve, PfmSurface } from './pfm';
import { renderSpmFrame } from './pfm-render';
import { Rng } from './random';
import { World } from './world';

const recipe = { fractions: { A: 0.55, B: 0.3, C: 0.15 }, annealTempC: 740, annealTimeMin: 120 };

/** Pearson correlation of two equal-length series. */
function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('c-AFM current channel', () => {
  const sample = new World(DEFAULT_WORLD, 3).synthesize('c-afm', recipe, 'afm');
  const spec = { centreXNm: 2500, centreYNm: 2500, sizeNm: 5000, pixels: 64, angleDeg: 0 };
  const surface = new PfmSurface(DEFAULT_WORLD, sample);
  const pixelNm = spec.sizeNm / spec.pixels;
  const vacancyAt = (i: number): number => surface.vacancyFraction((i % spec.pixels + 0.5) * pixelNm, (Math.floor(i / spec.pixels) + 0.5) * pixelNm);

  it('is higher where the local vacancy fraction is higher', () => {
    const frame = renderSpmFrame(DEFAULT_WORLD, sample, spec, ['current'], 7);
    const current = frame.channels.current;
    if (!current) throw new Error('no current map');
    const vacancy = Float64Array.from(current, (_v, i) => vacancyAt(i));
    expect(correlation(current, vacancy)).toBeGreaterThan(0.9);
    // The tenth of pixels with the most vacancies carry more current than the tenth with the fewest.
    const order = Array.from(vacancy.keys()).sort((a, b) => vacancy[a] - vacancy[b]);
    const tenth = Math.floor(order.length / 10);
    const mean = (idx: number[]): number => idx.reduce((s, i) => s + current[i], 0) / idx.length;
    expect(mean(order.slice(-tenth))).toBeGreaterThan(mean(order.slice(0, tenth)) + 5 * DEFAULT_WORLD.spm.iv.noisePa);
  });

  it('follows the I-V sweep at the read bias, scales with it, and carries the set noise', () => {
    const quiet = parseWorldParams({ spm: { iv: { noisePa: 0 } } });
    const at2V = renderSpmFrame(quiet, sample, { ...spec, readBiasV: 2 }, ['current'], 7).channels.current as Float32Array;
    const at1V = renderSpmFrame(quiet, sample, spec, ['current'], 7).channels.current as Float32Array;
    expect(at2V[0]).toBeGreaterThan(2 * at1V[0]);
    // The I-V sweep over -2..2 V in 3 points measures at 2 V where pixel 0's centre is.
    const [, sweep] = ivCurve(new PfmSurface(quiet, sample), { xNm: pixelNm / 2, yNm: pixelNm / 2, vMaxV: 2, points: 3, measurementIndex: 0, tipSensitivity: 1 }, new Rng(1));
    expect(at2V[0]).toBeCloseTo(sweep[2], 3);
    const noisy = renderSpmFrame(DEFAULT_WORLD, sample, spec, ['current'], 7).channels.current as Float32Array;
    const residualSd = Math.sqrt(noisy.reduce((s, v, i) => s + (v - at1V[i]) ** 2, 0) / noisy.length);
    expect(residualSd).toBeCloseTo(DEFAULT_WORLD.spm.iv.noisePa, 1);
  });

  it('leaves the other channels as they were', () => {
    const without = renderSpmFrame(DEFAULT_WORLD, sample, spec, ['height', 'pfmAmplitude', 'pfmPhase'], 7);
    const withCurrent = renderSpmFrame(DEFAULT_WORLD, sample, spec, ['height', 'pfmAmplitude', 'pfmPhase', 'current'], 7);
    expect(withCurrent.channels.pfmAmplitude).toEqual(without.channels.pfmAmplitude);
    expect(withCurrent.channels.pfmPhase).toEqual(without.channels.pfmPhase);
    expect(without.channels.current).toBeUndefined();
  });
});

describe('drift in scans', () => {
  const world = parseWorldParams({ spm: { loop: { driftNmPerMeasurement: 5 } } });
  const sample = new World(world, 3).synthesize('drift', recipe, 'afm');
  const surface = new PfmSurface(world, sample);
  const spec = { centreXNm: 2500, centreYNm: 2500, sizeNm: 640, pixels: 64, angleDeg: 0 };

  it('shows the surface shifted by the drift a loop with the same measurement index feels', () => {
    const index = 6;
    const later = renderSpmFrame(world, sample, { ...spec, measurementIndex: index }, ['height'], 11);
    // Where a loop sent to the frame's centre would really be: the same rule, one function.
    const at = drifted(surface, { xNm: spec.centreXNm, yNm: spec.centreYNm, measurementIndex: index });
    expect(Math.hypot(at.xNm - spec.centreXNm, at.yNm - spec.centreYNm)).toBeCloseTo(30, 6);
    // The later scan is, pixel for pixel, a drift-free scan of the frame moved by the drift (same noise seed).
    const moved = renderSpmFrame(world, sample, { ...spec, centreXNm: at.xNm, centreYNm: at.yNm }, ['height'], 11);
    const a = later.channels.height as Float32Array;
    const b = moved.channels.height as Float32Array;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(1e-3);
    // The frame is reported where the scanner was sent: the instrument does not know it drifted.
    expect(later.originNm).toEqual(renderSpmFrame(world, sample, spec, ['height'], 11).originNm);
    // And it is not the earlier scan: 30 nm is three pixels.
    const earlier = renderSpmFrame(world, sample, spec, ['height'], 11).channels.height as Float32Array;
    expect(correlation(a, earlier)).toBeLessThan(correlation(a, b) - 0.05);
  });
});
