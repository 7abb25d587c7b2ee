import type { Atom, FeatureMap, Normalization, VisionTask } from '../../../../vision/src';

/** How one request is analysed. */
export interface FeatureOptions {
  /**
   * `measurement` (default): never dropped; waits for a queue slot when analysis falls behind.
   * `preview`: latest-wins; rejected with SupersededError when a newer preview replaces it.
   */
  kind?: 'measurement' | 'preview';
  /** Model name (a committed model or one from the lab's vision settings); default per task. */
  model?: string;
  /** Force the task; default from the frame's channel (haadf -> atoms, pfmPhase -> domains). */
  task?: VisionTask;
  /** `classical` skips the model (the baseline); default `model`. */
  method?: 'model' | 'classical';
  /** Encode the overlay PNG (default true). */
  overlay?: boolean;
  /** Return the atom list (default false; counts are in the features either way). */
  atoms?: boolean;
}

/** Where a frame came from, for the record. */
export interface FrameSource {
  cmdId?: string;
  dataId?: string;
  file?: string;
}

/** Which method and model produced the numbers, how the frame was prepared, and what it cost. */
export interface FrameProvenance {
  method: 'model' | 'classical';
  model?: { name: string; sha256: string; card: string };
  /** Set when the model was asked for but failed, and the classical method stood in. */
  fallbackReason?: string;
  normalization?: Normalization;
  /** Human-readable preprocessing: normalization and tiling. */
  preprocessing: string;
  tiles: number;
  pixelSizeNm?: number;
  /** E.g. a pixel size outside the model's training range. */
  warnings: string[];
  /** Arrival to features, ms. */
  latencyMs: number;
  /** Waiting for a worker, ms. */
  queueMs: number;
  inferenceMs: number;
  postprocessMs: number;
  source: FrameSource;
}

/**
 * Features of one frame. Names (all numbers): atoms - atom_count, species_a_count,
 * species_b_count, vacancy_count, species_b_fraction, vacancy_fraction, and with a pixel size
 * atom_density_per_nm2, species_a/b_density_per_nm2, vacancy_density_per_nm2; domains -
 * domain_up_fraction, domain_down_fraction, wall_fraction, wall_length_px, domain_count, and with
 * a pixel size wall_length_nm, wall_density_per_um; model results add confidence (0..1).
 */
export interface FrameFeatures {
  task: VisionTask;
  features: FeatureMap;
  atoms?: Atom[];
  overlayPng?: Uint8Array;
  provenance: FrameProvenance;
}

/** One item of the pipeline's result stream. */
export type FrameResult = { source: FrameSource; ok: true; result: FrameFeatures } | { source: FrameSource; ok: false; error: Error };
