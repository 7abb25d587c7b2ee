/**
 * Drift between the overview and the spectra. The candidate locations are read off the overview,
 * but the sample creeps under the tip measurement by measurement, so a loop sent to a candidate's
 * coordinates lands further and further from what the overview showed there. A reference rescan of
 * a small window right after the overview, and the same window again every few experiments, show
 * how far the surface has moved; locations are then sent shifted by that much.
 *
 * Pure functions: cropping, normalized cross-correlation over a small search range (no FFT: the
 * windows are small and the range is a few pixels), parabolic sub-pixel peak refinement.
 */

/** A square, row-major image: `pixels` x `pixels` values. */
export interface SquareImage {
  values: ArrayLike<number>;
  pixels: number;
}

/** A displacement in nm in the sample (scanner) frame. */
export interface ShiftNm {
  dxNm: number;
  dyNm: number;
}

export const NO_SHIFT: ShiftNm = { dxNm: 0, dyNm: 0 };

/** The width x height block of a square image whose top-left pixel is (col0, row0). */
export function crop(image: SquareImage, col0: number, row0: number, width: number, height: number): Float64Array {
  const out = new Float64Array(width * height);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) out[row * width + col] = image.values[(row0 + row) * image.pixels + col0 + col];
  }
  return out;
}

/** Pearson correlation of two equal-length blocks: insensitive to offset and gain between scans. */
export function normalizedCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i];
    meanB += b[i];
  }
  meanA /= n;
  meanB /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - meanA;
    const db = b[i] - meanB;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/**
 * Correlation of `moving` with `reference` under the hypothesis that features moved by (sxPx, syPx)
 * pixels: moving(col, row) = reference(col - sx, row - sy), over the part both images cover.
 * Undefined when that overlap is under half the image per axis (too little to trust).
 */
export function correlationAt(reference: SquareImage, moving: SquareImage, sxPx: number, syPx: number): number | undefined {
  const n = reference.pixels;
  const col0 = Math.max(0, sxPx);
  const col1 = Math.min(n, n + sxPx);
  const row0 = Math.max(0, syPx);
  const row1 = Math.min(n, n + syPx);
  if (col1 - col0 < n / 2 || row1 - row0 < n / 2) return undefined;
  const a = crop(moving, col0, row0, col1 - col0, row1 - row0);
  const b = crop(reference, col0 - sxPx, row0 - syPx, col1 - col0, row1 - row0);
  return normalizedCorrelation(a, b);
}

/** Vertex offset of the parabola through (-1, left), (0, centre), (1, right); within +-0.5 px. */
export function parabolicPeak(left: number, centre: number, right: number): number {
  const curvature = left - 2 * centre + right;
  if (!(curvature < 0)) return 0;
  return Math.max(-0.5, Math.min(0.5, (left - right) / (2 * curvature)));
}

export interface PixelShift {
  /** How far the features moved from the reference to the moving image, in pixels (columns, rows). */
  dxPx: number;
  dyPx: number;
  /** Correlation at the integer peak: how much the estimate can be trusted (1 = identical). */
  score: number;
  /** True when the peak lies on the border of the search range: the real shift may be beyond it. */
  atEdge: boolean;
}

/**
 * Estimate how far features moved between two scans of the same window: the integer shift with the
 * highest correlation within `searchPx` of `aroundPx` (the shift expected, e.g. the one in use),
 * refined to sub-pixel by a parabola through the peak and its neighbours along each axis.
 */
export function estimateShiftPx(reference: SquareImage, moving: SquareImage, options: { searchPx: number; aroundPx?: { x: number; y: number } }): PixelShift {
  if (reference.pixels !== moving.pixels) throw new Error(`registration: images of ${reference.pixels} and ${moving.pixels} px`);
  const cx = Math.round(options.aroundPx?.x ?? 0);
  const cy = Math.round(options.aroundPx?.y ?? 0);
  const scores = new Map<string, number | undefined>();
  const at = (sx: number, sy: number): number | undefined => {
    const key = `${sx},${sy}`;
    if (!scores.has(key)) scores.set(key, correlationAt(reference, moving, sx, sy));
    return scores.get(key);
  };
  let best = { sx: cx, sy: cy, score: -Infinity };
  for (let sy = cy - options.searchPx; sy <= cy + options.searchPx; sy++) {
    for (let sx = cx - options.searchPx; sx <= cx + options.searchPx; sx++) {
      const score = at(sx, sy);
      if (score !== undefined && score > best.score) best = { sx, sy, score };
    }
  }
  if (!Number.isFinite(best.score)) throw new Error('registration: no shift in the search range leaves enough overlap');
  const atEdge = Math.abs(best.sx - cx) === options.searchPx || Math.abs(best.sy - cy) === options.searchPx;
  const refine = (l: number | undefined, r: number | undefined): number => (l === undefined || r === undefined ? 0 : parabolicPeak(l, best.score, r));
  return {
    dxPx: best.sx + refine(at(best.sx - 1, best.sy), at(best.sx + 1, best.sy)),
    dyPx: best.sy + refine(at(best.sx, best.sy - 1), at(best.sx, best.sy + 1)),
    score: best.score,
    atEdge,
  };
}

