import { z } from 'zod';

/**
 * The hidden physics of the simulated lab. Every relation the twins use is a parameter here, so a
 * lab file can change the world (`simulation.world` in lab.yaml) and a planner has something real
 * to learn. Objects are strict: a misspelt key is an error, not a silently ignored setting.
 */

const n = (value: number) => z.number().default(value);
const fraction = (value: number) => z.number().min(0).max(1).default(value);
// Every field of a section has a default, so `{}` is a valid input; TypeScript cannot see that
// through the generic shape, hence the cast.
const section = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape).prefault({} as never);

const fractions = z.strictObject({ A: z.number().min(0).max(1), B: z.number().min(0).max(1), C: z.number().min(0).max(1) });

export const recipeSchema = z.strictObject({
  fractions,
  annealTempC: z.number(),
  annealTimeMin: z.number().positive(),
});
/** A synthesis recipe (docs/protocol.md, `synthesize`). */
export type Recipe = z.infer<typeof recipeSchema>;

/** A bump of the ferroelectric response surface: strongest at its composition and temperature. */
const ferroPeak = z.strictObject({
  fractions,
  annealTempC: z.number(),
  strength: z.number().min(0).max(1),
  compositionWidth: z.number().positive(),
  tempWidthC: z.number().positive(),
});

/** A box in recipe space where synthesis fails; unset bounds are open. */
const failureRegion = z.strictObject({
  reason: z.string().min(1),
  minFractionA: z.number().optional(),
  maxFractionA: z.number().optional(),
  minFractionB: z.number().optional(),
  maxFractionB: z.number().optional(),
  minFractionC: z.number().optional(),
  maxFractionC: z.number().optional(),
  minTempC: z.number().optional(),
  maxTempC: z.number().optional(),
  minTimeMin: z.number().optional(),
  maxTimeMin: z.number().optional(),
});
export type FailureRegion = z.infer<typeof failureRegion>;

const species = z.strictObject({
  symbol: z.string(),
  z: z.number().int().positive(),
  /** EELS edge onset (eV); absent when the species has no edge in the recorded range. */
  edgeEv: z.number().optional(),
  edgeStrength: z.number().nonnegative().default(1),
});
export type Species = z.infer<typeof species>;

const synthesis = section({
  ferroPeaks: z.array(ferroPeak).min(1).default([
    { fractions: { A: 0.55, B: 0.3, C: 0.15 }, annealTempC: 720, strength: 1, compositionWidth: 0.12, tempWidthC: 140 },
    { fractions: { A: 0.25, B: 0.6, C: 0.15 }, annealTempC: 520, strength: 0.6, compositionWidth: 0.1, tempWidthC: 100 },
  ]),
  /** Ferroelectric order builds up as 1 - exp(-annealTimeMin / this). */
  crystallizationTimeMin: n(25),
  /** Strength is divided by (1 + vacancyFraction / this): vacancies spoil the order. */
  vacancyHalfStrengthFraction: n(0.05),
  vacancy: section({
    baseFraction: n(0.004),
    refTempC: n(600),
    /** Vacancies double every this many degrees above refTempC (volatile loss). */
    doublingTempC: n(120),
    /** Multiplier (1 + perFractionC * C): component C is the volatile one. */
    perFractionC: n(3),
    /** Multiplier (1 + perHour * annealTimeMin / 60). */
    perHour: n(0.3),
    maxFraction: n(0.15),
  }),
  grain: section({
    sizeAtRefNm: n(80),
    refTempC: n(600),
    doublingTempC: n(150),
    refTimeMin: n(60),
    timeExponent: n(0.33),
    minNm: n(10),
    maxNm: n(2000),
  }),
  failureRegions: z.array(failureRegion).default([
    { reason: 'phase_separation', minFractionC: 0.4, minTempC: 850 },
    { reason: 'amorphous', maxTempC: 340 },
  ]),
  /** Relative spread of properties between two syntheses of the same recipe. */
  batchVariation: fraction(0.03),
  dispenseS: n(180),
  mixS: n(300),
  rampCPerMin: n(20),
  coolCPerMin: n(10),
  roomTempC: n(25),
  handoverS: n(90),
});

