// Calls one model for a batch of rows — what EMBED()/GENERATE() and the async dataflow operator use.
//
// For a batch it: gives NULL for NULL inputs without a call; deduplicates equal inputs (same text and
// options); answers what it can from the cache; splits the rest into micro-batches of max_batch
// (embeddings; a generation is one request per prompt); sends them with at most max_concurrency
// requests in flight for this model (shared by every call on this ModelCaller); times each request
// out after timeout_ms; retries 429/5xx/timeouts/network errors up to max_retries times with
// exponential backoff and jitter, waiting at least what Retry-After asks; when a server rejects a
// whole micro-batch as bad input (400/413/422), halves it to find the bad rows so their neighbours
// still get answers; and returns one result per input, in input order:
//   { ok: true, value }   value null for NULL input (or text the embedded model has no word of)
//   { ok: false, error }  { code: SQLSTATE, message } — the message names the model, never the input
// With on_error = 'fail' the first failure stops the rest (they come back as skipped errors).
// Cancelling the caller's AbortSignal aborts requests in flight and rejects with 57014.

import { AiState, SqlError, SqlState, redact } from "./ai-errors.js";
import type { AiError } from "./ai-errors.js";
import { aiCacheKey } from "./ai-cache.js";
import type { AiCache, AiValue } from "./ai-cache.js";
import { ModelErrorLog, ModelMeter } from "./metering.js";
import type { ModelCounters } from "./metering.js";
import { hasPrice, modelFingerprint, tokenSpend } from "./model-registry.js";
import type { JsonValue, ModelDefinition, OnErrorPolicy } from "./model-registry.js";
import { createProvider } from "./providers/create-provider.js";
import type { ProviderEnvironment } from "./providers/create-provider.js";
import { ProviderError } from "./providers/provider.js";
import type { GenerateOptions, ModelProvider, TokenUsage } from "./providers/provider.js";
import { AbortedError, ConcurrencyLimit, DEFAULT_RETRY_TIMING, backoffDelay, sleep } from "./retry-policy.js";
import type { RetryTiming } from "./retry-policy.js";

/** A generated answer: text, or the parsed JSON when the call gave a json_schema. */
export type GeneratedValue = string | JsonValue;

/** The error of a row; `skipped` marks rows not attempted because another row failed (on_error = 'fail'). */
export interface RowError extends AiError {
  readonly skipped?: boolean;
}

export type CallResult<T> = { ok: true; value: T | null } | { ok: false; error: RowError };

export interface CallOptions {
  /** cancels the whole call: requests in flight are aborted and the promise rejects with 57014 */
  signal?: AbortSignal;
  /** the caller's AI budget (a role's ai.max_calls_per_minute / ai.max_tokens_per_day) */
  budget?: CallBudget;
}

/**
 * A budget model calls are charged to. Every input the model must compute (not NULL, not a cache
 * hit) is one call: `take` grants how many of them may go out now, and the rest fail with
 * `refusal`, as any failed row does (recorded in model_errors; NULL or an error by on_error).
 */
export interface CallBudget {
  take(calls: number): { granted: number; refusal?: AiError };
  /** tokens a request used (prompt + completion) */
  used(tokens: number): void;
}

export interface ModelCallerDeps extends Partial<ProviderEnvironment> {
  cache?: AiCache;
  meter?: ModelMeter;
  errorLog?: ModelErrorLog;
  /** backoff timing (tests shorten it) */
  retryTiming?: Partial<RetryTiming>;
  /** jitter source (default Math.random) */
  random?: () => number;
}

interface WorkItem {
  key: string;
  input: string;
  options?: GenerateOptions;
  rows: number[];
}

type Attempt<V> = { ok: true; value: V } | { ok: false; error: ProviderError } | { ok: false; skipped: true };

/** The state of one embed()/generate() call: its abort controller and fail-fast flag. */
class CallState {
  readonly controller = new AbortController();
  userCanceled = false;
  failedFast = false;
  private readonly onUserAbort = () => {
    this.userCanceled = true;
    this.controller.abort();
  };

