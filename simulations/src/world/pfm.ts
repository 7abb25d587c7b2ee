import { fbm, grainAt, newGrainHit } from './noise';
import type { WorldParams } from './params';
import { hash01, hashOf, type Rng } from './random';
import type { Sample } from './world';

/**
 * The piezoresponse (PFM) view of a sample: ferroelectric domains as the sign of a smooth random
 * field, domain walls where it crosses zero, grains in the topography, and local vacancy
 * concentration. All of it follows from the sample's material and structure seed.
 */
export class PfmSurface {
  readonly domainLengthNm: number;
  private readonly domainSeed: number;
  private readonly grainSeed: number;
  private readonly defectSeed: number;
  private readonly roughSeed: number;
  private readonly domainBias: number;
  private readonly hit = newGrainHit();
  readonly spm: WorldParams['spm'];

  constructor(
    world: WorldParams,
    readonly sample: Sample,
  ) {
    this.spm = world.spm;
    const seed = sample.structureSeed;
    this.domainSeed = hashOf('domains', seed);
    this.grainSeed = hashOf('grains', seed);
    this.defectSeed = hashOf('defects', seed);
    this.roughSeed = hashOf('roughness', seed);
    this.domainLengthNm = sample.material.grainSizeNm * this.spm.domainLengthPerGrain;
    this.domainBias = this.spm.domainBias * (2 * hash01(this.domainSeed, 0, 0, 3) - 1);
  }

  /** Positive where the polarization points up, negative where down; zero on a wall. */
  domainField(xNm: number, yNm: number): number {
    return fbm(this.domainSeed, xNm / this.domainLengthNm, yNm / this.domainLengthNm, 2) + this.domainBias;
  }

  /** Distance to the nearest domain wall, estimated as |f| / |grad f| (exact for a locally linear field). */
  wallDistanceNm(xNm: number, yNm: number): number {
    const h = this.domainLengthNm / 100;
    const f = this.domainField(xNm, yNm);
    const gx = (this.domainField(xNm + h, yNm) - this.domainField(xNm - h, yNm)) / (2 * h);
    const gy = (this.domainField(xNm, yNm + h) - this.domainField(xNm, yNm - h)) / (2 * h);
    return Math.min(10 * this.domainLengthNm, Math.abs(f) / Math.max(1e-12, Math.hypot(gx, gy)));
  }

  /** Local vacancy fraction: the sample's mean, modulated smoothly over twice the domain length. */
  vacancyFraction(xNm: number, yNm: number): number {
    const scale = 2 * this.domainLengthNm;
    const modulation = 1 + this.spm.defectContrast * fbm(this.defectSeed, xNm / scale, yNm / scale, 2);
    return this.sample.material.vacancyFraction * Math.max(0, modulation);
  }

  /** Surface height: one level per grain, grooves at grain boundaries, fine roughness. */
  heightNm(xNm: number, yNm: number): number {
    const topo = this.spm.topography;
    const size = this.sample.material.grainSizeNm;
    const hit = grainAt(this.grainSeed, xNm / size, yNm / size, this.hit);
    const level = topo.grainHeightNm * hash01(this.grainSeed, hit.cellX, hit.cellY, 4);
    const boundaryNm = ((hit.secondNearest - hit.nearest) * size) / 2;
    const groove = topo.grooveDepthNm * Math.exp(-boundaryNm / topo.grooveWidthNm);
    return level - groove + topo.roughnessNm * fbm(this.roughSeed, xNm / topo.roughnessLengthNm, yNm / topo.roughnessLengthNm, 2);
  }

  /** Local switching parameters, the hidden relation a planner has to learn. */
  switching(xNm: number, yNm: number, tipSensitivity: number): LocalSwitching {
    const loop = this.spm.loop;
    const vacancyPct = 100 * this.vacancyFraction(xNm, yNm);
    const wallDistanceNm = this.wallDistanceNm(xNm, yNm);
    const nearWall = Math.exp(-wallDistanceNm / loop.wallWidthNm);
    const up = this.domainField(xNm, yNm) >= 0;
    return {
      up,
      coerciveV: loop.coerciveV * (1 + loop.coercivePerVacancyPct * vacancyPct) * (1 - loop.wallSoftening * nearWall),
      saturationPm: this.saturationPm(wallDistanceNm, tipSensitivity),
      imprintV: loop.imprintVPerVacancyPct * vacancyPct * (up ? 1 : -1),
      vacancyPct,
    };
  }

