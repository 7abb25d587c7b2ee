import { z } from 'zod';
import type { JsonObject } from '../wire/messages';
import { eelsSpectrum, pointDoseEPerA2 } from '../world/eels';
import { hashOf, Rng } from '../world/random';
import { overlaps, type Window } from '../world/stem-lattice';
import { frameDoseEPerA2, frameWindow, renderStemFrame } from '../world/stem-render';
import type { Sample } from '../world/world';
import { ActionFailure, type AnyAction, type Derived, defineAction, outsideScanRange, reject } from './action';
import { MicroscopeTwin } from './microscope';

const point = { xNm: z.number(), yNm: z.number() };

/**
 * STEM twin. Positions: the beam scans within [0, scanRangeNm] around the stage position, so a
 * point on the sample is stage (um -> nm) + beam (nm). Every acquisition records its dose on the
 * sample (beam damage later shows as vacancies) and blanks the beam afterwards.
 */
export class StemTwin extends MicroscopeTwin {
  readonly kind = 'stem' as const;
  readonly model = 'SimSTEM-200';
  private stageXUm = 0;
  private stageYUm = 0;
  private beamXNm: number;
  private beamYNm: number;
  private blanked = true;
  private readonly optics: Record<string, number> = { ...this.world.params.stem.optics };
  private opticsSettings = 0;

  constructor(...args: ConstructorParameters<typeof MicroscopeTwin>) {
    super(...args);
    this.beamXNm = this.beamYNm = this.world.params.stem.scanRangeNm / 2;
  }

  protected get loadSampleS(): number {
    return this.world.params.stem.loadSampleS;
  }

  protected kindActions(): Record<string, AnyAction> {
    const stem = this.world.params.stem;
    const rangeNm = stem.scanRangeNm;
    const pointCheck = (p: { xNm: number; yNm: number }) => outsideScanRange(rangeNm, [['xNm', p.xNm], ['yNm', p.yNm]]);
    return {
      loadSample: this.loadSampleAction(),
      scan: defineAction({
        params: z.object({
          fovNm: z.number().positive(),
          pixels: z.number().int().min(2).max(8192),
          dwellUs: z.number().positive(),
          detector: z.enum(['haadf', 'bf']).default('haadf'),
          xNm: z.number().default(rangeNm / 2),
          yNm: z.number().default(rangeNm / 2),
        }),
        exclusive: true,
        measurement: true,
        derived: (p) => {
          const doseEPerA2 = frameDoseEPerA2(this.world.params, p);
          return [
            { name: 'frameTimeS', value: (p.pixels * p.pixels * p.dwellUs) / 1e6, field: 'dwellUs' },
            ...this.doseLimits(frameWindow(this.onSample(p, p.fovNm)), doseEPerA2, 'dwellUs'),
          ];
        },
        check: (p) =>
          outsideScanRange(rangeNm, [
            ['xNm', p.xNm - p.fovNm / 2],
            ['xNm', p.xNm + p.fovNm / 2],
            ['yNm', p.yNm - p.fovNm / 2],
            ['yNm', p.yNm + p.fovNm / 2],
          ]),
        run: async (ctx, p) => {
          this.blanked = false;
          await ctx.phases([['scan', (p.pixels * p.pixels * p.dwellUs) / 1e6 + stem.flybackS]]);
          this.blanked = true;
          const sample = this.mounted();
          const frame = { ...this.onSample(p, p.fovNm), pixels: p.pixels, dwellUs: p.dwellUs, detector: p.detector, defocusNm: this.optics.defocusNm ?? 0 };
          const { image, truth } = renderStemFrame(this.world.params, sample, frame, ctx.measurementSeed(sample).seed);
          const doseEPerA2 = frameDoseEPerA2(this.world.params, p);
          this.expose(sample, frameWindow(frame), doseEPerA2);
          await ctx.emit(
            { kind: 'image', channel: p.detector, units: 'counts', shape: [p.pixels, p.pixels], pixelSizeNm: truth.pixelSizeNm, originNm: { xNm: p.xNm - p.fovNm / 2, yNm: p.yNm - p.fovNm / 2 } },
            image,
          );
          return { doseEPerA2, sampleDoseEPerA2: sample.totalDoseEPerA2 };
        },
      }),
      park: defineAction({
        params: z.object(point),
        exclusive: true,
        check: (p) => pointCheck(p),
        run: async (ctx, p) => {
          await ctx.phases([['park', stem.parkS]]);
          this.beamXNm = p.xNm;
          this.beamYNm = p.yNm;
          return undefined;
        },
      }),
      blank: defineAction({
        params: z.object({}),
        exclusive: false,
        run: async () => {
          this.blanked = true;
          this.publishStatus();
          return undefined;
        },
      }),
      unblank: defineAction({
        params: z.object({}),
        exclusive: true,
        run: async (ctx) => {
          await ctx.phases([['unblank', stem.blankS]]);
          this.blanked = false;
          return undefined;
        },
      }),
      eels: defineAction({
        params: z.object({ ...point, dwellMs: z.number().positive() }),
        exclusive: true,
        measurement: true,
        derived: (p) => this.doseLimits(this.probeWindow(this.onSample(p, 0)), pointDoseEPerA2(this.world.params, p.dwellMs), 'dwellMs'),
        check: (p) => pointCheck(p),
        run: async (ctx, p) => {
          await ctx.phases([['park', stem.parkS]]);
          this.beamXNm = p.xNm;
          this.beamYNm = p.yNm;
          this.blanked = false;
          await ctx.phases([['eels', p.dwellMs / 1000]]);
          this.blanked = true;
          const sample = this.mounted();
          const at = this.onSample(p, 0);
          const [energy, counts] = eelsSpectrum(this.world.params, sample, { xNm: at.centreXNm, yNm: at.centreYNm }, p.dwellMs, ctx.measurementSeed(sample).seed);
          const doseEPerA2 = pointDoseEPerA2(this.world.params, p.dwellMs);
          this.expose(sample, this.probeWindow(at), doseEPerA2);
          const values = new Float32Array(2 * energy.length);
          values.set(energy, 0);
          values.set(counts, energy.length);
          await ctx.emit({ kind: 'spectrum', shape: [2, energy.length], rows: ['energyLossEv', 'counts'] }, values);
          return { doseEPerA2, sampleDoseEPerA2: sample.totalDoseEPerA2 };
        },
      }),
      setOptics: defineAction({
        params: z.object({ name: z.string().min(1), value: z.number(), toleranceAbs: z.number().positive() }),
        exclusive: true,
        check: (p) => (p.name in this.optics ? undefined : reject('validation', `unknown optics value '${p.name}'; known: ${Object.keys(this.optics).join(', ')}`, 'name')),
        run: async (ctx, p) => {
          await ctx.phases([['settle', stem.opticsSettleS]]);
          const rng = new Rng(hashOf('optics', this.world.seed, this.instrumentId, p, this.opticsSettings++));
          const readback = p.value + (stem.opticsReadbackSd[p.name] ?? 0) * rng.normal();
          this.optics[p.name] = readback;
          if (Math.abs(readback - p.value) > p.toleranceAbs) {
            throw new ActionFailure('not_confirmed', `${p.name} read back ${readback.toFixed(4)}, not within ${p.toleranceAbs} of ${p.value}`);
          }
          return { name: p.name, value: readback };
        },
      }),
      moveStage: defineAction({
        params: z.object({ xUm: z.number(), yUm: z.number() }),
        exclusive: true,
        check: (p) => {
          const travel = stem.stageTravelUm;
          const field = Math.abs(p.xUm) > travel ? 'xUm' : Math.abs(p.yUm) > travel ? 'yUm' : undefined;
          return field ? reject('validation', `${field} is outside the stage travel +-${travel} um`, field) : undefined;
        },
        run: async (ctx, p) => {
          await ctx.phases([['move', Math.hypot(p.xUm - this.stageXUm, p.yUm - this.stageYUm) / stem.stageSpeedUmPerS]]);
          this.stageXUm = p.xUm;
          this.stageYUm = p.yUm;
          return undefined;
        },
      }),
    };
  }

