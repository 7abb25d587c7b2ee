import type { GrayImage } from '../image/gray-image';
import { gaussianBlur } from './gaussian';

/** Settings of the phase-threshold domain finder. */
export interface PhaseThresholdOptions {
  /** Phase of up-polarized domains, degrees; down is 180 degrees away. */
  upPhaseDeg: number;
  /** Smoothing before the threshold, pixels. */
  smoothSigmaPx: number;
}

export const DEFAULT_PHASE_OPTIONS: PhaseThresholdOptions = { upPhaseDeg: 0, smoothSigmaPx: 1 };

/**
 * Classical PFM domain finder: smooth cos(phase - up phase) (smoothing the cosine, not the angle,
 * so the 0/360 wrap cannot create false walls), call positive pixels up, and mark as wall every
 * pixel with a 4-neighbour on the other side.
 */
export function thresholdDomains(phase: GrayImage, options: PhaseThresholdOptions = DEFAULT_PHASE_OPTIONS): { up: Uint8Array; wall: Uint8Array } {
  const { width, height } = phase;
  const cosine = new Float32Array(phase.data.length);
  const upRad = (options.upPhaseDeg * Math.PI) / 180;
  for (let i = 0; i < cosine.length; i++) cosine[i] = Math.cos((phase.data[i] * Math.PI) / 180 - upRad);
  const smooth = options.smoothSigmaPx > 0 ? gaussianBlur(cosine, width, height, options.smoothSigmaPx) : cosine;
  const up = new Uint8Array(smooth.length);
  for (let i = 0; i < up.length; i++) up[i] = smooth[i] >= 0 ? 1 : 0;
  const wall = new Uint8Array(up.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const differs =
        (x > 0 && up[i - 1] !== up[i]) || (x + 1 < width && up[i + 1] !== up[i]) || (y > 0 && up[i - width] !== up[i]) || (y + 1 < height && up[i + width] !== up[i]);
      wall[i] = differs ? 1 : 0;
    }
  }
  return { up, wall };
}
