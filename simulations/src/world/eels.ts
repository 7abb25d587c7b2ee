import type { Species, WorldParams } from './params';
import { Rng } from './random';
import { columnsIn } from './stem-lattice';
import { electronsFor } from './stem-render';
import type { Sample } from './world';

/**
 * An EELS point spectrum: a power-law background plus an ionization edge for every species under
 * the probe (weighted by how close its columns are), and the oxygen K edge of the matrix.
 * Rows: energy loss (eV) and Poisson counts.
 */
export function eelsSpectrum(world: WorldParams, sample: Sample, at: { xNm: number; yNm: number }, dwellMs: number, seed: number): Float32Array[] {
  const stem = world.stem;
  const eels = stem.eels;
  const sigmaNm = stem.probeSigmaNm;
  const reachNm = 3 * sigmaNm + stem.latticeNm;
  const columns = columnsIn(world, sample, { x0Nm: at.xNm - reachNm, y0Nm: at.yNm - reachNm, x1Nm: at.xNm + reachNm, y1Nm: at.yNm + reachNm });
  const weights = new Map<Species, number>();
  const speciesBySymbol = new Map([stem.hostSpecies, stem.bSiteSpecies, stem.dopantSpecies].map((s) => [s.symbol, s]));
  for (const column of columns) {
    const species = speciesBySymbol.get(column.species);
    if (column.vacant || !species) continue;
    const r2 = (column.xNm - at.xNm) ** 2 + (column.yNm - at.yNm) ** 2;
    weights.set(species, (weights.get(species) ?? 0) + Math.exp(-r2 / (2 * sigmaNm * sigmaNm)));
  }
  const edges: Array<{ onsetEv: number; strength: number }> = [{ onsetEv: eels.oxygenEdgeEv, strength: eels.oxygenEdgeStrength }];
  for (const [species, weight] of weights) {
    if (species.edgeEv !== undefined) edges.push({ onsetEv: species.edgeEv, strength: weight * species.edgeStrength });
  }

  const electrons = electronsFor(world, dwellMs / 1000);
  const rng = new Rng(seed);
  const energy = new Float32Array(eels.channels);
  const counts = new Float32Array(eels.channels);
  for (let k = 0; k < eels.channels; k++) {
    const e = eels.startEv + k * eels.evPerChannel;
    let signal = eels.backgroundPerElectron * (e / eels.startEv) ** -eels.backgroundExponent;
    for (const edge of edges) {
      const above = e - edge.onsetEv;
      if (above > 0) {
        signal += eels.edgePerElectron * edge.strength * (1 - Math.exp(-above / eels.edgeRiseEv)) * (edge.onsetEv / e) ** eels.backgroundExponent;
      }
    }
    energy[k] = e;
    counts[k] = rng.poisson(electrons * signal);
  }
  return [energy, counts];
}

/** Dose (e/A^2) a point spectrum delivers, spread over the probe's +-2 sigma square. */
export function pointDoseEPerA2(world: WorldParams, dwellMs: number): number {
  const sideNm = 4 * world.stem.probeSigmaNm;
  return electronsFor(world, dwellMs / 1000) / (sideNm * sideNm * 100);
}
