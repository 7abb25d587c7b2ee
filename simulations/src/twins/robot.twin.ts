import { z } from 'zod';
import type { JsonObject } from '../wire/messages';
import { recipeSchema } from '../world/params';
import { type AnyAction, defineAction, reject } from './action';
import { MicroscopeTwin } from './microscope';
import { Twin } from './twin';

const recipe = recipeSchema.refine((r) => Math.abs(r.fractions.A + r.fractions.B + r.fractions.C - 1) <= 1e-6, {
  message: 'fractions A + B + C must sum to 1',
  path: ['fractions'],
});

/**
 * The synthesis robot: dispenses, mixes, anneals and cools a recipe into a sample of the shared
 * world, and hands samples over to the microscopes. A failed synthesis is a succeeded command
 * with outcome 'failed': data for the planner, not an instrument fault.
 */
export class RobotTwin extends Twin {
  readonly kind = 'synthesis-robot' as const;
  readonly model = 'SimSynth-R2';
  private arm: 'parked' | 'moving' | 'halted' = 'parked';
  private furnaceSetpointC?: number;

  protected kindActions(): Record<string, AnyAction> {
    const s = this.world.params.synthesis;
    return {
      synthesize: defineAction({
        params: z.object({ sampleId: z.string().min(1), recipe }),
        exclusive: true,
        check: (p) => (this.world.sample(p.sampleId) ? reject('validation', `sample '${p.sampleId}' already exists`, 'sampleId') : undefined),
        run: async (ctx, p) => {
          const { annealTempC, annealTimeMin } = p.recipe;
          const riseC = Math.max(0, annealTempC - s.roomTempC);
          this.arm = 'moving';
          this.furnaceSetpointC = annealTempC;
          try {
            await ctx.phases([
              ['dispense', s.dispenseS],
              ['mix', s.mixS],
              ['anneal', (riseC / s.rampCPerMin) * 60 + annealTimeMin * 60],
              ['cool', (riseC / s.coolCPerMin) * 60],
            ]);
          } finally {
            this.furnaceSetpointC = undefined;
            if (this.arm === 'moving') this.arm = 'parked';
          }
          const { material } = this.world.synthesize(p.sampleId, p.recipe, this.instrumentId);
          return { sampleId: p.sampleId, outcome: material.outcome, ...(material.failureReason ? { failureReason: material.failureReason } : {}) };
        },
      }),
      handover: defineAction({
        params: z.object({ sampleId: z.string().min(1), to: z.string().min(1) }),
        exclusive: true,
        check: (p) => {
          if (this.world.locationOf(p.sampleId) !== this.instrumentId) return reject('validation', `sample '${p.sampleId}' is not at ${this.instrumentId}`, 'sampleId');
          const target = this.options.peers(p.to);
          if (!(target instanceof MicroscopeTwin)) return reject('validation', `'${p.to}' is not a microscope of this lab`, 'to');
          const refusal = target.sampleRefusal();
          return refusal ? reject('interlock', refusal, 'to') : undefined;
        },
        run: async (ctx, p) => {
          this.arm = 'moving';
          await ctx.phases([['transfer', s.handoverS]]);
          this.arm = 'parked';
          this.world.mount(p.sampleId, p.to);
          return { sampleId: p.sampleId, to: p.to };
        },
      }),
      halt: defineAction({
        params: z.object({}),
        exclusive: false,
        run: async () => {
          this.stopRunning({ status: 'cancelled', code: 'halted', message: 'halted by request' });
          this.enterSafeState();
          // The arm state is telemetry: a change is published at once, not at the next heartbeat.
          this.publishStatus();
          return undefined;
        },
      }),
    };
  }

  protected enterSafeState(): void {
    this.arm = 'halted';
    this.furnaceSetpointC = undefined;
  }

  protected telemetry(): JsonObject {
    return { arm: this.arm, furnaceSetpointC: this.furnaceSetpointC ?? null, samplesHeld: this.world.sampleIdsAt(this.instrumentId).length };
  }
}
