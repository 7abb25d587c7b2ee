import type { DataFrame } from '@lab/drivers';
import { parseWorldParams, renderStemFrame, World } from '@lab/simulations';
import { describe, expect, it } from 'vitest';
import { grainSizeNm } from './grain-size';

const world = new World(parseWorldParams({}), 3);

/** A 500 nm HAADF overview of a film annealed at this temperature and time, with its true grain size. */
function overview(annealTempC: number, annealTimeMin: number, pixelSizeNm = 500 / 512): { frame: DataFrame; trueNm: number } {
  const sample = world.synthesize(`g-${annealTempC}-${annealTimeMin}-${pixelSizeNm}`, { fractions: { A: 0.5, B: 0.5, C: 0 }, annealTempC, annealTimeMin }, 'stem');
  const pixels = Math.round(500 / pixelSizeNm);
  const { image, truth } = renderStemFrame(world.params, sample, { centreXNm: 1000, centreYNm: 1000, fovNm: 500, pixels, dwellUs: 100, detector: 'haadf', defocusNm: 0 }, 1);
  return {
    frame: { header: { v: 1, cmdId: 'c', dataId: 'd', kind: 'image', dtype: 'float32', shape: [pixels, pixels], channel: 'haadf', pixelSizeNm: truth.pixelSizeNm }, values: image },
    trueNm: sample.material.grainSizeNm,
  };
}

describe('grain size by line intercepts', () => {
  it('follows the true grain size of twin films within a factor of 1.5 from 40 to 500 nm', () => {
    const readings = [[600, 8], [600, 60], [700, 60], [800, 60], [900, 60], [900, 240]].map(([t, m]) => overview(t, m));
    for (const { frame, trueNm } of readings) {
      const measured = grainSizeNm([frame]) as number;
      expect(measured / trueNm).toBeGreaterThan(1 / 1.5);
      expect(measured / trueNm).toBeLessThan(1.5);
    }
    const measured = readings.map(({ frame }) => grainSizeNm([frame]) as number);
    expect([...measured].sort((a, b) => a - b)).toEqual(measured);
  });

  it('never reads grains below 20 nm, whose boundaries crowd together, as large ones', () => {
    for (const [t, m] of [[350, 8], [400, 8], [500, 8]]) {
      const { frame, trueNm } = overview(t, m);
      expect(trueNm).toBeLessThan(26);
      expect(grainSizeNm([frame])).toBeLessThan(60);
    }
  });

  it('leaves atomic-resolution frames alone', () => {
    const { frame } = overview(700, 60);
    expect(grainSizeNm([{ ...frame, header: { ...frame.header, pixelSizeNm: 0.06 } }])).toBeUndefined();
  });
});
