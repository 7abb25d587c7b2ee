import type { CampaignConfig } from '@lab/config';
import type { DataFrame } from '@lab/drivers';
import type { Candidate } from '@lab/planners';

type CandidatesConfig = NonNullable<CampaignConfig['candidates']>;
type FeatureName = CandidatesConfig['features'][number];
/** Features of an atom-resolved overview: atom-candidates.ts computes those. */
const ATOM_FEATURES = new Set<FeatureName>(['vacancy_estimate', 'overview_confidence']);
type ImageFeature = Exclude<FeatureName, 'vacancy_estimate' | 'overview_confidence'>;

interface Image {
  values: ArrayLike<number>;
  size: number;
  pixelSizeNm: number;
  originNm: { xNm: number; yNm: number };
}

function imageOf(frames: DataFrame[], channel: string): Image | undefined {
  const frame = frames.find((f) => f.header.kind === 'image' && f.header.channel === channel);
  if (!frame) return undefined;
  const [rows, cols] = frame.header.shape;
  if (rows !== cols) throw new Error(`candidates need a square image; ${channel} is ${rows}x${cols}`);
  return { values: frame.values, size: rows, pixelSizeNm: frame.header.pixelSizeNm ?? 1, originNm: frame.header.originNm ?? { xNm: 0, yNm: 0 } };
}

/**
 * Domains from the image that defines the grid: PFM phase is up near 0 deg and down near 180 deg;
 * any other channel is split at its mean.
 */
function domains(image: Image, channel: string): Uint8Array {
  const n = image.size * image.size;
  let threshold = 90;
  if (channel !== 'pfmPhase') {
    threshold = 0;
    for (let i = 0; i < n; i++) threshold += image.values[i] / n;
  }
  const up = new Uint8Array(n);
  for (let i = 0; i < n; i++) up[i] = channel === 'pfmPhase' ? Number(image.values[i] < threshold) : Number(image.values[i] >= threshold);
  return up;
}

/** Distance in pixels from every pixel to the nearest domain wall (two-pass chamfer transform). */
function wallDistancePx(up: Uint8Array, size: number): Float32Array {
  const distance = new Float32Array(size * size).fill(Number.POSITIVE_INFINITY);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const i = row * size + col;
      const wall = (col + 1 < size && up[i] !== up[i + 1]) || (row + 1 < size && up[i] !== up[i + size]);
      if (wall) distance[i] = 0;
    }
  }
  const relax = (i: number, j: number, step: number): void => {
    if (distance[j] + step < distance[i]) distance[i] = distance[j] + step;
  };
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const i = row * size + col;
      if (col > 0) relax(i, i - 1, 1);
      if (row > 0) {
        relax(i, i - size, 1);
        if (col > 0) relax(i, i - size - 1, Math.SQRT2);
        if (col + 1 < size) relax(i, i - size + 1, Math.SQRT2);
      }
    }
  }
  for (let row = size - 1; row >= 0; row--) {
    for (let col = size - 1; col >= 0; col--) {
      const i = row * size + col;
      if (col + 1 < size) relax(i, i + 1, 1);
      if (row + 1 < size) {
        relax(i, i + size, 1);
        if (col + 1 < size) relax(i, i + size + 1, Math.SQRT2);
        if (col > 0) relax(i, i + size - 1, Math.SQRT2);
      }
    }
  }
  return distance;
}

/** Mean and standard deviation over a square patch. */
function patchStats(values: ArrayLike<number>, size: number, row: number, col: number, half: number): { mean: number; sd: number } {
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  for (let r = Math.max(0, row - half); r <= Math.min(size - 1, row + half); r++) {
    for (let c = Math.max(0, col - half); c <= Math.min(size - 1, col + half); c++) {
      const v = values[r * size + c];
      sum += v;
      sumSq += v * v;
      count++;
    }
  }
  const mean = sum / count;
  return { mean, sd: Math.sqrt(Math.max(0, sumSq / count - mean * mean)) };
}

