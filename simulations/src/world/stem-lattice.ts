import { fbm, grainAt, newGrainHit } from './noise';
import type { Species, WorldParams } from './params';
import { hash01, hashOf, mix32 } from './random';
import type { Exposure, Sample } from './world';

/** One projected atomic column in sample coordinates, with what it really is. */
export interface AtomColumn {
  xNm: number;
  yNm: number;
  /** Species symbol, e.g. 'Sr'; the host site may hold the dopant instead. */
  species: string;
  z: number;
  sublattice: 'host' | 'bSite';
  /** Knocked out (intrinsic vacancy or beam damage): invisible in the image. */
  vacant: boolean;
  /** Grain id: the grain's seed cell, as "cx,cy". */
  grain: string;
}

/** An axis-aligned window of the sample surface, in nm. */
export interface Window {
  x0Nm: number;
  y0Nm: number;
  x1Nm: number;
  y1Nm: number;
}

/** Accumulated electron dose at a point from every exposure that covered it. */
export function doseAtEPerA2(exposures: readonly Exposure[], xNm: number, yNm: number): number {
  let dose = 0;
  for (const e of exposures) {
    if (xNm >= e.x0Nm && xNm < e.x1Nm && yNm >= e.y0Nm && yNm < e.y1Nm) dose += e.doseEPerA2;
  }
  return dose;
}

/**
 * Chance that a column at (x, y) is vacant: intrinsic vacancies, clustered around the sample's
 * mean, plus beam damage saturating with dose.
 */
export function vacancyProbability(world: WorldParams, sample: Sample, doseEPerA2: number, xNm: number, yNm: number): number {
  const { defectContrast, defectClusterNm, damageDoseEPerA2 } = world.stem;
  const cluster = defectContrast === 0 ? 1 : Math.max(0, 1 + defectContrast * fbm(hashOf('defects', sample.structureSeed), xNm / defectClusterNm, yNm / defectClusterNm, 2));
  const intrinsic = Math.min(1, sample.material.vacancyFraction * cluster);
  return intrinsic + (1 - intrinsic) * (1 - Math.exp(-doseEPerA2 / damageDoseEPerA2));
}

export const overlaps = (e: Window, w: Window): boolean => e.x0Nm < w.x1Nm && e.x1Nm > w.x0Nm && e.y0Nm < w.y1Nm && e.y1Nm > w.y0Nm;

/**
 * The columns of a perovskite-like projection (host sites on the corners, B sites in the centres)
 * inside a window. Each grain has its own lattice orientation and offset, so grain boundaries
 * appear where grains meet. Every site's species and vacancy draw is a fixed hash of the site,
 * so beam damage only ever adds vacancies as the dose grows.
 */
export function columnsIn(world: WorldParams, sample: Sample, window: Window): AtomColumn[] {
  const stem = world.stem;
  const a = stem.latticeNm;
  const grainNm = sample.material.grainSizeNm;
  const grainSeed = hashOf('grains', sample.structureSeed);
  const siteSeed = hashOf('sites', sample.structureSeed);
  const exposures = sample.exposures.filter((e) => overlaps(e, window));
  const hit = newGrainHit();
  const columns: AtomColumn[] = [];
  const grains = grainsIn(grainSeed, grainNm, window);
  for (const [cx, cy] of grains) {
    const theta = (Math.PI / 2) * hash01(grainSeed, cx, cy, 6);
    const ox = a * hash01(grainSeed, cx, cy, 7);
    const oy = a * hash01(grainSeed, cx, cy, 8);
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const grainSites = mix32(siteSeed ^ Math.imul(cx, 0x27d4eb2d) ^ Math.imul(cy, 0x165667b1));
    // Lattice index range covering the window: project its corners into the grain's lattice frame.
    let iMin = Infinity, iMax = -Infinity, jMin = Infinity, jMax = -Infinity;
    for (const [x, y] of [[window.x0Nm, window.y0Nm], [window.x1Nm, window.y0Nm], [window.x0Nm, window.y1Nm], [window.x1Nm, window.y1Nm]]) {
      const u = (cos * (x - ox) + sin * (y - oy)) / a;
      const v = (-sin * (x - ox) + cos * (y - oy)) / a;
      iMin = Math.min(iMin, u); iMax = Math.max(iMax, u); jMin = Math.min(jMin, v); jMax = Math.max(jMax, v);
    }
    for (let j = Math.floor(jMin) - 1; j <= Math.ceil(jMax); j++) {
      for (let i = Math.floor(iMin) - 1; i <= Math.ceil(iMax); i++) {
        for (let s = 0; s < 2; s++) {
          const u = a * (i + s / 2);
          const v = a * (j + s / 2);
          const x = ox + cos * u - sin * v;
          const y = oy + sin * u + cos * v;
          if (x < window.x0Nm || x >= window.x1Nm || y < window.y0Nm || y >= window.y1Nm) continue;
          if (grains.length > 1) {
            grainAt(grainSeed, x / grainNm, y / grainNm, hit);
            if (hit.cellX !== cx || hit.cellY !== cy) continue;
          }
          const host = s === 0;
          const species: Species = host
            ? hash01(grainSites, i, j, 0) < sample.material.dopantFraction ? stem.dopantSpecies : stem.hostSpecies
            : stem.bSiteSpecies;
          const pVacant = vacancyProbability(world, sample, doseAtEPerA2(exposures, x, y), x, y);
          columns.push({
            xNm: x,
            yNm: y,
            species: species.symbol,
            z: species.z,
            sublattice: host ? 'host' : 'bSite',
            vacant: hash01(grainSites, i, j, 2 + s) < pVacant,
            grain: `${cx},${cy}`,
          });
        }
      }
    }
  }
  return columns;
}

/** Grain seed cells that own some point of the window (sampled finer than the smallest grain). */
function grainsIn(grainSeed: number, grainNm: number, window: Window): Array<[number, number]> {
  const stepNm = grainNm / 6;
  const hit = newGrainHit();
  const found = new Map<string, [number, number]>();
  for (let y = window.y0Nm; y <= window.y1Nm + stepNm; y += stepNm) {
    for (let x = window.x0Nm; x <= window.x1Nm + stepNm; x += stepNm) {
      grainAt(grainSeed, Math.min(x, window.x1Nm) / grainNm, Math.min(y, window.y1Nm) / grainNm, hit);
      found.set(`${hit.cellX},${hit.cellY}`, [hit.cellX, hit.cellY]);
    }
  }
  return [...found.values()];
}
