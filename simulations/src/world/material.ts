import type { FailureRegion, Recipe, WorldParams } from './params';
import { hashOf, Rng } from './random';

/** What a synthesis made: the hidden properties the microscopes then image and measure. */
export interface Material {
  outcome: 'ok' | 'failed';
  failureReason?: string;
  /** Ferroelectric order, 0 (none) .. about 1 (best in this world). */
  ferroStrength: number;
  /** Fraction of vacant cation sites. */
  vacancyFraction: number;
  grainSizeNm: number;
  /** Fraction of host sites occupied by the dopant (component C). */
  dopantFraction: number;
}

/**
 * The response surface from recipe to material. `batchSeed` gives the small spread between two
 * syntheses of the same recipe; pass the same seed for the same recipe to get the same material.
 */
export function synthesizeMaterial(world: WorldParams, recipe: Recipe, batchSeed: number): Material {
  const s = world.synthesis;
  const { A, B, C } = recipe.fractions;
  const T = recipe.annealTempC;
  const tMin = recipe.annealTimeMin;
  const jitter = new Rng(batchSeed);
  const spread = (): number => Math.max(0, 1 + s.batchVariation * jitter.normal());

  const order = s.ferroPeaks.reduce((sum, peak) => {
    const d2 = (A - peak.fractions.A) ** 2 + (B - peak.fractions.B) ** 2 + (C - peak.fractions.C) ** 2;
    const composition = Math.exp(-d2 / (2 * peak.compositionWidth ** 2));
    const temperature = Math.exp(-((T - peak.annealTempC) ** 2) / (2 * peak.tempWidthC ** 2));
    return sum + peak.strength * composition * temperature;
  }, 0);
  const crystallized = 1 - Math.exp(-tMin / s.crystallizationTimeMin);

  const v = s.vacancy;
  const vacancyFraction = Math.min(
    v.maxFraction,
    v.baseFraction * 2 ** ((T - v.refTempC) / v.doublingTempC) * (1 + v.perFractionC * C) * (1 + (v.perHour * tMin) / 60) * spread(),
  );
  const g = s.grain;
  const grainSizeNm = clamp(
    g.sizeAtRefNm * 2 ** ((T - g.refTempC) / g.doublingTempC) * (tMin / g.refTimeMin) ** g.timeExponent * spread(),
    g.minNm,
    g.maxNm,
  );
  const dopantFraction = Math.min(1, C * world.stem.dopantPerFractionC);
  const failure = s.failureRegions.find((region) => inRegion(region, recipe));
  const ferroStrength = failure
    ? 0
    : clamp((Math.min(1, order) * crystallized * spread()) / (1 + vacancyFraction / s.vacancyHalfStrengthFraction), 0, 1);
  return {
    outcome: failure ? 'failed' : 'ok',
    ...(failure ? { failureReason: failure.reason } : {}),
    ferroStrength,
    vacancyFraction,
    grainSizeNm,
    dopantFraction,
  };
}

/** Seed for the batch spread and microstructure of the n-th synthesis of a recipe (0-based). */
export const batchSeedOf = (labSeed: number, recipe: Recipe, nth: number): number => hashOf('batch', labSeed, recipe, nth);

function inRegion(r: FailureRegion, recipe: Recipe): boolean {
  const { A, B, C } = recipe.fractions;
  const within = (value: number, min?: number, max?: number): boolean =>
    (min === undefined || value >= min) && (max === undefined || value <= max);
  return (
    within(A, r.minFractionA, r.maxFractionA) &&
    within(B, r.minFractionB, r.maxFractionB) &&
    within(C, r.minFractionC, r.maxFractionC) &&
    within(recipe.annealTempC, r.minTempC, r.maxTempC) &&
    within(recipe.annealTimeMin, r.minTimeMin, r.maxTimeMin)
  );
}

export const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