  constructor(
    private readonly userSignal: AbortSignal | undefined,
    private readonly failFast: boolean,
  ) {
    userSignal?.addEventListener("abort", this.onUserAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  failed(): void {
    if (this.failFast && !this.failedFast) {
      this.failedFast = true;
      this.controller.abort();
    }
  }

  dispose(): void {
    this.userSignal?.removeEventListener("abort", this.onUserAbort);
  }
}

export function canceledError(): SqlError {
  return new SqlError(SqlState.QueryCanceled, "canceling statement due to user request");
}

export class ModelCaller {
  readonly definition: ModelDefinition;
  readonly fingerprint: string;
  private readonly provider: ModelProvider;
  private readonly limit: ConcurrencyLimit;
  private readonly cache?: AiCache;
  private readonly counters: ModelCounters;
  private readonly errorLog?: ModelErrorLog;
  private readonly timing: RetryTiming;
  private readonly random: () => number;

  constructor(def: ModelDefinition, deps: ModelCallerDeps = {}) {
    this.definition = def;
    this.fingerprint = modelFingerprint(def);
    this.provider = createProvider(def, deps);
    this.limit = new ConcurrencyLimit(def.maxConcurrency);
    this.cache = deps.cache;
    this.counters = (deps.meter ?? new ModelMeter()).counters(def.name);
    // a priced model shows 0 spend before its first answer; an unpriced one NULL
    if (hasPrice(def) && this.counters.spend === null) this.counters.spend = 0;
    this.errorLog = deps.errorLog;
    this.timing = { ...DEFAULT_RETRY_TIMING, ...deps.retryTiming };
    this.random = deps.random ?? Math.random;
  }

  /** Requests in flight and waiting for a slot (for the operator's backpressure and for tests). */
  get load(): { inFlight: number; waiting: number } {
    return { inFlight: this.limit.inUse, waiting: this.limit.waiting };
  }

  /** Embeds each input (NULL → null). Rejects only when canceled. */
  embed(inputs: readonly (string | null | undefined)[], opts: CallOptions = {}): Promise<CallResult<Float32Array>[]> {
    if (this.definition.task !== "embedding") return Promise.reject(this.wrongTask("embedding"));
    return this.run<Float32Array>("embedding", inputs, () => undefined, opts);
  }

  /**
   * Generates an answer for each prompt (NULL → null). `options` applies to all rows, or gives one
   * per row. With a json_schema the value is the parsed JSON. Rejects only when canceled.
   */
  generate(
    prompts: readonly (string | null | undefined)[],
    options?: GenerateOptions | readonly (GenerateOptions | null | undefined)[],
    opts: CallOptions = {},
  ): Promise<CallResult<GeneratedValue>[]> {
    if (this.definition.task !== "generation") return Promise.reject(this.wrongTask("generation"));
    const at = Array.isArray(options)
      ? (i: number) => (options as readonly (GenerateOptions | null | undefined)[])[i] ?? undefined
      : () => options as GenerateOptions | undefined;
    return this.run<GeneratedValue>("generation", prompts, at, opts);
  }

  private wrongTask(task: string): SqlError {
    return new SqlError(SqlState.WrongObjectType, `model "${this.definition.name}" is a ${this.definition.task} model, not a ${task} model`);
  }

  private async run<T extends AiValue>(
    task: "embedding" | "generation",
    inputs: readonly (string | null | undefined)[],
    optionsAt: (i: number) => GenerateOptions | undefined,
    opts: CallOptions,
  ): Promise<CallResult<T>[]> {
    if (opts.signal?.aborted) throw canceledError();
    const def = this.definition;
    const results = new Array<CallResult<T>>(inputs.length);
    const items = new Map<string, WorkItem>();
    let rows = 0;
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i];
      if (input === null || input === undefined) {
        results[i] = { ok: true, value: null };
        continue;
      }
      rows++;
      const options = optionsAt(i);
      const key = aiCacheKey(def.name, this.fingerprint, task, input, options);
      const item = items.get(key);
      if (item) item.rows.push(i);
      else items.set(key, { key, input, options, rows: [i] });
    }
    this.counters.rows += rows;

    let pending = [...items.values()];
    if (this.cache && pending.length > 0) {
      const cache = this.cache;
      const cached = await Promise.all(pending.map((it) => cache.get(it.key).catch(() => undefined)));
      const misses: WorkItem[] = [];
      pending.forEach((it, j) => {
        const v = cached[j];
        if (v === undefined) misses.push(it);
        else {
          this.counters.cacheHits += it.rows.length;
          this.fill(results, it, { ok: true, value: v as T });
        }
      });
      pending = misses;
    }
    if (opts.signal?.aborted) throw canceledError();

    const call = new CallState(opts.signal, def.onError === "fail");
    if (opts.budget && pending.length > 0) {
      const { granted, refusal } = opts.budget.take(pending.length);
      if (granted < pending.length) {
        this.failItems(results, pending.slice(granted), new ProviderError(refusal?.code ?? "53400", refusal?.message ?? "over the AI budget", false), call);
        pending = pending.slice(0, granted);
      }
    }
    const budget = opts.budget;
    try {
      if (task === "embedding") {
        const batches: WorkItem[][] = [];
        for (let i = 0; i < pending.length; i += def.maxBatch) batches.push(pending.slice(i, i + def.maxBatch));
        await Promise.all(batches.map((b) => this.embedBatch(b, call, results as CallResult<Float32Array>[], budget)));
      } else {
        await Promise.all(pending.map((it) => this.generateOne(it, call, results as CallResult<GeneratedValue>[], budget)));
      }
    } finally {
      call.dispose();
    }
    if (call.userCanceled) throw canceledError();
    return results;
  }

