// Slows password guessing at POST /api/login: an address with `maxFailures` failed logins inside
// `windowMs` is refused (429) until the oldest of them leaves the window. A success does not wipe
// the count (a guesser who knows one password cannot reset it to try another role's).

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly maxFailures = 10,
    readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** ms until `address` may try again (0: now). */
  retryAfterMs(address: string): number {
    const times = this.recent(address);
    return times.length < this.maxFailures ? 0 : times[0] + this.windowMs - this.now();
  }

  fail(address: string): void {
    const times = this.recent(address);
    times.push(this.now());
    this.failures.set(address, times);
    // a bound on memory: addresses whose failures are all old go
    if (this.failures.size > 10_000) for (const a of this.failures.keys()) if (this.recent(a).length === 0) this.failures.delete(a);
  }

  private recent(address: string): number[] {
    const cutoff = this.now() - this.windowMs;
    return (this.failures.get(address) ?? []).filter((t) => t > cutoff);
  }
}