/** A shift in image pixels as nm in the sample frame, for a scan rotated by `angleDeg`. */
export function pixelShiftToNm(shift: { dxPx: number; dyPx: number }, pixelNm: number, angleDeg = 0): ShiftNm {
  const angle = (angleDeg * Math.PI) / 180;
  const u = shift.dxPx * pixelNm;
  const v = shift.dyPx * pixelNm;
  return { dxNm: Math.cos(angle) * u - Math.sin(angle) * v, dyNm: Math.sin(angle) * u + Math.cos(angle) * v };
}

/** The inverse of pixelShiftToNm: where to centre the search for a shift already known in nm. */
export function nmShiftToPixels(shift: ShiftNm, pixelNm: number, angleDeg = 0): { x: number; y: number } {
  const angle = (angleDeg * Math.PI) / 180;
  return {
    x: (Math.cos(angle) * shift.dxNm + Math.sin(angle) * shift.dyNm) / pixelNm,
    y: (-Math.sin(angle) * shift.dxNm + Math.cos(angle) * shift.dyNm) / pixelNm,
  };
}

/** The window a registration rescan covers: where it is centred and how it is oriented. */
export interface RegistrationWindow {
  centreXNm: number;
  centreYNm: number;
  angleDeg: number;
}

/**
 * The rescan window: centred where the overview was (its reported corner plus half its side,
 * rotated with the scan), in the overview's orientation.
 */
export function registrationWindow(overviewParams: Record<string, unknown>, overviewOutputs: Record<string, unknown>): RegistrationWindow {
  const angleDeg = typeof overviewParams.angleDeg === 'number' ? overviewParams.angleDeg : 0;
  if (typeof overviewParams.xNm === 'number' && typeof overviewParams.yNm === 'number') {
    return { centreXNm: overviewParams.xNm, centreYNm: overviewParams.yNm, angleDeg };
  }
  const origin = overviewOutputs.originNm as { xNm?: unknown; yNm?: unknown } | undefined;
  const sizeNm = overviewParams.sizeNm;
  if (typeof origin?.xNm !== 'number' || typeof origin.yNm !== 'number' || typeof sizeNm !== 'number') {
    throw new Error('registration: the overview step tells neither its centre (xNm, yNm) nor its origin and size');
  }
  const half = pixelShiftToNm({ dxPx: sizeNm / 2, dyPx: sizeNm / 2 }, 1, angleDeg);
  return { centreXNm: origin.xNm + half.dxNm, centreYNm: origin.yNm + half.dyNm, angleDeg };
}

/**
 * The rescan command's params: the overview's own (line rate, read bias, ...) with the window's
 * centre, size and pixels and only the compared channel.
 */
export function registrationScanParams(
  overviewParams: Record<string, unknown>,
  window: RegistrationWindow,
  spec: { sizeNm: number; pixels: number; channel: string },
): Record<string, unknown> {
  return { ...overviewParams, xNm: window.centreXNm, yNm: window.centreYNm, angleDeg: window.angleDeg, sizeNm: spec.sizeNm, pixels: spec.pixels, channels: [spec.channel] };
}

/** Below this correlation a rescan is not trusted to show the same surface (tip change, failed scan). */
export const MIN_REGISTRATION_SCORE = 0.5;

export interface RegistrationDecision {
  /** The drift estimated from this rescan (how far the surface moved since the reference). */
  estimate: ShiftNm;
  score: number;
  /** The correction to use from now on. */
  correction: ShiftNm;
  /** True when the estimate replaced the correction in use. */
  adopted: boolean;
  /** Why an estimate was not used, if it was not trusted. */
  untrusted?: string;
}

/**
 * Compare a rescan with the reference and decide the correction: the estimate is adopted when it
 * differs from the one in use by more than `limitNm` (small wobbles do not move every later loop),
 * and only when the images really match.
 */
export function registrationDecision(
  reference: SquareImage,
  rescan: SquareImage,
  options: { pixelNm: number; angleDeg: number; limitNm: number; inUse: ShiftNm },
): RegistrationDecision {
  // The surface moves on from where the correction in use put it: search around that, a quarter window either way.
  const searchPx = Math.max(2, Math.floor(reference.pixels / 4));
  const shift = estimateShiftPx(reference, rescan, { searchPx, aroundPx: nmShiftToPixels(options.inUse, options.pixelNm, options.angleDeg) });
  const estimate = pixelShiftToNm(shift, options.pixelNm, options.angleDeg);
  const untrusted =
    shift.score < MIN_REGISTRATION_SCORE ? `correlation ${shift.score.toFixed(2)} below ${MIN_REGISTRATION_SCORE}` : shift.atEdge ? 'the best match is at the edge of the search range' : undefined;
  const differsNm = Math.hypot(estimate.dxNm - options.inUse.dxNm, estimate.dyNm - options.inUse.dyNm);
  const adopted = untrusted === undefined && differsNm > options.limitNm;
  return { estimate, score: shift.score, correction: adopted ? estimate : options.inUse, adopted, ...(untrusted ? { untrusted } : {}) };
}
