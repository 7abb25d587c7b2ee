import { z } from 'zod';
import type { JsonObject } from '../wire/messages';
import { DEFAULT_READ_BIAS_V, renderSpmFrame, SPM_CHANNEL_UNITS, SPM_CHANNELS } from '../world/pfm-render';
import { hysteresisLoop, ivCurve, PfmSurface } from '../world/pfm';
import { hashOf, Rng } from '../world/random';
import { type AnyAction, defineAction, outsideScanRange, reject } from './action';
import { MicroscopeTwin } from './microscope';
import type { RunContext } from './run-context';

const point = { xNm: z.number(), yNm: z.number() };

/**
 * AFM/PFM twin. Measurements engage the tip first if it is withdrawn; an explicit coarse tip move
 * with the tip engaged is an interlock. Each measurement may (rarely) change the tip, which opens
 * the problem `tip_changed` and rescales the response until a technician clears it.
 */
export class SpmTwin extends MicroscopeTwin {
  readonly kind = 'spm' as const;
  readonly model = 'SimPFM-3000';
  private tipEngaged = false;
  private tipXNm = 0;
  private tipYNm = 0;
  private biasV = 0;
  private tipSensitivity = 1;

  protected get loadSampleS(): number {
    return this.world.params.spm.loadSampleS;
  }

  protected override exchangeInterlock(): string | undefined {
    return this.tipEngaged ? 'the tip is engaged; withdraw it first' : undefined;
  }

  protected kindActions(): Record<string, AnyAction> {
    const spm = this.world.params.spm;
    const rangeNm = spm.scanRangeNm;
    const pointCheck = (p: { xNm: number; yNm: number }) => outsideScanRange(rangeNm, [['xNm', p.xNm], ['yNm', p.yNm]]);
    const spectroscopy = { ...point, vMaxV: z.number().positive() };
    return {
      loadSample: this.loadSampleAction(),
      approach: defineAction({
        params: z.object({}),
        exclusive: true,
        check: () => (this.sample ? undefined : reject('interlock', 'no sample to approach')),
        run: async (ctx) => {
          await this.engage(ctx);
          return { zPiezoNm: spm.engagedZPiezoNm };
        },
      }),
      withdraw: defineAction({
        params: z.object({}),
        exclusive: true,
        run: async (ctx) => {
          await ctx.phases([['withdraw', spm.withdrawS]]);
          this.tipEngaged = false;
          return undefined;
        },
      }),
      moveTip: defineAction({
        params: z.object(point),
        exclusive: true,
        check: (p) =>
          pointCheck(p) ??
          (this.tipEngaged && this.distanceNm(p) > spm.coarseMoveNm
            ? reject('interlock', `a ${Math.round(this.distanceNm(p))} nm move is coarse (over ${spm.coarseMoveNm} nm) with the tip engaged; withdraw first`)
            : undefined),
        run: async (ctx, p) => {
          await this.moveTo(ctx, p);
          return undefined;
        },
      }),
      setBias: defineAction({
        params: z.object({ biasV: z.number() }),
        exclusive: true,
        run: async (ctx, p) => {
          await ctx.phases([['bias', spm.setBiasS]]);
          this.biasV = p.biasV;
          return undefined;
        },
      }),
      scan: defineAction({
        params: z.object({
          sizeNm: z.number().positive(),
          pixels: z.number().int().min(2).max(4096),
          angleDeg: z.number().default(0),
          lineRateHz: z.number().positive(),
          channels: z.array(z.enum(SPM_CHANNELS)).min(1).default(['height', 'pfmAmplitude', 'pfmPhase']),
          xNm: z.number().default(rangeNm / 2),
          yNm: z.number().default(rangeNm / 2),
          /** Tip bias while the current (c-AFM) channel is recorded. */
          readBiasV: z.number().default(DEFAULT_READ_BIAS_V),
        }),
        exclusive: true,
        measurement: true,
        // The read bias is on the tip only when the current map is recorded; then it counts against
        // the envelope's biasV like a loop's vMaxV does.
        derived: (p) => (p.channels.includes('current') ? [{ name: 'biasV', value: p.readBiasV, field: 'readBiasV' }] : []),
        check: (p) => {
          const angle = (p.angleDeg * Math.PI) / 180;
          const halfNm = (p.sizeNm * (Math.abs(Math.cos(angle)) + Math.abs(Math.sin(angle)))) / 2;
          const corners = [p.xNm - halfNm, p.yNm - halfNm, p.xNm + halfNm, p.yNm + halfNm].map((v) => ['sizeNm', v] as const);
          return pointCheck(p) ?? outsideScanRange(rangeNm, corners);
        },
        run: async (ctx, p) => {
          await this.engage(ctx, [['scan', (2 * p.pixels) / p.lineRateHz]]);
          const sample = this.mounted();
          const { seed, index } = ctx.measurementSeed(sample);
          const frame = renderSpmFrame(
            this.world.params,
            sample,
            { centreXNm: p.xNm, centreYNm: p.yNm, sizeNm: p.sizeNm, pixels: p.pixels, angleDeg: p.angleDeg, readBiasV: p.readBiasV, measurementIndex: index },
            p.channels,
            seed,
            this.tipSensitivity,
          );
          for (const channel of p.channels) {
            const values = frame.channels[channel];
            if (!values) continue;
            await ctx.emit(
              { kind: 'image', channel, units: SPM_CHANNEL_UNITS[channel], shape: [p.pixels, p.pixels], pixelSizeNm: frame.pixelSizeNm, originNm: frame.originNm },
              values,
            );
          }
          this.maybeChangeTip(seed);
          return { pixelSizeNm: frame.pixelSizeNm, originNm: frame.originNm };
        },
      }),
      hysteresisLoop: defineAction({
        params: z.object({ ...spectroscopy, cycles: z.number().int().min(1).max(100), points: z.number().int().min(4).max(4096) }),
        exclusive: true,
        measurement: true,
        derived: (p) => [{ name: 'biasV', value: p.vMaxV, field: 'vMaxV' }],
        check: (p) => pointCheck(p),
        run: async (ctx, p) => {
          await this.spectroscopy(ctx, p, p.cycles * p.points * spm.loop.pointS, ['biasV', 'piezoresponsePm'], (surface, probe, rng) =>
            hysteresisLoop(surface, { ...probe, cycles: p.cycles }, rng),
          );
          return { xNm: p.xNm, yNm: p.yNm };
        },
      }),
      ivCurve: defineAction({
        params: z.object({ ...spectroscopy, points: z.number().int().min(4).max(8192) }),
        exclusive: true,
        measurement: true,
        derived: (p) => [{ name: 'biasV', value: p.vMaxV, field: 'vMaxV' }],
        check: (p) => pointCheck(p),
        run: async (ctx, p) => {
          await this.spectroscopy(ctx, p, p.points * spm.iv.pointS, ['biasV', 'currentPa'], ivCurve);
          return { xNm: p.xNm, yNm: p.yNm };
        },
      }),
    };
  }