  private fill<T>(results: CallResult<T>[], item: WorkItem, result: CallResult<T>): void {
    for (const r of item.rows) results[r] = result.ok && result.value instanceof Float32Array && item.rows.length > 1 ? ({ ok: true, value: result.value.slice() } as CallResult<T>) : result;
  }

  private failItems(results: CallResult<unknown>[], items: readonly WorkItem[], error: ProviderError, call: CallState): void {
    const message = `model "${this.definition.name}": ${error.message}`;
    for (const it of items) {
      this.counters.errors += it.rows.length;
      this.errorLog?.record(this.definition.name, it.input, error.code, message);
      this.fill(results, it, { ok: false, error: { code: error.code, message } });
    }
    call.failed();
  }

  private skipItems(results: CallResult<unknown>[], items: readonly WorkItem[]): void {
    const error: RowError = {
      code: AiState.QueryCanceled,
      message: `model "${this.definition.name}": not attempted because another row failed (on_error = 'fail')`,
      skipped: true,
    };
    for (const it of items) this.fill(results, it, { ok: false, error });
  }

  private async embedBatch(items: WorkItem[], call: CallState, results: CallResult<Float32Array>[], budget?: CallBudget): Promise<void> {
    const texts = items.map((it) => it.input);
    const outcome = await this.attempt(call, texts, (ctx) => this.provider.embed(texts, ctx));
    if (!outcome.ok) {
      if ("skipped" in outcome) return this.skipItems(results, items);
      if (outcome.error.inputRejected && items.length > 1 && !call.signal.aborted) {
        const mid = Math.ceil(items.length / 2);
        await Promise.all([this.embedBatch(items.slice(0, mid), call, results, budget), this.embedBatch(items.slice(mid), call, results, budget)]);
        return;
      }
      return this.failItems(results, items, outcome.error, call);
    }
    this.addUsage(outcome.value.usage, budget);
    const dims = this.definition.dimensions;
    for (let j = 0; j < items.length; j++) {
      const v = outcome.value.vectors[j] ?? null;
      if (v !== null && dims !== undefined && v.length !== dims) {
        const err = new ProviderError(AiState.DataException, `the model returned a vector of ${v.length} dimensions, expected ${dims}`, false);
        this.failItems(results, [items[j]], err, call);
        continue;
      }
      if (this.cache) await this.cache.set(items[j].key, v).catch(() => undefined);
      this.fill(results, items[j], { ok: true, value: v });
    }
  }

  private async generateOne(item: WorkItem, call: CallState, results: CallResult<GeneratedValue>[], budget?: CallBudget): Promise<void> {
    const options = item.options ?? {};
    const outcome = await this.attempt(call, [item.input], (ctx) => this.provider.generate(item.input, options, ctx));
    if (!outcome.ok) {
      if ("skipped" in outcome) return this.skipItems(results, [item]);
      return this.failItems(results, [item], outcome.error, call);
    }
    this.addUsage(outcome.value.usage, budget);
    let value: GeneratedValue = outcome.value.text;
    if (options.jsonSchema !== undefined) {
      try {
        value = JSON.parse(outcome.value.text) as JsonValue;
      } catch {
        const err = new ProviderError(AiState.InvalidTextRepresentation, "the model's answer is not valid JSON although a json_schema was given", false);
        return this.failItems(results, [item], err, call);
      }
    }
    if (this.cache) await this.cache.set(item.key, value).catch(() => undefined);
    this.fill(results, item, { ok: true, value });
  }

