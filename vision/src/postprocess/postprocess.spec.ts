import { describe, expect, it } from 'vitest';
import { analyzeSegmentation } from '../analysis/analyze';
import { grayImage } from '../image/gray-image';
import { atomsFromClassMaps } from './atoms';
import { classMapsFromLogits, classMask, classMaps, frameConfidence } from './class-maps';
import { componentAreas, connectedComponents } from './components';
import { boundaryLengthPx, domainStats } from './domains';
import { atomFeatures } from './features';

/** One-hot planar probabilities from a label image, with `p` on the label and the rest spread evenly. */
function oneHot(labels: number[], classes: number, p = 1): Float32Array {
  const plane = labels.length;
  const out = new Float32Array(classes * plane);
  labels.forEach((label, i) => {
    for (let k = 0; k < classes; k++) out[k * plane + i] = k === label ? p : (1 - p) / (classes - 1);
  });
  return out;
}

describe('connected components', () => {
  const mask = Uint8Array.from([
    1, 1, 0, 0, 1,
    0, 1, 0, 1, 0,
    0, 0, 0, 0, 0,
    1, 0, 0, 1, 1,
  ]);

  it('separates corner-touching blobs with 4-connectivity and joins them with 8', () => {
    const four = connectedComponents(mask, 5, 4, 4);
    expect(four.count).toBe(5);
    expect(Array.from(componentAreas(four)).slice(1).sort()).toEqual([1, 1, 1, 2, 3]);
    expect(connectedComponents(mask, 5, 4, 8).count).toBe(4);
  });

  it('handles a mask that is all foreground without recursion limits', () => {
    const big = new Uint8Array(1000 * 1000).fill(1);
    expect(connectedComponents(big, 1000, 1000).count).toBe(1);
  });
});

