import type { DataFrame } from '@lab/drivers';
import { describe, expect, it } from 'vitest';
import { coerciveVoltage, computeFeatures, loopArea } from './features';

/** A loop sampled around a parallelogram: up the right branch at +vc, down the left at -vc. */
function parallelogramLoop(vc: number, height: number): DataFrame {
  const bias = [-10, vc, 10, -vc];
  const response = [-height, -height, height, height];
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < 4; i++) {
    const j = (i + 1) % 4;
    for (let k = 0; k < 10; k++) {
      xs.push(bias[i] + ((bias[j] - bias[i]) * k) / 10);
      ys.push(response[i] + ((response[j] - response[i]) * k) / 10);
    }
  }
  return {
    header: { v: 1, cmdId: 'c', dataId: 'd', kind: 'spectrum', dtype: 'float32', shape: [2, xs.length], rows: ['biasV', 'piezoresponsePm'] },
    values: new Float32Array([...xs, ...ys]),
  };
}

describe('scalarizers', () => {
  it('measures the area enclosed by a hysteresis loop', () => {
    // Parallelogram with horizontal sides of length 10 + vc, 2h apart.
    expect(loopArea([parallelogramLoop(3, 5)])).toBeCloseTo(130, 4);
    expect(loopArea([parallelogramLoop(1, 5)])).toBeCloseTo(110, 4);
  });

  it('finds the coercive voltage as half the distance between the zero crossings', () => {
    // The branches cross zero half-way between -10..vc and vc..10: at +-(10 + vc) / 2.
    expect(coerciveVoltage([parallelogramLoop(3, 5)])).toBeCloseTo(6.5, 4);
  });

  it('gives nothing for data it does not understand', () => {
    const image: DataFrame = { header: { v: 1, cmdId: 'c', dataId: 'i', kind: 'image', dtype: 'uint8', shape: [1, 2] }, values: new Uint8Array([2, 4]) };
    expect(loopArea([image])).toBeUndefined();
    expect(computeFeatures([image])).toEqual({ image_mean: 3 });
    expect(computeFeatures([])).toEqual({});
  });
});