  private addUsage(usage: TokenUsage | undefined, budget?: CallBudget): void {
    if (!usage) return;
    budget?.used(usage.promptTokens + usage.completionTokens);
    this.counters.promptTokens += usage.promptTokens;
    this.counters.completionTokens += usage.completionTokens;
    if (hasPrice(this.definition)) this.counters.spend = (this.counters.spend ?? 0) + tokenSpend(this.definition, usage.promptTokens, usage.completionTokens);
  }

  /** One request with its retries. Never rejects. */
  private async attempt<V>(call: CallState, inputs: readonly string[], send: (ctx: { signal: AbortSignal }) => Promise<V>): Promise<Attempt<V>> {
    const def = this.definition;
    for (let retry = 0; ; retry++) {
      if (call.signal.aborted) return { ok: false, skipped: true };
      let release: () => void;
      try {
        release = await this.limit.acquire(call.signal);
      } catch {
        return { ok: false, skipped: true };
      }
      const request = new AbortController();
      let timedOut = false;
      const onCallAbort = () => request.abort();
      call.signal.addEventListener("abort", onCallAbort, { once: true });
      const timer = this.provider.remote
        ? setTimeout(() => {
            timedOut = true;
            request.abort();
          }, def.timeoutMs)
        : undefined;
      const t0 = performance.now();
      this.counters.requests++;
      this.counters.inFlight++;
      let error: ProviderError;
      try {
        const value = await send({ signal: request.signal });
        this.counters.calls++;
        return { ok: true, value };
      } catch (e) {
        if (call.signal.aborted && !timedOut) return { ok: false, skipped: true };
        error = timedOut
          ? new ProviderError(AiState.QueryCanceled, `model call timed out after ${def.timeoutMs} ms`, true)
          : this.asProviderError(e, inputs);
      } finally {
        this.counters.recordLatency(performance.now() - t0);
        this.counters.inFlight--;
        if (timer) clearTimeout(timer);
        call.signal.removeEventListener("abort", onCallAbort);
        release();
      }
      if (!error.retryable || retry >= def.maxRetries) return { ok: false, error: this.final(error, retry) };
      const delay = backoffDelay(retry, this.timing, error.retryAfterMs, this.random);
      if (delay === undefined) {
        const secs = Math.ceil((error.retryAfterMs ?? 0) / 1000);
        return { ok: false, error: new ProviderError(error.code, `${error.message} (the server asked to wait ${secs} s; gave up)`, false, error.retryAfterMs, error.status) };
      }
      this.counters.retries++;
      try {
        await sleep(delay, call.signal);
      } catch (e) {
        if (e instanceof AbortedError) return { ok: false, skipped: true };
        throw e;
      }
    }
  }

  private final(error: ProviderError, retries: number): ProviderError {
    if (!error.retryable || retries === 0) return error;
    return new ProviderError(error.code, `${error.message} (after ${retries + 1} attempts)`, false, error.retryAfterMs, error.status);
  }

  private asProviderError(e: unknown, inputs: readonly string[]): ProviderError {
    if (e instanceof ProviderError) return e;
    const message = e instanceof Error ? e.message : String(e);
    return new ProviderError(SqlState.InternalError, `internal error in the model provider: ${redact(message, [this.definition.apiKey], inputs)}`, false);
  }
}

/**
 * Applies a model's on_error policy to a call's results: 'null' turns errors into NULL (they are
 * already counted and logged); 'fail' raises the first real error as a SqlError.
 */
export function applyErrorPolicy<T>(results: readonly CallResult<T>[], onError: OnErrorPolicy): (T | null)[] {
  if (onError === "fail") {
    let first: RowError | undefined;
    for (const r of results) {
      if (!r.ok && (!first || (first.skipped && !r.error.skipped))) first = r.error;
      if (first && !first.skipped) break;
    }
    if (first) throw new SqlError(first.code, first.message);
  }
  return results.map((r) => (r.ok ? r.value : null));
}
