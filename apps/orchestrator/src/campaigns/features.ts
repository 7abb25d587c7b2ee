import type { DataFrame } from '@lab/drivers';
import { grainSizeNm } from './grain-size';

/** A named number computed from a step's data frames; undefined when the data does not fit. */
export type Scalarizer = (frames: DataFrame[]) => number | undefined;

function spectrumRows(frames: DataFrame[], xName: string, yName: string): { x: ArrayLike<number>; y: ArrayLike<number> } | undefined {
  for (const { header, values } of frames) {
    if (header.kind !== 'spectrum' || !header.rows) continue;
    const xi = header.rows.indexOf(xName);
    const yi = header.rows.indexOf(yName);
    if (xi < 0 || yi < 0) continue;
    const n = header.shape[1];
    return { x: values.subarray(xi * n, (xi + 1) * n), y: values.subarray(yi * n, (yi + 1) * n) };
  }
  return undefined;
}

/** Area enclosed by a hysteresis loop (shoelace over the closed bias/response path), in V x pm. */
export function loopArea(frames: DataFrame[]): number | undefined {
  const loop = spectrumRows(frames, 'biasV', 'piezoresponsePm');
  if (!loop || loop.x.length < 3) return undefined;
  let twiceArea = 0;
  const n = loop.x.length;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    twiceArea += loop.x[i] * loop.y[j] - loop.x[j] * loop.y[i];
  }
  return Math.abs(twiceArea) / 2;
}

/** Mean of the two bias values where the response changes sign (half the loop width), in V. */
export function coerciveVoltage(frames: DataFrame[]): number | undefined {
  const loop = spectrumRows(frames, 'biasV', 'piezoresponsePm');
  if (!loop) return undefined;
  const crossings: number[] = [];
  for (let i = 1; i < loop.x.length; i++) {
    const y0 = loop.y[i - 1];
    const y1 = loop.y[i];
    if (y0 === y1 || Math.sign(y0) === Math.sign(y1)) continue;
    const t = y0 / (y0 - y1);
    crossings.push(loop.x[i - 1] + t * (loop.x[i] - loop.x[i - 1]));
  }
  if (crossings.length < 2) return undefined;
  const positive = crossings.filter((v) => v > 0);
  const negative = crossings.filter((v) => v <= 0);
  if (!positive.length || !negative.length) return undefined;
  const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
  return (mean(positive) - mean(negative)) / 2;
}

/** Mean value of the first image, in its own units. */
export function imageMean(frames: DataFrame[]): number | undefined {
  const image = frames.find((f) => f.header.kind === 'image');
  if (!image || image.values.length === 0) return undefined;
  let sum = 0;
  for (let i = 0; i < image.values.length; i++) sum += image.values[i];
  return sum / image.values.length;
}

export const SCALARIZERS: Record<string, Scalarizer> = {
  loop_area: loopArea,
  coercive_voltage: coerciveVoltage,
  image_mean: imageMean,
  grain_size_nm: grainSizeNm,
};

/** Every scalarizer that applies to these frames. */
export function computeFeatures(frames: DataFrame[]): Record<string, number> {
  const features: Record<string, number> = {};
  if (frames.length === 0) return features;
  for (const [name, scalarize] of Object.entries(SCALARIZERS)) {
    const value = scalarize(frames);
    if (value !== undefined && Number.isFinite(value)) features[name] = value;
  }
  return features;
}