/**
 * Candidate locations on a grid over an overview image, each described by its neighbourhood:
 * the share of up-polarized domain, the distance to the nearest domain wall, the mean PFM
 * amplitude, the roughness, the c-AFM current, or simply its position (for a spatial-only model).
 */
export function candidatesFromImages(frames: DataFrame[], spec: CandidatesConfig): Candidate[] {
  const base = imageOf(frames, spec.from.channel);
  if (!base) throw new Error(`setup step '${spec.from.step}' gave no '${spec.from.channel}' image (got: ${frames.map((f) => f.header.channel ?? f.header.kind).join(', ') || 'no data'})`);
  const { size, pixelSizeNm, originNm } = base;
  const up = domains(base, spec.from.channel);
  const needsWalls = spec.features.includes('wall_distance_nm');
  const walls = needsWalls ? wallDistancePx(up, size) : undefined;
  const amplitude = imageOf(frames, 'pfmAmplitude');
  const height = imageOf(frames, 'height');
  const current = imageOf(frames, 'current');
  const feature: Record<ImageFeature, (row: number, col: number, xNm: number, yNm: number) => number> = {
    xNm: (_r, _c, x) => x,
    yNm: (_r, _c, _x, y) => y,
    domain_up_fraction: (r, c) => patchStats(up, size, r, c, spec.patchPx).mean,
    wall_distance_nm: (r, c) => Math.min(size, (walls as Float32Array)[r * size + c]) * pixelSizeNm,
    amplitude_mean: (r, c) => (amplitude ? patchStats(amplitude.values, size, r, c, spec.patchPx).mean : Number.NaN),
    height_sd: (r, c) => (height ? patchStats(height.values, size, r, c, spec.patchPx).sd : Number.NaN),
    phase_sd: (r, c) => patchStats(base.values, size, r, c, spec.patchPx).sd,
    // The loop is taken at the pixel's centre: its own polarity and amplitude describe the spot the
    // tip lands on, where a patch mean blurs a wall 40 nm away into a whole neighbourhood.
    domain_up: (r, c) => up[r * size + c],
    amplitude_pm: (r, c) => (amplitude ? amplitude.values[r * size + c] : Number.NaN),
    // c-AFM current at the pixel: conduction follows the local vacancy concentration, which no
    // topography or PFM channel shows and which sets the coercive voltage of the loop taken there.
    current_pa: (r, c) => (current ? current.values[r * size + c] : Number.NaN),
    // The vacancy field varies over several pixels, the current's noise from pixel to pixel: the
    // patch mean keeps the first and averages the second away.
    current_mean: (r, c) => (current ? patchStats(current.values, size, r, c, spec.patchPx).mean : Number.NaN),
  };
  const missing = spec.features.filter(
    (f) => ((f === 'amplitude_mean' || f === 'amplitude_pm') && !amplitude) || (f === 'height_sd' && !height) || ((f === 'current_pa' || f === 'current_mean') && !current),
  );
  if (missing.length > 0) throw new Error(`features ${missing.join(', ')} need channels the overview did not record`);
  const fromAtoms = spec.features.filter((f) => ATOM_FEATURES.has(f));
  if (fromAtoms.length > 0) throw new Error(`features ${fromAtoms.join(', ')} come from an atom-resolved overview (channel haadf)`);

  const candidates: Candidate[] = [];
  for (let gy = 0; gy < spec.grid; gy++) {
    for (let gx = 0; gx < spec.grid; gx++) {
      const col = Math.floor(((gx + 0.5) * size) / spec.grid);
      const row = Math.floor(((gy + 0.5) * size) / spec.grid);
      const xNm = originNm.xNm + (col + 0.5) * pixelSizeNm;
      const yNm = originNm.yNm + (row + 0.5) * pixelSizeNm;
      candidates.push({
        point: { [spec.parameters.x]: round(xNm), [spec.parameters.y]: round(yNm) },
        features: spec.features.map((name) => feature[name as ImageFeature](row, col, xNm, yNm)),
      });
    }
  }
  return candidates;
}

const round = (nm: number): number => Math.round(nm * 1000) / 1000;
