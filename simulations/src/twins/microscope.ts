import { z } from 'zod';
import type { Sample } from '../world/world';
import { ActionFailure, type AnyAction, defineAction, reject } from './action';
import { Twin } from './twin';

/** A twin that holds one sample at a time: `loadSample`, and `no_sample` while empty. */
export abstract class MicroscopeTwin extends Twin {
  /** Nominal time to exchange a sample. */
  protected abstract readonly loadSampleS: number;

  get sample(): Sample | undefined {
    return this.world.sampleAt(this.instrumentId);
  }

  /** Why a sample cannot be put in now (the robot's handover asks), or undefined. */
  sampleRefusal(): string | undefined {
    return this.state === 'idle' || this.state === 'fault' ? this.exchangeInterlock() : `${this.instrumentId} is ${this.state}`;
  }

  /** A safety condition that forbids exchanging the sample now (e.g. an engaged SPM tip). */
  protected exchangeInterlock(): string | undefined {
    return undefined;
  }

  protected override readinessReasons(): string[] {
    return this.sample ? [] : ['no_sample'];
  }

  protected loadSampleAction(): AnyAction {
    return defineAction({
      params: z.object({ sampleId: z.string().min(1) }),
      exclusive: true,
      check: (p) => {
        if (!this.world.sample(p.sampleId)) return reject('validation', `unknown sample '${p.sampleId}'`, 'sampleId');
        const interlock = this.exchangeInterlock();
        return interlock ? reject('interlock', interlock) : undefined;
      },
      run: async (ctx, p) => {
        await ctx.phases([['load', this.loadSampleS]]);
        this.world.mount(p.sampleId, this.instrumentId);
        return undefined;
      },
    });
  }

  /** The mounted sample, for work after a phase: it may have been taken away meanwhile. */
  protected mounted(): Sample {
    const sample = this.sample;
    if (!sample) throw new ActionFailure('no_sample', 'the sample was removed during the measurement');
    return sample;
  }
}
