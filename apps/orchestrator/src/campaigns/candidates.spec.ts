import type { CampaignConfig } from '@lab/config';
import type { DataFrame } from '@lab/drivers';
import { describe, expect, it } from 'vitest';
import { candidatesFromImages } from './candidates';

type Spec = NonNullable<CampaignConfig['candidates']>;

const SIZE = 8;
const PIXEL_NM = 10;

function image(channel: string, value: (row: number, col: number) => number): DataFrame {
  const values = new Float32Array(SIZE * SIZE);
  for (let row = 0; row < SIZE; row++) for (let col = 0; col < SIZE; col++) values[row * SIZE + col] = value(row, col);
  return {
    header: { v: 1, cmdId: 'c', dataId: channel, kind: 'image', dtype: 'float32', shape: [SIZE, SIZE], channel, pixelSizeNm: PIXEL_NM, originNm: { xNm: 100, yNm: 200 } },
    values,
  };
}

// Left half up (phase 0), right half down (phase 180); amplitude grows as the square of the column.
const frames = [image('pfmPhase', (_r, c) => (c < SIZE / 2 ? 0 : 180)), image('pfmAmplitude', (_r, c) => c * c)];
const spec = (features: Spec['features'], grid = SIZE): Spec => ({ from: { step: 'overview', channel: 'pfmPhase' }, grid, patchPx: 1, features, parameters: { x: 'xNm', y: 'yNm' } });

describe('candidatesFromImages', () => {
  it('places a grid location at the centre of its pixel, in the frame coordinates', () => {
    const [first, second] = candidatesFromImages(frames, spec(['xNm', 'yNm']));
    expect(first.point).toEqual({ xNm: 105, yNm: 205 });
    expect(second.point).toEqual({ xNm: 115, yNm: 205 });
    expect(first.features).toEqual([105, 205]);
  });

  it('domain_up and amplitude_pm describe the pixel the tip lands on, not a patch around it', () => {
    const candidates = candidatesFromImages(frames, spec(['domain_up', 'amplitude_pm', 'domain_up_fraction', 'amplitude_mean']));
    // Column 3 is the last up column: its patch reaches into the down half, the pixel itself does not.
    const atWall = candidates[2 * SIZE + 3].features as number[];
    expect(atWall[0]).toBe(1);
    expect(atWall[1]).toBe(9);
    expect(atWall[2]).toBeCloseTo(2 / 3);
    expect(atWall[3]).toBeCloseTo((4 + 9 + 16) / 3);
    expect(candidates[2 * SIZE + 4].features?.[0]).toBe(0);
  });

  it('current_pa is the c-AFM current at the pixel the tip lands on', () => {
    // Current rises down the rows (as a vacancy-rich band would show) in picoamperes.
    const withCurrent = [...frames, image('current', (r, c) => 2 + 0.5 * r + 0.01 * c)];
    const candidates = candidatesFromImages(withCurrent, spec(['current_pa']));
    expect(candidates[3 * SIZE + 5].features?.[0]).toBeCloseTo(2 + 1.5 + 0.05, 5);
    expect(candidates[7 * SIZE].features?.[0]).toBeCloseTo(5.5, 5);
    expect(() => candidatesFromImages(frames, spec(['current_pa']))).toThrow(/current_pa need channels/);
  });

  it('current_mean averages the current over the patch: pixel noise goes, the field stays', () => {
    // A current that rises down the rows, with +-1 pA of checkerboard noise on top.
    const noisy = [...frames, image('current', (r, c) => 2 + 0.5 * r + ((r + c) % 2 === 0 ? 1 : -1))];
    const candidates = candidatesFromImages(noisy, spec(['current_pa', 'current_mean']));
    const [atPixel, mean] = candidates[3 * SIZE + 3].features as number[];
    expect(atPixel).toBeCloseTo(2 + 1.5 + 1, 5);
    // 3 x 3 patch: rows 2-4 average to row 3; five +1 and four -1 pixels leave +1/9.
    expect(mean).toBeCloseTo(2 + 1.5 + 1 / 9, 5);
    expect(() => candidatesFromImages(frames, spec(['current_mean']))).toThrow(/current_mean need channels/);
  });

  it('refuses amplitude_pm when the overview recorded no amplitude', () => {
    expect(() => candidatesFromImages([frames[0]], spec(['amplitude_pm']))).toThrow(/amplitude_pm need channels/);
  });
});
