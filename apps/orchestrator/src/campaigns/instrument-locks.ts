/**
 * How long a release waits at most for the next holder's command to reach the instrument. The next
 * holder may be paused at its checkpoint; the one passing the instrument on must not wait for that.
 */
const HANDOFF_WAIT_MS = 20;

/** An instrument held by one experiment. */
export interface Turn {
  /**
   * Pass the instrument on. Resolves once the next holder's command is on the instrument (see
   * `underway`), at once when nobody waits, and after HANDOFF_WAIT_MS at the latest: the work that
   * follows a release (storing, segmenting) then does not hold up that command on its way.
   */
  release(): Promise<void>;
  /** This holder's command is on the instrument, or will not be sent: whoever passed it on goes on. */
  underway(): void;
}

interface Holder {
  grant: () => void;
  underway: () => void;
  isUnderway: Promise<void>;
}

/**
 * One experiment at a time per instrument, first come first served. Experiments in flight
 * together take turns on each instrument; since every experiment of a campaign walks the same
 * workflow, they take their locks in the same order and cannot deadlock.
 */
export class InstrumentLocks {
  private readonly queues = new Map<string, Holder[]>();

  /** True while someone holds the instrument: an `acquire` now would wait. */
  busy(instrumentId: string): boolean {
    return (this.queues.get(instrumentId)?.length ?? 0) > 0;
  }

  /** Resolves once the instrument is this caller's. */
  async acquire(instrumentId: string): Promise<Turn> {
    const queue = this.queues.get(instrumentId) ?? [];
    this.queues.set(instrumentId, queue);
    let grant!: () => void;
    const granted = new Promise<void>((resolve) => (grant = resolve));
    let underway!: () => void;
    const isUnderway = new Promise<void>((resolve) => (underway = resolve));
    const holder: Holder = { grant, underway, isUnderway };
    queue.push(holder);
    if (queue.length === 1) grant();
    await granted;
    let released = false;
    return {
      underway,
      release: async () => {
        if (released) return;
        released = true;
        queue.shift();
        const next = queue[0];
        if (!next) {
          this.queues.delete(instrumentId);
          return;
        }
        next.grant();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([next.isUnderway, new Promise<void>((resolve) => (timer = setTimeout(resolve, HANDOFF_WAIT_MS)))]);
        clearTimeout(timer);
      },
    };
  }
}
