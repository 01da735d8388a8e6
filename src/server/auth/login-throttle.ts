// Failed-login rate limiting per client address (pgwire and HTTP share one): an address that
// fails `maxFailures` password checks within `windowMs` is locked out; every attempt from it is
// then refused at once, before any password exchange, until the lock-out ends. Each lock-out of
// the same address lasts twice the one before (up to `maxLockoutMs`), and a successful login
// from that address clears its record. Other addresses are never affected. Memory is bounded:
// at most `maxAddresses` records are kept, expired ones are dropped first, then the oldest.

export interface LoginThrottleOptions {
  /** failed password checks within the window that lock an address out (default 10) */
  maxFailures?: number;
  /** ms over which failures are counted (default 60 s) */
  windowMs?: number;
  /** the first lock-out, ms (default 1 s); each later one doubles */
  lockoutMs?: number;
  /** the longest lock-out, ms (default 5 min) */
  maxLockoutMs?: number;
  /** addresses remembered at once (default 10,000) */
  maxAddresses?: number;
  /** the clock (tests) */
  now?: () => number;
}

interface AddressRecord {
  /** times of recent failures, oldest first (at most maxFailures kept) */
  failures: number[];
  /** locked out until this time (0: not locked) */
  lockedUntil: number;
  /** lock-outs so far (the next one lasts lockoutMs * 2^lockouts) */
  lockouts: number;
  /** when this record stops mattering */
  expires: number;
}

export class LoginThrottle {
  readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly lockoutMs: number;
  private readonly maxLockoutMs: number;
  private readonly maxAddresses: number;
  private readonly now: () => number;
  private readonly records = new Map<string, AddressRecord>();

  constructor(options: LoginThrottleOptions = {}) {
    this.maxFailures = options.maxFailures ?? 10;
    this.windowMs = options.windowMs ?? 60_000;
    this.lockoutMs = options.lockoutMs ?? 1000;
    this.maxLockoutMs = options.maxLockoutMs ?? 300_000;
    this.maxAddresses = options.maxAddresses ?? 10_000;
    this.now = options.now ?? Date.now;
    if (!(this.maxFailures >= 1) || !(this.windowMs > 0) || !(this.lockoutMs > 0) || !(this.maxAddresses >= 1)) {
      throw new Error("invalid login throttle settings: failures, window, lock-out and addresses must be positive");
    }
  }

  /** ms until `address` may try again (0: it may try now). */
  retryAfter(address: string): number {
    const r = this.records.get(address);
    if (!r) return 0;
    const left = r.lockedUntil - this.now();
    return left > 0 ? left : 0;
  }

  /** A failed password check from `address`; returns the lock-out it started (ms), or 0. */
  failed(address: string): number {
    const now = this.now();
    let r = this.records.get(address);
    if (!r) {
      this.makeRoom(now);
      r = { failures: [], lockedUntil: 0, lockouts: 0, expires: 0 };
      this.records.set(address, r);
    }
    r.failures.push(now);
    while (r.failures.length > 0 && r.failures[0] <= now - this.windowMs) r.failures.shift();
    if (r.failures.length > this.maxFailures) r.failures.shift();
    let lockout = 0;
    if (r.failures.length >= this.maxFailures && r.lockedUntil <= now) {
      lockout = Math.min(this.maxLockoutMs, this.lockoutMs * 2 ** Math.min(r.lockouts, 30));
      r.lockouts++;
      r.lockedUntil = now + lockout;
      r.failures = [];
    }
    // the doubling is forgotten once the address has been quiet for a whole maximum lock-out
    r.expires = Math.max(r.lockedUntil, now + this.windowMs) + this.maxLockoutMs;
    return lockout;
  }

  /** A successful login from `address`: its record goes. */
  succeeded(address: string): void {
    this.records.delete(address);
  }

  /** addresses remembered now */
  get size(): number {
    return this.records.size;
  }

  private makeRoom(now: number): void {
    if (this.records.size < this.maxAddresses) return;
    for (const [a, r] of this.records) if (r.expires <= now) this.records.delete(a);
    // still full: forget the oldest (a Map iterates in insertion order)
    while (this.records.size >= this.maxAddresses) this.records.delete(this.records.keys().next().value as string);
  }
}
