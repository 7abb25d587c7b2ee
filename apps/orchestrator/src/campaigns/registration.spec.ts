import { describe, expect, it } from 'vitest';
import { crop, estimateShiftPx, nmShiftToPixels, parabolicPeak, pixelShiftToNm, registrationDecision, registrationScanParams, registrationWindow, type SquareImage } from './registration';

/** A smooth random surface (blobs of a few pixels, like grains) sampled with its features moved by (sx, sy) px. */
function synthetic(pixels: number, sxPx: number, syPx: number, seed = 1, noise = 0): SquareImage {
  let state = seed;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const blobs = Array.from({ length: 60 }, () => ({ x: random() * pixels, y: random() * pixels, r: 2 + 4 * random(), h: random() - 0.5 }));
  const values = new Float64Array(pixels * pixels);
  for (let row = 0; row < pixels; row++) {
    for (let col = 0; col < pixels; col++) {
      const x = col + 0.5 - sxPx;
      const y = row + 0.5 - syPx;
      let v = 0;
      for (const b of blobs) v += b.h * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.r ** 2));
      values[row * pixels + col] = v + noise * (random() - 0.5);
    }
  }
  return { values, pixels };
}

describe('registration', () => {
  it('crops a block', () => {
    const image = { values: Array.from({ length: 16 }, (_, i) => i), pixels: 4 };
    expect([...crop(image, 1, 2, 2, 2)]).toEqual([9, 10, 13, 14]);
  });

  it('finds the vertex of a parabola', () => {
    const f = (x: number): number => -((x - 0.3) ** 2);
    expect(parabolicPeak(f(-1), f(0), f(1))).toBeCloseTo(0.3, 10);
  });

  it.each([
    [0, 0],
    [3, -2],
    [0.4, 0.25],
    [-5.3, 2.7],
    [7.5, -6.45],
  ])('recovers a shift of (%s, %s) px to a tenth of a pixel', (sx, sy) => {
    const reference = synthetic(64, 0, 0);
    const moving = synthetic(64, sx, sy);
    const shift = estimateShiftPx(reference, moving, { searchPx: 10 });
    expect(Math.abs(shift.dxPx - sx)).toBeLessThan(0.1);
    expect(Math.abs(shift.dyPx - sy)).toBeLessThan(0.1);
    expect(shift.score).toBeGreaterThan(0.9);
    expect(shift.atEdge).toBe(false);
  });

  it('searches around the expected shift, and says when the peak is at the edge of the range', () => {
    const reference = synthetic(64, 0, 0);
    const moving = synthetic(64, 12.3, -9.6);
    const around = estimateShiftPx(reference, moving, { searchPx: 4, aroundPx: { x: 11, y: -10 } });
    expect(Math.abs(around.dxPx - 12.3)).toBeLessThan(0.1);
    expect(Math.abs(around.dyPx + 9.6)).toBeLessThan(0.1);
    expect(estimateShiftPx(reference, moving, { searchPx: 4 }).atEdge).toBe(true);
  });

  it('converts between pixels and nm in a rotated frame', () => {
    const nm = pixelShiftToNm({ dxPx: 2, dyPx: 1 }, 10, 90);
    expect(nm.dxNm).toBeCloseTo(-10, 10);
    expect(nm.dyNm).toBeCloseTo(20, 10);
    const back = nmShiftToPixels(nm, 10, 90);
    expect(back.x).toBeCloseTo(2, 10);
    expect(back.y).toBeCloseTo(1, 10);
  });

  it('adopts an estimate only when it differs from the correction in use by more than the limit', () => {
    const reference = synthetic(64, 0, 0, 3, 0.02);
    const moving = synthetic(64, 1.5, -0.8, 3, 0.02);
    const options = { pixelNm: 10, angleDeg: 0, limitNm: 3 };
    const fresh = registrationDecision(reference, moving, { ...options, inUse: { dxNm: 0, dyNm: 0 } });
    expect(fresh.adopted).toBe(true);
    expect(Math.abs(fresh.correction.dxNm - 15)).toBeLessThan(1.5);
    expect(Math.abs(fresh.correction.dyNm + 8)).toBeLessThan(1.5);
    const close = registrationDecision(reference, moving, { ...options, inUse: { dxNm: 14, dyNm: -7 } });
    expect(close.adopted).toBe(false);
    expect(close.correction).toEqual({ dxNm: 14, dyNm: -7 });
    // A rescan that shows no surface (a lost tip: only noise) is not trusted.
    let state = 7;
    const noise = Float64Array.from({ length: 64 * 64 }, () => ((state = (state * 69069 + 1) % 2 ** 32) / 2 ** 32) - 0.5);
    const other = registrationDecision(reference, { values: noise, pixels: 64 }, { ...options, inUse: { dxNm: 0, dyNm: 0 } });
    expect(other.adopted).toBe(false);
    expect(other.untrusted).toBeDefined();
  });

  it('rescans the overview centre with the overview settings, one channel', () => {
    const params = { xNm: 2500, yNm: 2400, sizeNm: 5000, pixels: 128, lineRateHz: 2, channels: ['height', 'pfmPhase'], readBiasV: 1 };
    const window = registrationWindow(params, {});
    expect(registrationScanParams(params, window, { sizeNm: 640, pixels: 64, channel: 'height' })).toEqual({
      xNm: 2500, yNm: 2400, angleDeg: 0, sizeNm: 640, pixels: 64, lineRateHz: 2, channels: ['height'], readBiasV: 1,
    });
    // Without a centre in the params: the reported corner plus half the side.
    expect(registrationWindow({ sizeNm: 5000 }, { originNm: { xNm: 0, yNm: 0 } })).toEqual({ centreXNm: 2500, centreYNm: 2500, angleDeg: 0 });
  });
});
