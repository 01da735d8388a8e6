// Per-model counters (calls, rows, tokens, spend, cache hits, errors, retries, latency percentiles) and the
// ring buffer of recent failures behind sage_catalog.model_errors. Nothing here holds an input or a
// secret: failures are recorded with a hash of the input and a message that was already redacted.

import { createHash } from "node:crypto";

export interface ModelMetricsSnapshot {
  model: string;
  /** requests sent to the provider (each attempt counts) */
  requests: number;
  /** provider calls that succeeded */
  calls: number;
  /** non-NULL input rows asked for (cache hits included) */
  rows: number;
  /** rows answered from the cache */
  cacheHits: number;
  /** rows whose final answer was an error */
  errors: number;
  /** attempts repeated after a retryable failure */
  retries: number;
  promptTokens: number;
  completionTokens: number;
  /** tokens × the model's prices, in the price's currency unit; null while the model has no price */
  spend: number | null;
  /** request latency over the recent window, in milliseconds */
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  latencySamples: number;
  inFlight: number;
}

const LATENCY_WINDOW = 1024;

/** Mutable counters of one model (the ModelCaller writes them; read them through snapshot()). */
export class ModelCounters {
  requests = 0;
  calls = 0;
  rows = 0;
  cacheHits = 0;
  errors = 0;
  retries = 0;
  promptTokens = 0;
  completionTokens = 0;
  /** stays null until a priced definition of the model is in use (see ModelCaller) */
  spend: number | null = null;
  inFlight = 0;
  readonly latencies = new Float64Array(LATENCY_WINDOW);
  latencyCount = 0;

  recordLatency(ms: number): void {
    this.latencies[this.latencyCount % LATENCY_WINDOW] = ms;
    this.latencyCount++;
  }
}

/** Nearest-rank percentile of a sample. */
export function percentile(values: ArrayLike<number>, p: number): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export class ModelMeter {
  private readonly byModel = new Map<string, ModelCounters>();

  /** The counters of one model (created on first use); the ModelCaller updates them. */
  counters(model: string): ModelCounters {
    let c = this.byModel.get(model);
    if (!c) {
      c = new ModelCounters();
      this.byModel.set(model, c);
    }
    return c;
  }

  snapshot(): ModelMetricsSnapshot[] {
    return [...this.byModel.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([model, c]) => {
        const n = Math.min(c.latencyCount, LATENCY_WINDOW);
        const sample = c.latencies.subarray(0, n);
        return {
          model,
          requests: c.requests,
          calls: c.calls,
          rows: c.rows,
          cacheHits: c.cacheHits,
          errors: c.errors,
          retries: c.retries,
          promptTokens: c.promptTokens,
          completionTokens: c.completionTokens,
          spend: c.spend,
          latencyP50Ms: percentile(sample, 50),
          latencyP99Ms: percentile(sample, 99),
          latencySamples: n,
          inFlight: c.inFlight,
        };
      });
  }

  /** Forgets a model's counters (DROP MODEL). */
  forget(model: string): void {
    this.byModel.delete(model);
  }
}

/** One row of sage_catalog.model_errors. */
export interface ModelErrorRecord {
  model: string;
  /** first 16 hex digits of SHA-256 of the input: enough to correlate, not to recover it */
  inputHash: string;
  code: string;
  message: string;
  time: Date;
}

export function inputHash(input: string): string {
  return createHash("sha256").update(input).digest("hex").slice(0, 16);
}

/** The most recent failures, oldest first, bounded (default 1,000). */
export class ModelErrorLog {
  private readonly ring: (ModelErrorRecord | undefined)[];
  private next = 0;
  private total = 0;

  constructor(readonly capacity = 1000) {
    this.ring = new Array<ModelErrorRecord | undefined>(capacity);
  }

  record(model: string, input: string, code: string, message: string, time = new Date()): void {
    this.ring[this.next] = { model, inputHash: inputHash(input), code, message, time };
    this.next = (this.next + 1) % this.capacity;
    this.total++;
  }

  /** failures recorded since start (including those the ring has dropped) */
  get count(): number {
    return this.total;
  }

  recent(): ModelErrorRecord[] {
    const out: ModelErrorRecord[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const r = this.ring[(this.next + i) % this.capacity];
      if (r) out.push(r);
    }
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
  }
}