const spm = section({
  scanRangeNm: n(10000),
  /** A tip move longer than this is a coarse (stepper) move: forbidden with the tip engaged. */
  coarseMoveNm: n(2000),
  loadSampleS: n(60),
  approachS: n(30),
  withdrawS: n(10),
  tipSpeedNmPerS: n(2000),
  setBiasS: n(1),
  engagedZPiezoNm: n(120),
  /** Domain correlation length as a multiple of the grain size. */
  domainLengthPerGrain: n(1.5),
  /** Largest preference for one polarization direction over the other (per sample). */
  domainBias: n(0.15),
  /** Local vacancy concentration varies by +- this fraction of the sample mean. */
  defectContrast: fraction(0.8),
  loop: section({
    pointS: n(0.05),
    coerciveV: n(2.5),
    /** Defects pin walls: coercive voltage rises by this fraction per 1 % vacancies. */
    coercivePerVacancyPct: n(0.4),
    /** Walls nucleate switching: at a wall the coercive voltage drops by this fraction. */
    wallSoftening: fraction(0.5),
    /** Walls also lower the response: at a wall the saturation drops by this fraction. */
    wallSuppression: fraction(0.4),
    wallWidthNm: n(40),
    saturationPm: n(60),
    switchingWidthV: n(0.7),
    electrostaticPmPerV: n(0.6),
    imprintVPerVacancyPct: n(0.15),
    noisePm: n(1.5),
    driftPmPerMeasurement: n(0.02),
    driftNmPerMeasurement: n(0.3),
  }),
  iv: section({
    pointS: n(0.01),
    conductancePaPerV: n(2),
    nonlinearityV: n(1.5),
    conductancePerVacancyPct: n(0.5),
    noisePa: n(0.3),
  }),
  topography: section({
    grainHeightNm: n(4),
    grooveDepthNm: n(3),
    grooveWidthNm: n(8),
    roughnessNm: n(0.4),
    roughnessLengthNm: n(20),
    noiseNm: n(0.1),
  }),
  amplitudeNoisePm: n(1),
  phaseNoiseDeg: n(4),
  /** Chance per measurement that the tip changes (status problem `tip_changed`); 0 disables it. */
  tipChangeProbability: fraction(0.002),
  /** After a tip change the response scales by a factor drawn around 1 with this spread. */
  tipSensitivitySd: n(0.15),
});

const stem = section({
  scanRangeNm: n(2000),
  stageTravelUm: n(1000),
  stageSpeedUmPerS: n(50),
  loadSampleS: n(120),
  flybackS: n(0.5),
  parkS: n(0.5),
  blankS: n(0.1),
  opticsSettleS: n(2),
  latticeNm: n(0.39),
  hostSpecies: species.prefault({ symbol: 'Sr', z: 38, edgeEv: 1940 }),
  bSiteSpecies: species.prefault({ symbol: 'Ti', z: 22, edgeEv: 456 }),
  dopantSpecies: species.prefault({ symbol: 'La', z: 57, edgeEv: 832, edgeStrength: 1.5 }),
  /** Fraction of host sites taken by the dopant, per unit of component C in the recipe. */
  dopantPerFractionC: n(0.5),
  /** HAADF column intensity grows as Z^zExponent. */
  zExponent: n(1.7),
  probeSigmaNm: n(0.06),
  /** Extra blur per nm of defocus. */
  defocusBlurPerNm: n(0.004),
  beamCurrentPa: n(30),
  /** Fraction of the beam scattered onto the HAADF detector by the heaviest column. */
  haadfCollection: n(0.03),
  haadfBackground: n(0.02),
  /** Low-magnification frames: grain boundaries are darker by up to this fraction. */
  boundaryContrast: fraction(0.3),
  /** How far the darkening reaches from a boundary (strain and thickness change around it). */
  boundaryWidthNm: n(2),
  bfContrast: n(0.5),
  /**
   * Intrinsic vacancies cluster: the local vacancy fraction is the sample's mean times
   * max(0, 1 + defectContrast * noise) with noise varying over defectClusterNm (0: uniform).
   */
  defectContrast: n(1.2),
  defectClusterNm: n(8),
  /** Dose at which a column has a 63 % chance to have been knocked out. */
  damageDoseEPerA2: n(2e6),
  lineJitterNm: n(0.015),
  shearPerNm: n(0.01),
  eels: section({
    startEv: n(300),
    channels: z.number().int().positive().default(1024),
    evPerChannel: n(1),
    backgroundExponent: n(3),
    /** Background counts per beam electron per channel at startEv; falls as a power law. */
    backgroundPerElectron: n(1e-2),
    /** Edge counts per electron per channel, per unit edge strength of a column under the probe. */
    edgePerElectron: n(3e-3),
    edgeRiseEv: n(8),
    oxygenEdgeEv: n(532),
    oxygenEdgeStrength: n(1),
  }),
  optics: z.record(z.string(), z.number()).default({ defocusNm: 0, convergenceMrad: 25, cameraLengthMm: 100 }),
  /** Spread of the readback around the set value, per optics name. */
  opticsReadbackSd: z.record(z.string(), z.number().nonnegative()).default({ defocusNm: 0.3, convergenceMrad: 0.05, cameraLengthMm: 0.5 }),
});

export const worldParamsSchema = z.strictObject({
  synthesis,
  spm,
  stem,
  /** Samples that exist before any synthesis, loadable by id. */
  samples: z.record(z.string(), recipeSchema).default({
    'ref-strong': { fractions: { A: 0.55, B: 0.3, C: 0.15 }, annealTempC: 720, annealTimeMin: 60 },
    'ref-weak': { fractions: { A: 0.2, B: 0.2, C: 0.6 }, annealTempC: 500, annealTimeMin: 30 },
  }),
});

/** Hidden physics parameters of the simulated world. */
export type WorldParams = z.infer<typeof worldParamsSchema>;

/**
 * Validate `simulation.world` from lab.yaml (any subset; the rest takes defaults).
 * Throws an Error whose message names the bad field, e.g. `world.spm.loop.coerciveV: ...`.
 */
export function parseWorldParams(raw: unknown): WorldParams {
  const parsed = worldParamsSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `world.${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`invalid simulation world: ${problems.join('; ')}`);
}

/** The default world: what `parseWorldParams({})` gives. */
export const DEFAULT_WORLD: WorldParams = parseWorldParams({});