  protected enterSafeState(): void {
    this.tipEngaged = false;
    this.biasV = 0;
  }

  protected telemetry(): JsonObject {
    return {
      zPiezoNm: this.tipEngaged ? this.world.params.spm.engagedZPiezoNm : 0,
      tipEngaged: this.tipEngaged,
      tipXNm: this.tipXNm,
      tipYNm: this.tipYNm,
      biasV: this.biasV,
      sampleId: this.sample?.id ?? null,
    };
  }

  /** Approach if withdrawn, then run the given phases. */
  private async engage(ctx: RunContext, then: ReadonlyArray<readonly [string, number]> = []): Promise<void> {
    const approach = this.tipEngaged ? [] : [['approach', this.world.params.spm.approachS] as const];
    await ctx.phases([...approach, ...then]);
    this.tipEngaged = true;
  }

  private async moveTo(ctx: RunContext, to: { xNm: number; yNm: number }): Promise<void> {
    await ctx.phases([['move', this.distanceNm(to) / this.world.params.spm.tipSpeedNmPerS]]);
    this.tipXNm = to.xNm;
    this.tipYNm = to.yNm;
  }

  private async spectroscopy(
    ctx: RunContext,
    p: { xNm: number; yNm: number; vMaxV: number; points: number },
    durationS: number,
    rows: string[],
    measure: (surface: PfmSurface, probe: Parameters<typeof ivCurve>[1], rng: Rng) => Float32Array[],
  ): Promise<void> {
    await this.engage(ctx, [['move', this.distanceNm(p) / this.world.params.spm.tipSpeedNmPerS], ['spectroscopy', durationS]]);
    this.tipXNm = p.xNm;
    this.tipYNm = p.yNm;
    const sample = this.mounted();
    const { seed, index } = ctx.measurementSeed(sample);
    const surface = new PfmSurface(this.world.params, sample);
    const series = measure(surface, { ...p, measurementIndex: index, tipSensitivity: this.tipSensitivity }, new Rng(seed));
    const values = new Float32Array(series.length * series[0].length);
    series.forEach((row, i) => values.set(row, i * row.length));
    await ctx.emit({ kind: 'spectrum', shape: [series.length, series[0].length], rows }, values);
    this.maybeChangeTip(seed);
  }

  private maybeChangeTip(measurementSeed: number): void {
    const spm = this.world.params.spm;
    const rng = new Rng(hashOf('tip-change', measurementSeed));
    if (rng.next() >= spm.tipChangeProbability) return;
    this.tipSensitivity = Math.max(0.2, 1 + spm.tipSensitivitySd * rng.normal());
    this.raiseProblem('tip_changed');
  }

  private distanceNm(to: { xNm: number; yNm: number }): number {
    return Math.hypot(to.xNm - this.tipXNm, to.yNm - this.tipYNm);
  }
}
