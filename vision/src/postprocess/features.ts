import type { Atom } from './atoms';
import type { DomainStats } from './domains';

/** Named scalar features of one frame; every name carries its unit or is dimensionless. */
export type FeatureMap = Record<string, number>;

/** Class names an atom segmenter must use (model cards are checked against them). */
export const ATOM_CLASSES = ['background', 'species_a', 'species_b', 'vacancy'] as const;
/** Class names a domain segmenter must use. */
export const DOMAIN_CLASSES = ['domain_up', 'domain_down', 'wall'] as const;

const NM2_PER_UM2 = 1e6;
const NM_PER_UM = 1e3;

/** Frame geometry the densities need. */
export interface FrameGeometry {
  width: number;
  height: number;
  pixelSizeNm?: number;
}

/**
 * Counts, fractions and (with a pixel size) areal densities of atoms by class. `vacancy_fraction`
 * is per lattice site (vacancies over visible plus vacant columns), the quantity a sample's vacancy
 * content means; `species_b_fraction` is B columns over visible columns.
 */
export function atomFeatures(atoms: readonly Atom[], frame: FrameGeometry): FeatureMap {
  const count = (name: string): number => atoms.filter((a) => a.className === name).length;
  const a = count('species_a');
  const b = count('species_b');
  const v = count('vacancy');
  const features: FeatureMap = {
    atom_count: a + b,
    species_a_count: a,
    species_b_count: b,
    vacancy_count: v,
    species_b_fraction: a + b > 0 ? b / (a + b) : 0,
    vacancy_fraction: a + b + v > 0 ? v / (a + b + v) : 0,
  };
  if (frame.pixelSizeNm !== undefined) {
    const areaNm2 = frame.width * frame.height * frame.pixelSizeNm ** 2;
    features.atom_density_per_nm2 = (a + b) / areaNm2;
    features.species_a_density_per_nm2 = a / areaNm2;
    features.species_b_density_per_nm2 = b / areaNm2;
    features.vacancy_density_per_nm2 = v / areaNm2;
  }
  return features;
}

/** Domain fractions, wall length and (with a pixel size) wall length in nm and per area. */
export function domainFeatures(stats: DomainStats, frame: FrameGeometry): FeatureMap {
  const features: FeatureMap = {
    domain_up_fraction: stats.upFraction,
    domain_down_fraction: 1 - stats.upFraction,
    wall_fraction: stats.wallFraction,
    wall_length_px: stats.wallLengthPx,
    domain_count: stats.domainCount,
  };
  if (frame.pixelSizeNm !== undefined) {
    const wallLengthNm = stats.wallLengthPx * frame.pixelSizeNm;
    const areaUm2 = (frame.width * frame.height * frame.pixelSizeNm ** 2) / NM2_PER_UM2;
    features.wall_length_nm = wallLengthNm;
    features.wall_density_per_um = wallLengthNm / NM_PER_UM / areaUm2;
  }
  return features;
}
