import { dtypeOf, encodeFrame, type FrameValues } from '../wire/frame-codec';
import type { FrameHeader, JsonObject, Outgoing } from '../wire/messages';
import { hashOf } from '../world/random';
import type { Sample, World } from '../world/world';

/** Fields of a data frame header that an action chooses (the rest are filled in here). */
export type FrameFields = Omit<FrameHeader, 'v' | 'cmdId' | 'dataId' | 'dtype'>;

/** A data frame kept for idempotent replay under a later cmdId. */
export interface KeptFrame {
  fields: FrameFields & { dataId: string };
  values: FrameValues;
}

/** What a running command needs from its twin. */
export interface RunHost {
  readonly instrumentId: string;
  readonly world: World;
  readonly timeScale: number;
  send(out: Outgoing): Promise<void>;
}

/** Wall-clock time between progress messages, and the most per phase. */
const PROGRESS_EVERY_MS = 250;
const MAX_PROGRESS_PER_PHASE = 10;

/** The running command's view of the world: the scaled clock, progress, data frames, seeds. */
export class RunContext {
  readonly dataIds: string[] = [];
  readonly frames: KeptFrame[] = [];

  constructor(
    private readonly host: RunHost,
    readonly cmdId: string,
    readonly action: string,
    readonly params: JsonObject,
    readonly signal: AbortSignal,
  ) {}

  /**
   * Spend nominal instrument time in named phases (real durations, scaled by the lab's timeScale),
   * reporting progress as it goes. Rejects when the command is cancelled, estopped or faulted.
   */
  async phases(list: ReadonlyArray<readonly [step: string, nominalS: number]>): Promise<void> {
    const totalS = list.reduce((sum, [, s]) => sum + s, 0);
    let doneS = 0;
    for (const [step, nominalS] of list) {
      const wallMs = nominalS * this.host.timeScale * 1000;
      const ticks = Math.min(MAX_PROGRESS_PER_PHASE, Math.max(1, Math.ceil(wallMs / PROGRESS_EVERY_MS)));
      for (let k = 0; k < ticks; k++) {
        const atS = doneS + (nominalS * k) / ticks;
        await this.host.send({
          type: 'progress',
          msg: { v: 1, cmdId: this.cmdId, fraction: totalS > 0 ? atS / totalS : 0, etaS: (totalS - atS) * this.host.timeScale, step },
        });
        await sleep(wallMs / ticks, this.signal);
      }
      doneS += nominalS;
    }
  }

  /** Publish a data frame now (before the result) and list it in the result. */
  async emit(fields: FrameFields, values: FrameValues): Promise<void> {
    const dataId = `${this.cmdId}.d${this.dataIds.length}`;
    this.dataIds.push(dataId);
    const kept = { fields: { ...fields, dataId }, values };
    this.frames.push(kept);
    await this.host.send({ type: 'data', frame: frameFor(kept, this.cmdId) });
  }

  /**
   * Seed for the noise of a measurement on a sample. It depends on what is measured and how many
   * measurements this instrument already made on the sample, never on time or on other instruments,
   * so the same campaign replays to the same bytes.
   */
  measurementSeed(sample: Sample): { seed: number; index: number } {
    const index = this.host.world.nextMeasurementIndex(this.host.instrumentId, sample.id);
    return { seed: hashOf('measure', this.host.world.seed, this.host.instrumentId, sample.structureSeed, this.action, this.params, index), index };
  }

  /** Throws if the command has been stopped (for work between phases). */
  throwIfStopped(): void {
    this.signal.throwIfAborted();
  }
}

export const frameFor = (kept: KeptFrame, cmdId: string): Buffer =>
  encodeFrame({ v: 1, cmdId, dtype: dtypeOf(kept.values), ...kept.fields }, kept.values);

/**
 * A timer as a promise that rejects when the signal aborts. Node runs no timer sooner than 1 ms, so
 * a wait shorter than that (a phase on a tiny time scale) yields to the event loop instead of
 * adding a whole millisecond to every phase.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      cancel();
      reject(signal?.reason);
    };
    const done = (): void => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    let cancel: () => void;
    if (ms < 1) {
      const immediate = setImmediate(done);
      cancel = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(done, ms);
      cancel = () => clearTimeout(timer);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