describe('atoms from class maps', () => {
  const classes = ['background', 'species_a', 'species_b', 'vacancy'];
  // Two atoms of 2x2 px (class 1 and 2) and one vacancy of 1 px; a 1 px speck of class 1 is noise.
  const labels = [
    1, 1, 0, 0, 0, 0,
    1, 1, 0, 2, 2, 0,
    0, 0, 0, 2, 2, 0,
    3, 3, 0, 0, 0, 1,
  ];

  it('gives a binary mask per class', () => {
    const maps = classMaps(oneHot(labels, 4, 0.9), classes, 6, 4);
    expect(Array.from(classMask(maps, 3))).toEqual(labels.map((l) => (l === 3 ? 1 : 0)));
  });

  it('places blobs at their sub-pixel centroids with their class', () => {
    const maps = classMaps(oneHot(labels, 4, 0.9), classes, 6, 4);
    const atoms = atomsFromClassMaps(maps, { backgroundIndex: 0, minAreaPx: 2, splitAreaPx: 2 });
    expect(atoms.map((a) => [a.className, a.x, a.y, a.areaPx])).toEqual([
      ['species_a', 0.5, 0.5, 4],
      ['species_b', 3.5, 1.5, 4],
      ['vacancy', 0.5, 3, 2],
    ]);
    expect(atoms[0].confidence).toBeCloseTo(0.9, 6);
  });

  it('keeps an atom and a vacancy that touch as two objects', () => {
    const touching = [0, 2, 2, 3, 3, 0];
    const atoms = atomsFromClassMaps(classMaps(oneHot(touching, 4), classes, 6, 1), { backgroundIndex: 0, minAreaPx: 2, splitAreaPx: 2 });
    expect(atoms.map((a) => [a.className, a.x])).toEqual([['species_b', 1.5], ['vacancy', 3.5]]);
  });

  it('splits a blob of two merged vacancies in two, by the typical vacancy size in the frame', () => {
    // Five single 2 x 2 vacancies set the typical area; a 2 x 4 blob is two of them merged.
    const w = 30;
    const merged = new Array<number>(w * 2).fill(0);
    for (const x0 of [0, 4, 8, 12, 16]) for (const dx of [0, 1]) for (const y of [0, 1]) merged[y * w + x0 + dx] = 3;
    for (const dx of [0, 1, 2, 3]) for (const y of [0, 1]) merged[y * w + 22 + dx] = 3;
    const atoms = atomsFromClassMaps(classMaps(oneHot(merged, 4), classes, w, 2), { backgroundIndex: 0, minAreaPx: 2, splitAreaPx: 4 });
    expect(atoms).toHaveLength(7);
    expect(atoms.filter((a) => a.x > 21).map((a) => [a.x, a.y]).sort()).toEqual([[22.5, 0.5], [24.5, 0.5]]);
  });

  /** A square lattice of 2 x 2 px objects `pitch` px apart (labels), with a few sites overridden. */
  function lattice(sites: number, pitch: number, at: (i: number, j: number) => Array<[dx: number, dy: number, label: number]> | undefined): { labels: number[]; size: number } {
    const size = sites * pitch;
    const out = new Array<number>(size * size).fill(0);
    for (let j = 0; j < sites; j++) {
      for (let i = 0; i < sites; i++) {
        const pixels = at(i, j) ?? [[0, 0, 1], [1, 0, 1], [0, 1, 1], [1, 1, 1]];
        for (const [dx, dy, label] of pixels) out[(j * pitch + 1 + dy) * size + i * pitch + 1 + dx] = label;
      }
    }
    return { labels: out, size };
  }

  it('makes one column of two objects much closer than the frame spacing (a dim column read partly as a vacancy)', () => {
    // 5 x 5 columns 5 px apart; at (2, 2) one column's left half is species_b and its right half
    // vacancy, 1 px apart: one column, not an atom beside a vacancy.
    const { labels, size } = lattice(5, 5, (i, j) => (i === 2 && j === 2 ? [[0, 0, 2], [0, 1, 2], [1, 0, 3], [1, 1, 3], [2, 0, 3], [2, 1, 3]] : undefined));
    const atoms = atomsFromClassMaps(classMaps(oneHot(labels, 4), classes, size, size), { backgroundIndex: 0, minAreaPx: 2, splitAreaPx: 2 });
    expect(atoms).toHaveLength(25);
    const middle = atoms.filter((a) => Math.abs(a.x - 12) < 2 && Math.abs(a.y - 11.5) < 2);
    expect(middle).toHaveLength(1);
    // Four vacancy pixels against two species_b pixels: the summed probability decides.
    expect(middle[0].className).toBe('vacancy');
    expect(middle[0].areaPx).toBe(6);
  });

  it('keeps two vacancies a lattice spacing apart as two, even when their blobs merged', () => {
    // Typical vacancy 2 x 2 (row 3); sites (1, 1) and (2, 1) are one 7 x 1 vacancy strip, split by
    // k-means into parts 3.5 px apart: more than half the 5 px spacing, so they stay two.
    const strip: Array<[number, number, number]> = [0, 1, 2, 3, 4, 5, 6].map((dx) => [dx, 0, 3]);
    const vacancy = (i: number, j: number): Array<[number, number, number]> | undefined =>
      j === 3 ? [[0, 0, 3], [1, 0, 3], [0, 1, 3], [1, 1, 3]] : j === 1 && i === 1 ? strip : j === 1 && i === 2 ? [] : undefined;
    const { labels, size } = lattice(5, 5, vacancy);
    const atoms = atomsFromClassMaps(classMaps(oneHot(labels, 4), classes, size, size), { backgroundIndex: 0, minAreaPx: 2, splitAreaPx: 2 });
    expect(atoms.filter((a) => a.className === 'vacancy' && a.y === 6).map((a) => a.x)).toEqual([7.5, 11]);
    expect(atoms).toHaveLength(25);
  });

  it('turns atoms into counts, fractions and densities', () => {
    const maps = classMaps(oneHot(labels, 4), classes, 6, 4);
    const analysis = analyzeSegmentation('atoms', maps, grayImage(6, 4, new Float32Array(24), 0.5));
    expect(analysis.features).toMatchObject({
      atom_count: 2,
      species_a_count: 1,
      species_b_count: 1,
      vacancy_count: 1,
      species_b_fraction: 0.5,
      vacancy_fraction: 1 / 3,
      vacancy_density_per_nm2: 1 / (6 * 4 * 0.25),
      confidence: 1,
    });
    expect(atomFeatures([], { width: 4, height: 4 })).toMatchObject({ atom_count: 0, vacancy_fraction: 0, species_b_fraction: 0 });
  });

  it('turns logits into probabilities, labels and winning probabilities in one pass', () => {
    const logits = Float32Array.from([0, 2, 1, 0]); // two classes, two pixels, planar
    const maps = classMapsFromLogits(logits, ['background', 'species_a'], 2, 1);
    expect(Array.from(maps.labels)).toEqual([1, 0]);
    const p = 1 / (1 + Math.exp(-1));
    expect(maps.maxProbability[0]).toBeCloseTo(p, 6);
    expect(maps.probabilities[0]).toBeCloseTo(1 - p, 6);
    expect(maps.probabilities[3]).toBeCloseTo(1 - 1 / (1 + Math.exp(-2)), 6);
  });

  it('measures confidence on the non-background pixels only', () => {
    const probabilities = oneHot([0, 0, 0, 1], 2, 0.6);
    probabilities[0] = 1; // background pixel 0 is certain
    probabilities[4] = 0;
    const maps = classMaps(probabilities, ['background', 'species_a'], 2, 2);
    expect(frameConfidence(maps, 0)).toBeCloseTo(0.6, 6);
    expect(frameConfidence(maps, undefined)).toBeCloseTo((1 + 0.6 * 3) / 4, 6);
  });
});

