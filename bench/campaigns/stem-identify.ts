import type { DataHeader } from '@lab/drivers';
import type { AtomColumn } from '@lab/simulations';
import { type Atom, matchPoints } from '@lab/vision';

/** A column the model reported, in sample coordinates. */
export interface ReportedColumn {
  xNm: number;
  yNm: number;
  className: string;
  confidence: number;
}

/** What the model identified in one image, scored against the twin's columns there. */
export interface Identification {
  /** Reported vacancies that sit on a truly vacant column (defects correctly identified). */
  truePositives: number;
  /** Vacancies the model reported. */
  reported: number;
  /** Truly vacant columns in the image. */
  trueVacancies: number;
}

/**
 * Host and B-site columns are latticeNm / sqrt(2) apart: a tolerance under half of that (0.354 a)
 * lets a reported vacancy match only the site it is on, never its neighbour.
 */
export const MATCH_TOLERANCE_LATTICE = 0.35;

/** The model's atoms (pixel centres on integers) in sample coordinates of the frame they came from. */
export function columnsInNm(atoms: readonly Atom[], header: Pick<DataHeader, 'pixelSizeNm' | 'originNm'>): ReportedColumn[] {
  const pixelNm = header.pixelSizeNm ?? 1;
  const origin = header.originNm ?? { xNm: 0, yNm: 0 };
  return atoms.map((a) => ({ xNm: origin.xNm + (a.x + 0.5) * pixelNm, yNm: origin.yNm + (a.y + 0.5) * pixelNm, className: a.className, confidence: a.confidence }));
}

/**
 * Reported vacancies matched one to one to truly vacant columns within toleranceNm, closest pairs
 * first: a vacancy reported twice, or on a column that is there, is a false positive.
 */
export function identifyVacancies(reported: readonly ReportedColumn[], columns: readonly AtomColumn[], toleranceNm: number): Identification {
  const vacancies = reported.filter((r) => r.className === 'vacancy').map((r) => ({ x: r.xNm, y: r.yNm, label: 'vacancy' }));
  const vacant = columns.filter((c) => c.vacant).map((c) => ({ x: c.xNm, y: c.yNm, label: 'vacancy' }));
  return { truePositives: matchPoints(vacancies, vacant, toleranceNm).length, reported: vacancies.length, trueVacancies: vacant.length };
}

/** Spearman rank correlation (ties share their mean rank); 0 when either side is constant. */
export function rankCorrelation(a: readonly number[], b: readonly number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const ma = ra.reduce((s, v) => s + v, 0) / n;
  const mb = rb.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i] - ma) * (rb[i] - mb);
    da += (ra[i] - ma) ** 2;
    db += (rb[i] - mb) ** 2;
  }
  return da === 0 || db === 0 ? 0 : num / Math.sqrt(da * db);
}

function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
  const out = new Array<number>(values.length);
  for (let k = 0; k < order.length; ) {
    let last = k;
    while (last + 1 < order.length && order[last + 1][0] === order[k][0]) last++;
    for (let m = k; m <= last; m++) out[order[m][1]] = (k + last) / 2;
    k = last + 1;
  }
  return out;
}

/** One point of a strategy's curve: after so much dose, what it had identified. */
export interface IdentifiedPoint {
  doseEPerA2: number;
  truePositives: number;
  reported: number;
  /** True vacancies in the tiles imaged so far (what the model could have found). */
  inImaged: number;
}

/** Cumulative identification after each high-dose image, starting from an already spent dose. */
export function cumulativeIdentification(images: readonly { doseEPerA2: number; identified: Identification }[], startDoseEPerA2: number): IdentifiedPoint[] {
  let dose = startDoseEPerA2;
  let truePositives = 0;
  let reported = 0;
  let inImaged = 0;
  return images.map(({ doseEPerA2, identified }) => {
    dose += doseEPerA2;
    truePositives += identified.truePositives;
    reported += identified.reported;
    inImaged += identified.trueVacancies;
    return { doseEPerA2: dose, truePositives, reported, inImaged };
  });
}

/** The last point within a dose, or zeros before the first image. */
export function pointAt(curve: readonly IdentifiedPoint[], doseEPerA2: number): IdentifiedPoint {
  return curve.filter((p) => p.doseEPerA2 <= doseEPerA2).at(-1) ?? { doseEPerA2: 0, truePositives: 0, reported: 0, inImaged: 0 };
}