  protected enterSafeState(): void {
    this.blanked = true;
  }

  protected telemetry(): JsonObject {
    return {
      beamBlanked: this.blanked,
      beamXNm: this.beamXNm,
      beamYNm: this.beamYNm,
      stageXUm: this.stageXUm,
      stageYUm: this.stageYUm,
      ...this.optics,
      sampleId: this.sample?.id ?? null,
      sampleDoseEPerA2: this.sample?.totalDoseEPerA2 ?? 0,
    };
  }

  /** Beam coordinates to sample coordinates. */
  private onSample(p: { xNm: number; yNm: number }, fovNm: number): { centreXNm: number; centreYNm: number; fovNm: number } {
    return { centreXNm: this.stageXUm * 1000 + p.xNm, centreYNm: this.stageYUm * 1000 + p.yNm, fovNm };
  }

  /** The +-2 sigma square a point acquisition doses. */
  private probeWindow(at: { centreXNm: number; centreYNm: number }): Window {
    return frameWindow({ ...at, fovNm: 4 * this.world.params.stem.probeSigmaNm });
  }

  /** This acquisition's dose, and what the window will have received in all once it is done. */
  private doseLimits(window: Window, doseEPerA2: number, field: string): Derived[] {
    const before = (this.sample?.exposures ?? []).filter((e) => overlaps(e, window)).reduce((sum, e) => sum + e.doseEPerA2, 0);
    return [
      { name: 'doseEPerA2', value: doseEPerA2, field },
      { name: 'doseBudgetEPerA2', value: before + doseEPerA2, field },
    ];
  }

  private expose(sample: Sample, window: Window, doseEPerA2: number): void {
    sample.exposures.push({ ...window, doseEPerA2 });
    sample.totalDoseEPerA2 += doseEPerA2;
  }
}