describe('domain statistics', () => {
  it('measures a straight wall exactly and a circle within 2 %', () => {
    const n = 200;
    const half = new Uint8Array(n * n);
    for (let i = 0; i < half.length; i++) half[i] = i % n < n / 2 ? 1 : 0;
    // A vertical wall crosses n rows once each: pi/4 x n, the isotropic estimate's bias for an axis line.
    expect(boundaryLengthPx(half, n, n)).toBeCloseTo((Math.PI / 4) * n, 6);
    const disk = new Uint8Array(n * n);
    const r = 60;
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) disk[y * n + x] = (x - 100) ** 2 + (y - 100) ** 2 < r * r ? 1 : 0;
    expect(boundaryLengthPx(disk, n, n) / (2 * Math.PI * r)).toBeGreaterThan(0.98);
    expect(boundaryLengthPx(disk, n, n) / (2 * Math.PI * r)).toBeLessThan(1.02);
  });

  it('counts fractions and domains from the partition and the wall mask', () => {
    const up = Uint8Array.from([1, 1, 0, 0, 1, 1, 0, 0]);
    const wall = Uint8Array.from([0, 1, 1, 0, 0, 1, 1, 0]);
    expect(domainStats(up, wall, 4, 2)).toEqual({ upFraction: 0.5, wallFraction: 0.5, wallLengthPx: (Math.PI / 4) * 2, domainCount: 2 });
  });

  it('gives wall length in nm when the pixel size is known', () => {
    const labels = [0, 0, 2, 1, 0, 0, 2, 1];
    const maps = classMaps(oneHot(labels, 3), ['domain_up', 'domain_down', 'wall'], 4, 2);
    const analysis = analyzeSegmentation('domains', maps, grayImage(4, 2, new Float32Array(8), 10));
    expect(analysis.features.domain_up_fraction).toBe(0.75);
    expect(analysis.features.wall_fraction).toBe(0.25);
    expect(analysis.features.wall_length_nm).toBeCloseTo((Math.PI / 4) * 2 * 10, 6);
  });
});
