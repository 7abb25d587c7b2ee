/** What a technician asked the running campaign to do; the runner acts on it at checkpoints. */
export type ControlRequest = 'none' | 'pause' | 'stop' | 'abort';

export class CampaignAborted extends Error {
  override readonly name = 'CampaignAborted';
}

/**
 * Pause, stop-after-current and abort for one campaign run. Checkpoints sit between workflow
 * steps: a pause waits there, an abort throws there, a stop lets the current experiment finish.
 */
export class RunControl {
  private request: ControlRequest = 'none';
  private resumeWaiters: (() => void)[] = [];
  private abortListeners: (() => void)[] = [];

  get requested(): ControlRequest {
    return this.request;
  }

  pause(): void {
    if (this.request === 'none') this.request = 'pause';
  }

  resume(): void {
    if (this.request !== 'pause') return;
    this.request = 'none';
    this.resumeWaiters.splice(0).forEach((wake) => wake());
  }

  stopAfterCurrent(): void {
    if (this.request === 'none' || this.request === 'pause') this.request = 'stop';
    this.resumeWaiters.splice(0).forEach((wake) => wake());
  }

  abort(): void {
    this.request = 'abort';
    this.resumeWaiters.splice(0).forEach((wake) => wake());
    this.abortListeners.splice(0).forEach((listener) => listener());
  }

  /** Called once when an abort arrives (e.g. to cancel the command in flight). */
  onAbort(listener: () => void): () => void {
    if (this.request === 'abort') listener();
    else this.abortListeners.push(listener);
    return () => {
      this.abortListeners = this.abortListeners.filter((l) => l !== listener);
    };
  }

  /** Wait here while paused; throw if aborted. */
  async checkpoint(onPaused?: () => void): Promise<void> {
    if (this.request === 'pause') {
      onPaused?.();
      await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
    }
    if (this.request === 'abort') throw new CampaignAborted('aborted by request');
  }
}
