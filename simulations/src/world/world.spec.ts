import { describe, expect, it } from 'vitest';
import { DEFAULT_WORLD, parseWorldParams } from './params';
import { hysteresisLoop, PfmSurface } from './pfm';
import { renderSpmFrame } from './pfm-render';
import { Rng } from './random';
import { renderStemFrame, type StemFrameSpec } from './stem-render';
import { World } from './world';

const optimum = { fractions: { A: 0.55, B: 0.3, C: 0.15 }, annealTempC: 720, annealTimeMin: 60 };

describe('world parameters', () => {
  it('fills defaults and names the bad field', () => {
    expect(parseWorldParams({ spm: { loop: { coerciveV: 3 } } }).spm.loop).toMatchObject({ coerciveV: 3, saturationPm: DEFAULT_WORLD.spm.loop.saturationPm });
    expect(() => parseWorldParams({ spm: { loop: { coerciveV: 'high' } } })).toThrow(/world\.spm\.loop\.coerciveV/);
    expect(() => parseWorldParams({ stem: { dwelUs: 1 } })).toThrow(/world\.stem/);
  });
});

describe('synthesis response surface', () => {
  it('is strongest near its peak and fails in the failure region', () => {
    const world = new World(DEFAULT_WORLD, 1);
    const best = world.synthesize('a', optimum, 'robot').material;
    const offPeak = world.synthesize('b', { ...optimum, fractions: { A: 0.3, B: 0.3, C: 0.4 } }, 'robot').material;
    const underAnnealed = world.synthesize('c', { ...optimum, annealTimeMin: 5 }, 'robot').material;
    const decomposed = world.synthesize('d', { ...optimum, fractions: { A: 0.1, B: 0.4, C: 0.5 }, annealTempC: 900 }, 'robot').material;
    expect(best.outcome).toBe('ok');
    expect(best.ferroStrength).toBeGreaterThan(offPeak.ferroStrength);
    expect(best.ferroStrength).toBeGreaterThan(underAnnealed.ferroStrength);
    expect(decomposed).toMatchObject({ outcome: 'failed', failureReason: 'phase_separation', ferroStrength: 0 });
  });
});

describe('PFM physics', () => {
  const world = new World(DEFAULT_WORLD, 2);
  const loopArea = (sampleId: string): number => {
    const surface = new PfmSurface(DEFAULT_WORLD, world.sample(sampleId) ?? world.synthesize(sampleId, optimum, 'robot'));
    let total = 0;
    for (let i = 0; i < 10; i++) {
      const [bias, response] = hysteresisLoop(surface, { xNm: 500 + 300 * i, yNm: 700 + 200 * i, vMaxV: 8, points: 64, cycles: 1, measurementIndex: 0, tipSensitivity: 1 }, new Rng(i));
      for (let k = 1; k < bias.length; k++) total += 0.5 * (response[k] + response[k - 1]) * (bias[k] - bias[k - 1]);
    }
    return Math.abs(total);
  };

  it('a stronger ferroelectric gives bigger loops', () => {
    expect(loopArea('ref-strong')).toBeGreaterThan(3 * loopArea('ref-weak'));
  });

  it('renders domains of both signs with walls, and the same seed gives the same bytes', () => {
    const sample = world.sample('ref-strong');
    if (!sample) throw new Error('no reference sample');
    const spec = { centreXNm: 3000, centreYNm: 3000, sizeNm: 3000, pixels: 64, angleDeg: 0 };
    const frame = renderSpmFrame(DEFAULT_WORLD, sample, spec, ['height', 'pfmAmplitude'], 5);
    const up = frame.truth.domainUp.reduce((a, b) => a + b, 0);
    expect(up).toBeGreaterThan(0);
    expect(up).toBeLessThan(64 * 64);
    expect(frame.truth.wall.some((w) => w === 1)).toBe(true);
    expect(frame.channels.pfmPhase).toBeUndefined();
    const again = renderSpmFrame(DEFAULT_WORLD, sample, spec, ['height', 'pfmAmplitude'], 5);
    expect(again.channels.height).toEqual(frame.channels.height);
  });
});

describe('STEM physics', () => {
  const frame: StemFrameSpec = { centreXNm: 400, centreYNm: 400, fovNm: 6, pixels: 96, dwellUs: 10, detector: 'haadf', defocusNm: 0 };

  it('images two species with HAADF contrast rising with Z, with ground truth', () => {
    const world = new World(DEFAULT_WORLD, 3);
    const sample = world.sample('ref-strong');
    if (!sample) throw new Error('no reference sample');
    const { image, truth } = renderStemFrame(DEFAULT_WORLD, sample, frame, 1);
    expect(truth.resolved).toBe(true);
    expect(new Set(truth.atoms.map((a) => a.species))).toEqual(new Set(['Sr', 'Ti', 'La']));
    const brightness = (species: string): number => {
      const columns = truth.atoms.filter((a) => a.species === species && !a.vacant && a.col > 2 && a.col < 93 && a.row > 2 && a.row < 93);
      return columns.reduce((sum, a) => sum + image[Math.round(a.row) * 96 + Math.round(a.col)], 0) / columns.length;
    };
    expect(brightness('Sr')).toBeGreaterThan(brightness('Ti'));
  });

  it('accumulated dose knocks out columns', () => {
    const world = new World(DEFAULT_WORLD, 4);
    const sample = world.sample('ref-strong');
    if (!sample) throw new Error('no reference sample');
    const vacancies = (): number => renderStemFrame(DEFAULT_WORLD, sample, frame, 1).truth.atoms.filter((a) => a.vacant).length;
    const before = vacancies();
    sample.exposures.push({ x0Nm: 390, y0Nm: 390, x1Nm: 410, y1Nm: 410, doseEPerA2: DEFAULT_WORLD.stem.damageDoseEPerA2 });
    const after = vacancies();
    expect(after).toBeGreaterThan(before + 50);
  });
});
