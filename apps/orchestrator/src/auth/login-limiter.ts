/** Failed logins per key (client address and user name) in a sliding minute. */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly maxPerMinute: number) {}

  /** Milliseconds until another attempt is allowed; 0 when it is allowed now. */
  retryAfterMs(key: string, nowMs = Date.now()): number {
    const recent = this.recent(key, nowMs);
    return recent.length < this.maxPerMinute ? 0 : recent[0] + 60_000 - nowMs;
  }

  fail(key: string, nowMs = Date.now()): void {
    this.failures.set(key, [...this.recent(key, nowMs), nowMs]);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, nowMs: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => nowMs - t < 60_000);
  }
}
