import { describe, expect, it } from 'vitest';
import { analyzeClassical, DEFAULT_CLASSICAL_OPTIONS } from '../analysis/analyze';
import { grayImage } from '../image/gray-image';
import { seededRandom, spotImage } from '../testing/synthetic';
import { DEFAULT_LOG_OPTIONS, detectAtomsLoG } from './log-atoms';
import { otsuThreshold } from './otsu';
import { thresholdDomains } from './threshold-domains';

const STRICT = { ...DEFAULT_LOG_OPTIONS, thresholdSd: 4.5 };

describe('classical atom finder', () => {
  // A square lattice of bright (A) and dim (B) spots, Poisson noise, spots off the pixel grid.
  const spacing = 8;
  const spots: Array<{ x: number; y: number; peak: number; bright: boolean }> = [];
  for (let j = 0; j < 7; j++) {
    for (let i = 0; i < 7; i++) {
      const bright = (i + j) % 2 === 0;
      spots.push({ x: 6.3 + i * spacing, y: 5.8 + j * spacing, peak: bright ? 40 : 15, bright });
    }
  }
  const image = spotImage(64, 64, spots, { sigmaPx: 1.5, background: 1, seed: 11 });

  it('finds every spot once, within a quarter spacing, and tells the species apart', () => {
    // The lattice leaves empty margins: a strict threshold, as for images that may hold no atoms there.
    const atoms = detectAtomsLoG(image, STRICT);
    expect(atoms).toHaveLength(spots.length);
    for (const spot of spots) {
      const matches = atoms.filter((a) => Math.hypot(a.x - spot.x, a.y - spot.y) < spacing / 4);
      expect(matches).toHaveLength(1);
      expect(matches[0].className).toBe(spot.bright ? 'species_a' : 'species_b');
    }
  });

  it('reports no vacancy features, since it cannot see empty columns', () => {
    const features = analyzeClassical('atoms', image, { ...DEFAULT_CLASSICAL_OPTIONS, atoms: STRICT }).features;
    expect(features.atom_count).toBe(spots.length);
    expect(Object.keys(features).some((name) => name.startsWith('vacancy'))).toBe(false);
  });

  it('finds nothing in pure noise at a strict threshold', () => {
    const noise = spotImage(64, 64, [], { sigmaPx: 1.5, background: 3, seed: 5 });
    expect(detectAtomsLoG(noise, STRICT).length).toBeLessThanOrEqual(1);
  });
});

describe('classical domain finder', () => {
  it('thresholds a noisy phase image into domains with a wall band between them', () => {
    const random = seededRandom(2);
    const w = 40;
    const phase = grayImage(w, 20, Array.from({ length: w * 20 }, (_, i) => (i % w < 15 ? 0 : 180) + 20 * (random() - 0.5) + (i % w < 15 ? 360 * Math.round(random()) : 0)));
    const { up, wall } = thresholdDomains(phase);
    const upCount = up.reduce((s, v) => s + v, 0);
    expect(upCount).toBe(15 * 20);
    expect(wall.reduce((s, v) => s + v, 0)).toBe(2 * 20);
  });
});

describe('otsu threshold', () => {
  it('splits two clusters between them', () => {
    const t = otsuThreshold([1, 1.1, 0.9, 1.05, 5, 5.2, 4.9]);
    expect(t).toBeGreaterThan(1.1);
    expect(t).toBeLessThan(4.9);
  });
});
