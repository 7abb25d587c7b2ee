/**
 * Did the model's stated uncertainty hold? Each experiment stores what the model predicted (mean
 * and sd) before it ran; here every prediction meets its measurement. Pure: no IO, so the API,
 * the dashboard and the HTML report all compute the same numbers.
 */

/** What calibration needs from an experiment row (ExperimentEntity satisfies it). */
export interface PredictedExperiment {
  id: string;
  index: number;
  status: string;
  predicted: Record<string, { mean: number; sd: number }>;
  objectives: Record<string, number> | null;
  excludedReason: string | null;
}

/** One prediction checked by its measurement; z = (measured - mean) / sd. */
export interface CalibrationPair {
  experimentId: string;
  index: number;
  predictedMean: number;
  predictedSd: number;
  measured: number;
  z: number;
}

/** The observed share of measurements inside the central interval that should hold `nominal` of them. */
export interface CoveragePoint {
  nominal: number;
  halfWidthSd: number;
  observed: number;
}

export interface ObjectiveCalibration {
  objective: string;
  pairs: CalibrationPair[];
  /** Measured, but with no usable prediction (initial design, sd 0): not part of the numbers. */
  unpredicted: number;
  /** Share with |z| <= 1; a calibrated Gaussian model gives 0.683. Null without pairs. */
  within1SdShare: number | null;
  /** Share with |z| <= 2; nominal 0.954. */
  within2SdShare: number | null;
  /** Mean |z|; nominal sqrt(2/pi) = 0.798. Much larger: overconfident; much smaller: underconfident. */
  meanAbsZ: number | null;
  /** Mean z: the sign says whether the model predicted too low (positive) or too high. */
  meanZ: number | null;
  /** Root mean square of (measured - mean), in the objective's own units. */
  rmse: number | null;
  coverage: CoveragePoint[];
}

export interface CampaignCalibration {
  nominal: { within1Sd: number; within2Sd: number; meanAbsZ: number };
  objectives: ObjectiveCalibration[];
}

/** Central normal intervals: nominal probability and half-width in sd (two-sided quantiles). */
export const COVERAGE_LEVELS: readonly { nominal: number; halfWidthSd: number }[] = [
  { nominal: 0.5, halfWidthSd: 0.6745 },
  { nominal: 0.6827, halfWidthSd: 1 },
  { nominal: 0.8, halfWidthSd: 1.2816 },
  { nominal: 0.9, halfWidthSd: 1.6449 },
  { nominal: 0.9545, halfWidthSd: 2 },
  { nominal: 0.99, halfWidthSd: 2.5758 },
];

export const NOMINAL = { within1Sd: 0.6827, within2Sd: 0.9545, meanAbsZ: Math.sqrt(2 / Math.PI) } as const;

/**
 * The prediction/measurement pairs of one objective. Excluded results are left out: a person
 * judged the measurement wrong, so it cannot judge the prediction either.
 */
export function calibrationPairs(objective: string, experiments: readonly PredictedExperiment[]): { pairs: CalibrationPair[]; unpredicted: number } {
  const pairs: CalibrationPair[] = [];
  let unpredicted = 0;
  for (const e of experiments) {
    const measured = e.objectives?.[objective];
    if (e.excludedReason || measured === undefined || !Number.isFinite(measured)) continue;
    const prediction = e.predicted?.[objective];
    if (!prediction || !Number.isFinite(prediction.mean) || !(prediction.sd > 0) || !Number.isFinite(prediction.sd)) {
      unpredicted += 1;
      continue;
    }
    pairs.push({ experimentId: e.id, index: e.index, predictedMean: prediction.mean, predictedSd: prediction.sd, measured, z: (measured - prediction.mean) / prediction.sd });
  }
  pairs.sort((a, b) => a.index - b.index);
  return { pairs, unpredicted };
}

const mean = (values: readonly number[]): number | null => (values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length);
const share = (pairs: readonly CalibrationPair[], halfWidthSd: number): number | null =>
  pairs.length === 0 ? null : pairs.filter((p) => Math.abs(p.z) <= halfWidthSd).length / pairs.length;

/** Calibration numbers of one objective. */
export function calibrateObjective(objective: string, experiments: readonly PredictedExperiment[]): ObjectiveCalibration {
  const { pairs, unpredicted } = calibrationPairs(objective, experiments);
  const mse = mean(pairs.map((p) => (p.measured - p.predictedMean) ** 2));
  return {
    objective,
    pairs,
    unpredicted,
    within1SdShare: share(pairs, 1),
    within2SdShare: share(pairs, 2),
    meanAbsZ: mean(pairs.map((p) => Math.abs(p.z))),
    meanZ: mean(pairs.map((p) => p.z)),
    rmse: mse === null ? null : Math.sqrt(mse),
    coverage: pairs.length === 0 ? [] : COVERAGE_LEVELS.map((level) => ({ ...level, observed: share(pairs, level.halfWidthSd) as number })),
  };
}

/** Calibration of every objective of a campaign. */
export function calibrate(objectives: readonly string[], experiments: readonly PredictedExperiment[]): CampaignCalibration {
  return { nominal: { ...NOMINAL }, objectives: objectives.map((name) => calibrateObjective(name, experiments)) };
}

/**
 * One sentence for a reader: mean |z| far above its nominal value means the stated sd was too
 * small (the model was overconfident), far below means too large. The 25% band and the minimum
 * of 5 pairs keep a handful of points from reading as a verdict.
 */
export function calibrationVerdict(c: ObjectiveCalibration): string {
  if (c.pairs.length < 5 || c.meanAbsZ === null) return `too few predictions checked (${c.pairs.length}) to judge the stated uncertainty`;
  const ratio = c.meanAbsZ / NOMINAL.meanAbsZ;
  if (ratio > 1.25) return 'errors were larger than the stated sd: the model was overconfident';
  if (ratio < 0.75) return 'errors were smaller than the stated sd: the model was underconfident (cautious)';
  return 'errors were about as large as the stated sd: the uncertainty held';
}
