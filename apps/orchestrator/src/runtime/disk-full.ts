/** Error codes of a full disk or quota, from Node's fs and from SQLite. */
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DISK_FULL_CODES.has(code);
}

export interface DiskFullHooks {
  /** The disk is full: called once, when a write first fails. */
  full(error: Error): void;
  /** A write went through again after `full`. */
  cleared(): void;
}

/**
 * Run a write; while the disk is full, say so once and try again every `retryMs` until it goes
 * through. The data waits in memory meanwhile: a measurement the instrument has made is never
 * dropped for want of space. Any other error is thrown at once.
 */
export async function writeWhenSpace<T>(write: () => Promise<T>, hooks: DiskFullHooks, retryMs = 2000): Promise<T> {
  let waiting = false;
  for (;;) {
    try {
      const result = await write();
      if (waiting) hooks.cleared();
      return result;
    } catch (error) {
      if (!isDiskFull(error)) throw error;
      if (!waiting) hooks.full(error as Error);
      waiting = true;
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }
}
