// One database's AI services in one object: the model registry, a ModelCaller per model (so that
// max_concurrency is shared by every statement using the model), the answer cache, the meters and
// the error log. This is what the SQL layer holds; EMBED()/GENERATE() and the async operator call
// embed()/generate() here, SHOW MODELS reads describe(), sage_catalog.model_errors reads errors().

import type { AiCache } from "./ai-cache.js";
import { LruAiCache } from "./ai-cache.js";
import { ModelCaller, applyErrorPolicy } from "./model-caller.js";
import type { CallOptions, CallResult, GeneratedValue } from "./model-caller.js";
import { ModelErrorLog, ModelMeter } from "./metering.js";
import type { ModelErrorRecord, ModelMetricsSnapshot } from "./metering.js";
import { ModelRegistry, modelFingerprint } from "./model-registry.js";
import type { ModelDefinition, ModelDescription, ModelTask } from "./model-registry.js";
import type { ProviderEnvironment } from "./providers/create-provider.js";
import type { GenerateOptions } from "./providers/provider.js";
import type { RetryTiming } from "./retry-policy.js";

export interface AiRuntimeOptions extends ProviderEnvironment {
  /** answer cache (default: an in-memory LRU of 100,000 entries) */
  cache?: AiCache;
  registry?: ModelRegistry;
  /** size of the error ring buffer (default 1,000) */
  errorLogCapacity?: number;
  retryTiming?: Partial<RetryTiming>;
}

export class AiRuntime {
  readonly registry: ModelRegistry;
  readonly cache: AiCache;
  readonly meter = new ModelMeter();
  readonly errorLog: ModelErrorLog;
  private readonly callers = new Map<string, { identity: string; caller: ModelCaller }>();

  constructor(private readonly options: AiRuntimeOptions) {
    this.registry = options.registry ?? new ModelRegistry();
    this.cache = options.cache ?? new LruAiCache();
    this.errorLog = new ModelErrorLog(options.errorLogCapacity ?? 1000);
  }

  /** The caller of a model (by name, or the default model of `task` when name is undefined). */
  caller(name: string | undefined, task: ModelTask): ModelCaller {
    const def = name === undefined ? this.registry.defaultModel(task) : this.registry.get(name, task);
    return this.callerFor(def);
  }

  /** The caller of a definition; a changed definition (CREATE OR REPLACE) gets a fresh caller. */
  callerFor(def: ModelDefinition): ModelCaller {
    const identity = `${modelFingerprint(def)}|${def.maxConcurrency}|${def.maxBatch}|${def.timeoutMs}|${def.maxRetries}|${def.onError}|${def.apiKey ?? ""}|${def.pricePer1kInputTokens ?? ""}|${def.pricePer1kOutputTokens ?? ""}`;
    const known = this.callers.get(def.name);
    if (known && known.identity === identity) return known.caller;
    const caller = new ModelCaller(def, { ...this.options, cache: this.cache, meter: this.meter, errorLog: this.errorLog });
    this.callers.set(def.name, { identity, caller });
    return caller;
  }

  /** EMBED over a batch: per-row results (see ModelCaller.embed). */
  async embed(model: string | undefined, inputs: readonly (string | null | undefined)[], opts?: CallOptions): Promise<CallResult<Float32Array>[]> {
    return this.caller(model, "embedding").embed(inputs, opts);
  }

  /** GENERATE over a batch: per-row results (see ModelCaller.generate). */
  async generate(
    model: string | undefined,
    prompts: readonly (string | null | undefined)[],
    options?: GenerateOptions | readonly (GenerateOptions | null | undefined)[],
    opts?: CallOptions,
  ): Promise<CallResult<GeneratedValue>[]> {
    return this.caller(model, "generation").generate(prompts, options, opts);
  }

  /** EMBED with the model's on_error policy applied: values or NULLs, or a thrown SqlError. */
  async embedValues(model: string | undefined, inputs: readonly (string | null | undefined)[], opts?: CallOptions): Promise<(Float32Array | null)[]> {
    const caller = this.caller(model, "embedding");
    return applyErrorPolicy(await caller.embed(inputs, opts), caller.definition.onError);
  }

  /** GENERATE with the model's on_error policy applied. */
  async generateValues(
    model: string | undefined,
    prompts: readonly (string | null | undefined)[],
    options?: GenerateOptions | readonly (GenerateOptions | null | undefined)[],
    opts?: CallOptions,
  ): Promise<(GeneratedValue | null)[]> {
    const caller = this.caller(model, "generation");
    return applyErrorPolicy(await caller.generate(prompts, options, opts), caller.definition.onError);
  }

  /** DROP MODEL: forgets its caller and counters too. */
  dropModel(name: string, opts: { ifExists?: boolean } = {}): boolean {
    const dropped = this.registry.drop(name, opts);
    if (dropped) {
      this.callers.delete(name);
      this.meter.forget(name);
    }
    return dropped;
  }

  describe(): ModelDescription[] {
    return this.registry.describe();
  }

  metrics(): ModelMetricsSnapshot[] {
    return this.meter.snapshot();
  }

  errors(): ModelErrorRecord[] {
    return this.errorLog.recent();
  }
}