  /**
   * Tip-sample current at a bias, in pA: a tunnelling-like sinh whose conductance rises with the
   * local vacancy concentration (oxygen vacancies are the charge carriers). The I-V sweep and the
   * c-AFM current map both read it, so a current map shows the same vacancy field the loops feel.
   */
  currentPa(xNm: number, yNm: number, biasV: number): number {
    const iv = this.spm.iv;
    const conductancePaPerV = iv.conductancePaPerV * (1 + iv.conductancePerVacancyPct * 100 * this.vacancyFraction(xNm, yNm));
    return conductancePaPerV * iv.nonlinearityV * Math.sinh(biasV / iv.nonlinearityV);
  }

  /** Saturated piezoresponse: material strength, lowered near walls, scaled by the tip. */
  saturationPm(wallDistanceNm: number, tipSensitivity: number): number {
    const loop = this.spm.loop;
    const nearWall = Math.exp(-wallDistanceNm / loop.wallWidthNm);
    return loop.saturationPm * this.sample.material.ferroStrength * tipSensitivity * (1 - loop.wallSuppression * nearWall);
  }

  /** Unit vector of the slow thermal drift of this sample under the tip. */
  driftDirection(): { x: number; y: number } {
    const angle = 2 * Math.PI * hash01(this.domainSeed, 0, 0, 5);
    return { x: Math.cos(angle), y: Math.sin(angle) };
  }
}

export interface LocalSwitching {
  up: boolean;
  coerciveV: number;
  saturationPm: number;
  imprintV: number;
  vacancyPct: number;
}

/** Where and how a PFM measurement is taken; `measurementIndex` drives the slow drift. */
export interface ProbeSpec {
  xNm: number;
  yNm: number;
  vMaxV: number;
  points: number;
  measurementIndex: number;
  tipSensitivity: number;
}

/** Triangle waveform 0 -> +vMax -> -vMax -> 0 per cycle, `points` samples per cycle. */
export function loopWaveform(vMaxV: number, cycles: number, points: number): Float32Array {
  const bias = new Float32Array(cycles * points);
  for (let i = 0; i < bias.length; i++) {
    const t = (i % points) / points;
    bias[i] = vMaxV * (t < 0.25 ? 4 * t : t < 0.75 ? 2 - 4 * t : 4 * t - 4);
  }
  return bias;
}

/**
 * A PFM hysteresis loop: polarization follows the bias with memory (it only moves towards the
 * branch it is driven to), so a loop below the coercive voltage stays closed and small.
 */
export function hysteresisLoop(surface: PfmSurface, probe: ProbeSpec & { cycles: number }, rng: Rng): Float32Array[] {
  const loop = surface.spm.loop;
  const at = drifted(surface, probe);
  const local = surface.switching(at.xNm, at.yNm, probe.tipSensitivity);
  const bias = loopWaveform(probe.vMaxV, probe.cycles, probe.points);
  const response = new Float32Array(bias.length);
  const offsetPm = loop.driftPmPerMeasurement * probe.measurementIndex;
  let polarization = local.up ? local.saturationPm : -local.saturationPm;
  let previousV = 0;
  for (let i = 0; i < bias.length; i++) {
    const v = bias[i] - local.imprintV;
    if (bias[i] >= previousV) {
      polarization = Math.max(polarization, local.saturationPm * Math.tanh((v - local.coerciveV) / loop.switchingWidthV));
    } else {
      polarization = Math.min(polarization, local.saturationPm * Math.tanh((v + local.coerciveV) / loop.switchingWidthV));
    }
    previousV = bias[i];
    response[i] = polarization + loop.electrostaticPmPerV * bias[i] + offsetPm + loop.noisePm * rng.normal();
  }
  return [bias, response];
}

/** A current-voltage sweep from -vMax to +vMax: tunnelling-like sinh, raised by local vacancies. */
export function ivCurve(surface: PfmSurface, probe: ProbeSpec, rng: Rng): Float32Array[] {
  const iv = surface.spm.iv;
  const at = drifted(surface, probe);
  const bias = new Float32Array(probe.points);
  const current = new Float32Array(probe.points);
  for (let i = 0; i < probe.points; i++) {
    bias[i] = -probe.vMaxV + (2 * probe.vMaxV * i) / Math.max(1, probe.points - 1);
    current[i] = surface.currentPa(at.xNm, at.yNm, bias[i]) + iv.noisePa * rng.normal();
  }
  return [bias, current];
}

/**
 * Where on the sample the tip really is when it is sent to (xNm, yNm) for the measurement with this
 * index: the slow thermal drift moves the sample under the tip along one direction, so much per
 * measurement. Spectroscopy and scans both go through here, so a rescan sees the drift a loop feels.
 */
export function drifted(surface: PfmSurface, at: { xNm: number; yNm: number; measurementIndex: number }): { xNm: number; yNm: number } {
  const dir = surface.driftDirection();
  const shiftNm = surface.spm.loop.driftNmPerMeasurement * at.measurementIndex;
  return { xNm: at.xNm + dir.x * shiftNm, yNm: at.yNm + dir.y * shiftNm };
}
