// When to try a failed model request again, how long to wait, and the waiting itself (abortable).
// Exponential backoff with "equal jitter" (half fixed, half random) so that retries of many rows
// spread out; a server's Retry-After is honoured as a lower bound, up to a cap beyond which we
// give up at once rather than hold a dataflow for minutes.

export interface RetryTiming {
  /** first backoff (doubles per attempt) */
  baseDelayMs: number;
  /** longest backoff */
  maxDelayMs: number;
  /** longest Retry-After we wait for; a longer one ends the retries */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_TIMING: RetryTiming = { baseDelayMs: 250, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };

/**
 * The wait before retry number `retry` (0 for the first retry), or undefined when the server asked
 * for a longer wait than `maxRetryAfterMs`.
 */
export function backoffDelay(retry: number, timing: RetryTiming, retryAfterMs: number | undefined, random: () => number = Math.random): number | undefined {
  const exp = Math.min(timing.maxDelayMs, timing.baseDelayMs * 2 ** retry);
  const jittered = exp / 2 + (random() * exp) / 2;
  if (retryAfterMs === undefined) return jittered;
  if (retryAfterMs > timing.maxRetryAfterMs) return undefined;
  return Math.max(retryAfterMs, Math.min(jittered, timing.maxRetryAfterMs));
}

/** Thrown by waits when their signal aborts. */
export class AbortedError extends Error {
  constructor() {
    super("aborted");
    this.name = "AbortedError";
  }
}

/** Waits `ms`, or rejects with AbortedError as soon as `signal` aborts (clearing its timer). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** A FIFO counting semaphore: at most `limit` holders at once; waiting is abortable. */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiters: { grant: () => void; signal?: AbortSignal; onAbort: () => void }[] = [];

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.active;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves with a release function once a slot is free. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new AbortedError());
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise<() => void>((resolve, reject) => {
      const waiter = {
        signal,
        grant: () => {
          signal?.removeEventListener("abort", waiter.onAbort);
          this.active++;
          resolve(this.releaser());
        },
        onAbort: () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(new AbortedError());
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.active--;
      const next = this.waiters.shift();
      if (next) next.grant();
    };
  }
}
