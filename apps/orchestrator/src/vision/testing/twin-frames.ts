import type { DataFrame } from '@lab/drivers';
import { drawPfmConditions, drawStemConditions, type LabelledPfmFrame, type LabelledStemFrame, noiseSeedOf, renderLabelledPfm, renderLabelledStem } from '../../../../../training/twin/labelled-frames';

/** A twin HAADF frame as the orchestrator receives it, with the twin's ground truth. */
export function stemDataFrame(seed: number, pixels = 256, dwellUs = 10): { frame: DataFrame; truth: LabelledStemFrame } {
  const truth = renderLabelledStem(drawStemConditions(seed, pixels, { pixelSizeNm: 0.039, dwellUs }), noiseSeedOf(seed));
  const frame: DataFrame = {
    header: { v: 1, cmdId: `c-${seed}`, dataId: `d-${seed}`, kind: 'image', channel: 'haadf', dtype: 'float32', shape: [pixels, pixels], units: 'counts', pixelSizeNm: truth.pixelSizeNm, originNm: { xNm: 0, yNm: 0 } },
    values: truth.image,
  };
  return { frame, truth };
}

/** A twin PFM phase frame as the orchestrator receives it, with the twin's ground truth. */
export function pfmDataFrame(seed: number, pixels = 256, ferroStrength = 0.2): { frame: DataFrame; truth: LabelledPfmFrame } {
  const truth = renderLabelledPfm(drawPfmConditions(seed, pixels, { ferroStrength }), noiseSeedOf(seed));
  const frame: DataFrame = {
    header: { v: 1, cmdId: `c-${seed}`, dataId: `d-${seed}`, kind: 'image', channel: 'pfmPhase', dtype: 'float32', shape: [pixels, pixels], units: 'deg', pixelSizeNm: truth.pixelSizeNm, originNm: { xNm: 0, yNm: 0 } },
    values: truth.image,
  };
  return { frame, truth };
}

/** Visible and vacant columns of a STEM truth, counted away from the frame edge. */
export function truthCounts(truth: LabelledStemFrame, borderPx = 0): { atoms: number; vacancies: number } {
  const n = truth.pixels;
  const inside = truth.atoms.filter((a) => a.col >= borderPx && a.row >= borderPx && a.col <= n - 1 - borderPx && a.row <= n - 1 - borderPx);
  const vacancies = inside.filter((a) => a.vacant).length;
  return { atoms: inside.length - vacancies, vacancies };
}
