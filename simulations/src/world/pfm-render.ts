import type { WorldParams } from './params';
import { drifted, PfmSurface } from './pfm';
import { hashOf, Rng } from './random';
import type { Sample } from './world';

/** Every channel a scan can record: topography, PFM amplitude and phase, and the c-AFM current. */
export const SPM_CHANNELS = ['height', 'pfmAmplitude', 'pfmPhase', 'current'] as const;
export type SpmChannel = (typeof SPM_CHANNELS)[number];

/** Units of each channel's image values. */
export const SPM_CHANNEL_UNITS: Record<SpmChannel, string> = { height: 'nm', pfmAmplitude: 'pm', pfmPhase: 'deg', current: 'pA' };

/** The tip bias of a conductive-AFM (current) map when the scan names none. */
export const DEFAULT_READ_BIAS_V = 1;

/** A (possibly rotated) square scan frame in sample coordinates. */
export interface SpmFrameSpec {
  centreXNm: number;
  centreYNm: number;
  sizeNm: number;
  pixels: number;
  angleDeg: number;
  /** Tip bias while the current channel is recorded (c-AFM read bias); default DEFAULT_READ_BIAS_V. */
  readBiasV?: number;
  /**
   * The instrument's measurement index on this sample: the surface shows up shifted by the same
   * drift a loop with this index feels (see `drifted`); default 0, no drift.
   */
  measurementIndex?: number;
}

/** Rendered SPM channels plus the ground truth a vision model could be trained on. */
export interface SpmFrame {
  pixelSizeNm: number;
  /** Physical position of pixel (0, 0)'s top-left corner. */
  originNm: { xNm: number; yNm: number };
  /** Row-major pixels x pixels images: height in nm, amplitude in pm, phase in degrees, current in pA. */
  channels: Partial<Record<SpmChannel, Float32Array>>;
  truth: {
    /** 1 where the polarization points up. */
    domainUp: Uint8Array;
    /** 1 on pixels within one pixel of a domain wall. */
    wall: Uint8Array;
  };
}

/** Render an SPM frame of a sample, with noise drawn from `seed`. Pure: the same inputs give the same bytes. */
export function renderSpmFrame(
  world: WorldParams,
  sample: Sample,
  frame: SpmFrameSpec,
  channels: readonly SpmChannel[],
  seed: number,
  tipSensitivity = 1,
): SpmFrame {
  const surface = new PfmSurface(world, sample);
  const n = frame.pixels;
  const pixelNm = frame.sizeNm / n;
  const angle = (frame.angleDeg * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const half = frame.sizeNm / 2;
  const position = (col: number, row: number): [number, number] => {
    const u = col * pixelNm - half;
    const v = row * pixelNm - half;
    return [frame.centreXNm + cos * u - sin * v, frame.centreYNm + sin * u + cos * v];
  };
  // The frame is where the scanner was sent; what it sees there is the drifted surface.
  const measurementIndex = frame.measurementIndex ?? 0;
  const sampled = (col: number, row: number): [number, number] => {
    const [x, y] = position(col, row);
    const at = drifted(surface, { xNm: x, yNm: y, measurementIndex });
    return [at.xNm, at.yNm];
  };

  const field = new Float32Array(n * n);
  const wantHeight = channels.includes('height');
  const height = wantHeight ? new Float32Array(n * n) : undefined;
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const [x, y] = sampled(col + 0.5, row + 0.5);
      field[row * n + col] = surface.domainField(x, y);
      if (height) height[row * n + col] = surface.heightNm(x, y);
    }
  }

  const rng = new Rng(seed);
  const spm = world.spm;
  const domainUp = new Uint8Array(n * n);
  const wall = new Uint8Array(n * n);
  const amplitude = channels.includes('pfmAmplitude') ? new Float32Array(n * n) : undefined;
  const phase = channels.includes('pfmPhase') ? new Float32Array(n * n) : undefined;
  const at = (row: number, col: number): number => field[Math.min(n - 1, Math.max(0, row)) * n + Math.min(n - 1, Math.max(0, col))];
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const i = row * n + col;
      const f = field[i];
      const gx = at(row, col + 1) - at(row, col - 1);
      const gy = at(row + 1, col) - at(row - 1, col);
      const gradient = Math.sqrt(gx * gx + gy * gy) / (2 * pixelNm);
      const wallDistanceNm = Math.abs(f) / Math.max(1e-12, gradient);
      domainUp[i] = f >= 0 ? 1 : 0;
      wall[i] = wallDistanceNm < pixelNm ? 1 : 0;
      const saturationPm = surface.saturationPm(wallDistanceNm, tipSensitivity);
      if (amplitude) amplitude[i] = Math.abs(saturationPm + spm.amplitudeNoisePm * rng.normal());
      if (phase) {
        // A weak response leaves the phase to the noise: failed samples show no domains.
        const snr = saturationPm / spm.amplitudeNoisePm;
        const phaseSd = Math.min(180, spm.phaseNoiseDeg * Math.max(1, 10 / Math.max(1e-9, snr)));
        phase[i] = (f >= 0 ? 0 : 180) + phaseSd * rng.normal();
      }
      if (height) height[i] += spm.topography.noiseNm * rng.normal();
    }
  }

  // c-AFM: the contact-mode current at the read bias, from the same conductance model as the I-V
  // sweep. Its noise comes from its own stream so asking for it leaves the other channels' bytes as they were.
  let current: Float32Array | undefined;
  if (channels.includes('current')) {
    current = new Float32Array(n * n);
    const readBiasV = frame.readBiasV ?? DEFAULT_READ_BIAS_V;
    const currentRng = new Rng(hashOf('current', seed));
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) {
        const [x, y] = sampled(col + 0.5, row + 0.5);
        current[row * n + col] = surface.currentPa(x, y, readBiasV) + spm.iv.noisePa * currentRng.normal();
      }
    }
  }

  const [originX, originY] = position(0, 0);
  return {
    pixelSizeNm: pixelNm,
    originNm: { xNm: originX, yNm: originY },
    channels: {
      ...(height ? { height } : {}),
      ...(amplitude ? { pfmAmplitude: amplitude } : {}),
      ...(phase ? { pfmPhase: phase } : {}),
      ...(current ? { current } : {}),
    },
    truth: { domainUp, wall },
  };
}
