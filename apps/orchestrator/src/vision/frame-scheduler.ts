import { PipelineClosedError, SupersededError } from './vision-errors';

/** What happens to frames when analysis falls behind. */
export interface SchedulerLimits {
  /** Frames analysed at once (the worker count). */
  concurrency: number;
  /** Measurement frames admitted and waiting beyond those running; more must wait to be admitted. */
  measurementCapacity: number;
}

/**
 * A frame accepted into the queue, holding the promise of its result. (A wrapper, because a promise
 * that resolves to a promise would flatten, and admission would then wait for the result.)
 */
export interface Admitted<R> {
  result: Promise<R>;
}

interface Entry<J, R> {
  job: J;
  resolve: (result: R) => void;
  reject: (error: Error) => void;
}

/** Counters for monitoring and the benchmark. */
export interface SchedulerStats {
  running: number;
  queuedMeasurements: number;
  /** Producers waiting for a queue slot: the backpressure the acquisition feels. */
  waitingToAdmit: number;
  pendingPreview: boolean;
  previewsSuperseded: number;
  completed: number;
}

/**
 * The backpressure rule. Measurement frames are never dropped: they wait in a bounded FIFO, and
 * when it is full, `admitMeasurement` does not resolve until a slot frees, so a producer that
 * awaits admission before acquiring its next frame is slowed to the analysis rate. Live-preview
 * frames are latest-wins: one may wait, and a newer one replaces it (the older is rejected with
 * SupersededError); a preview already running finishes. Measurements run before previews.
 */
export class FrameScheduler<J, R> {
  private readonly measurements: Array<Entry<J, R>> = [];
  private readonly admissionWaiters: Array<() => void> = [];
  private preview: Entry<J, R> | undefined;
  private running = 0;
  private superseded = 0;
  private completed = 0;
  private closed = false;

  constructor(
    private readonly limits: SchedulerLimits,
    private readonly execute: (job: J) => Promise<R>,
  ) {
    if (limits.concurrency < 1 || limits.measurementCapacity < 1) throw new RangeError('concurrency and measurementCapacity must be at least 1');
  }

  /**
   * Queue a measurement frame. The returned promise resolves once the frame is admitted (at once
   * while there is room) with the promise of its result; await the admission before acquiring the
   * next frame to let a full queue slow the acquisition down.
   */
  async admitMeasurement(job: J): Promise<Admitted<R>> {
    while (!this.closed && this.measurements.length >= this.limits.measurementCapacity) {
      await new Promise<void>((resolve) => this.admissionWaiters.push(resolve));
    }
    if (this.closed) throw new PipelineClosedError('the vision pipeline is closed');
    const result = new Promise<R>((resolve, reject) => this.measurements.push({ job, resolve, reject }));
    this.pump();
    return { result };
  }

  /** Offer a live-preview frame; it replaces any preview still waiting. */
  offerPreview(job: J): Promise<R> {
    if (this.closed) return Promise.reject(new PipelineClosedError('the vision pipeline is closed'));
    const result = new Promise<R>((resolve, reject) => {
      if (this.preview) {
        this.superseded++;
        this.preview.reject(new SupersededError('a newer preview frame arrived'));
      }
      this.preview = { job, resolve, reject };
    });
    this.pump();
    return result;
  }

  stats(): SchedulerStats {
    return {
      running: this.running,
      queuedMeasurements: this.measurements.length,
      waitingToAdmit: this.admissionWaiters.length,
      pendingPreview: this.preview !== undefined,
      previewsSuperseded: this.superseded,
      completed: this.completed,
    };
  }

  /** Reject everything waiting; frames already running finish. */
  close(): void {
    this.closed = true;
    const error = new PipelineClosedError('the vision pipeline is closed');
    for (const entry of this.measurements.splice(0)) entry.reject(error);
    this.preview?.reject(error);
    this.preview = undefined;
    for (const wake of this.admissionWaiters.splice(0)) wake();
  }

  private pump(): void {
    while (this.running < this.limits.concurrency) {
      const entry = this.measurements.shift() ?? this.takePreview();
      if (!entry) return;
      if (this.measurements.length < this.limits.measurementCapacity) this.admissionWaiters.shift()?.();
      this.running++;
      this.execute(entry.job).then(entry.resolve, entry.reject).finally(() => {
        this.running--;
        this.completed++;
        this.pump();
      });
    }
  }

  private takePreview(): Entry<J, R> | undefined {
    const entry = this.preview;
    this.preview = undefined;
    return entry;
  }
}
