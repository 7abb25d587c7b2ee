/**
 * One experiment at a time per instrument, first come first served. Experiments in flight
 * together take turns on each instrument; since every experiment of a campaign walks the same
 * workflow, they take their locks in the same order and cannot deadlock.
 */
export class InstrumentLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Resolves once the instrument is this caller's; call the returned function to pass it on. */
  async acquire(instrumentId: string): Promise<() => void> {
    const previous = this.tails.get(instrumentId) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(instrumentId, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(instrumentId) === tail) this.tails.delete(instrumentId);
    };
  }
}
