/** What a technician asked the running campaign to do; the runner acts on it at checkpoints. */
export type ControlRequest = 'none' | 'pause' | 'stop' | 'abort';

export class CampaignAborted extends Error {
  override readonly name = 'CampaignAborted';
}

/**
 * Pause, pause-now, stop-after-current and abort for one campaign run. Checkpoints sit between
 * workflow steps: a pause waits there, an abort throws there, a stop lets the current experiment
 * finish. Pause-now and abort also interrupt the command in flight; after a pause-now the
 * interrupted step runs again from its checkpoint.
 */
export class RunControl {
  private request: ControlRequest = 'none';
  private rewind = false;
  private resumeWaiters: (() => void)[] = [];
  private interruptListeners = new Set<() => void>();

  get requested(): ControlRequest {
    return this.request;
  }

  /** True when the step in flight was interrupted by pause-now and must run again. */
  get rewinding(): boolean {
    return this.rewind;
  }

  pause(): void {
    if (this.request === 'none') this.request = 'pause';
  }

  /** Pause at once: interrupt the step in flight; on resume it runs again from its checkpoint. */
  pauseNow(): void {
    if (this.request !== 'none' && this.request !== 'pause') return;
    this.request = 'pause';
    this.rewind = true;
    this.interruptListeners.forEach((listener) => listener());
  }

  resume(): void {
    if (this.request !== 'pause') return;
    this.request = 'none';
    this.wake();
  }

  stopAfterCurrent(): void {
    if (this.request === 'none' || this.request === 'pause') this.request = 'stop';
    this.wake();
  }

  abort(): void {
    this.request = 'abort';
    this.wake();
    this.interruptListeners.forEach((listener) => listener());
  }

  /** Called on pause-now or abort while registered (to cancel the command in flight). */
  onInterrupt(listener: () => void): () => void {
    if (this.request === 'abort') listener();
    else this.interruptListeners.add(listener);
    return () => this.interruptListeners.delete(listener);
  }

  /** Wait here while paused; throw if aborted. A stop lets the caller go on (it ends after the experiment). */
  async checkpoint(onPaused?: () => void, onResumed?: () => void): Promise<void> {
    if (this.request === 'pause') {
      onPaused?.();
      await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
      this.rewind = false;
      onResumed?.();
    }
    if (this.request === 'abort') throw new CampaignAborted('aborted by request');
  }

  private wake(): void {
    this.resumeWaiters.splice(0).forEach((wake) => wake());
  }
}
