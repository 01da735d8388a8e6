// EMBED() and GENERATE() for the engine: the AI runtime of this database, the embedded model
// answering synchronously inside expression kernels, and the fetch-and-rerun loop that serves
// remote models in ad-hoc statements: a pass runs the query, every model input it could not
// answer is recorded, the missing inputs are fetched in batches (deduplicated, cached, retried,
// with the model's error policy), and the query runs again until nothing is missing.

import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AiRuntime,
  applyErrorPolicy,
  EMBEDDED_MODEL_NAME,
  ANSWER_CACHE_FILE,
  PersistentAiCache,
  SentenceEmbedder,
  loadGloveModel,
  modelFromSqlOptions,
  parseGenerateOptions,
  type GenerateOptions,
  type OnErrorPolicy,
  type CallBudget,
} from "./ai/index.js";
import type { Catalog } from "./catalog/index.js";
import type { AiLookup, AsyncModelCalls } from "./executor/index.js";
import { SqlError, SqlState } from "./types/index.js";

/** More fetch-and-rerun passes than this means model outputs feed model inputs too deeply. */
const MAX_PASSES = 8;

interface Missing {
  kind: "embed" | "generate";
  model: string;
  options: string | null;
  inputs: Set<string>;
}

/** One statement's view of the models: answers what it can, records what it cannot. */
export class ModelPass implements AiLookup {
  readonly known = new Map<string, unknown>();
  missing = new Map<string, Missing>();

  constructor(
    private readonly models: ModelFunctions,
    /** SET ai.on_error: overrides the models' own policy */
    private readonly onError?: OnErrorPolicy,
    /** the session role's AI budget (see ai-budget.ts) */
    private readonly budget?: CallBudget,
  ) {}

  lookup(kind: "embed" | "generate", model: string, input: string, options: string | null): unknown {
    if (kind === "embed" && model === EMBEDDED_MODEL_NAME) return this.models.embedLocally(input);
    const key = `${kind}\u0000${model}\u0000${options ?? ""}\u0000${input}`;
    if (this.known.has(key)) return this.known.get(key);
    const group = `${kind}\u0000${model}\u0000${options ?? ""}`;
    let m = this.missing.get(group);
    if (!m) {
      m = { kind, model, options, inputs: new Set() };
      this.missing.set(group, m);
    }
    m.inputs.add(input);
    return undefined;
  }

  /** Fetches every missing input; afterwards they are known. */
  async fetchMissing(signal?: AbortSignal): Promise<void> {
    const groups = [...this.missing.values()];
    this.missing = new Map();
    await Promise.all(
      groups.map(async (g) => {
        const inputs = [...g.inputs];
        const rt = this.models.runtime;
        const policy = this.onError ?? rt.caller(g.model, g.kind === "embed" ? "embedding" : "generation").definition.onError;
        const values =
          g.kind === "embed"
            ? applyErrorPolicy(await rt.embed(g.model, inputs, { signal, budget: this.budget }), policy)
            : applyErrorPolicy(await rt.generate(g.model, inputs, g.options === null ? undefined : parseGenerateOptions(g.options), { signal, budget: this.budget }), policy);
        inputs.forEach((input, i) => {
          const v = values[i];
          this.known.set(`${g.kind}\u0000${g.model}\u0000${g.options ?? ""}\u0000${input}`, v !== null && typeof v === "object" && !(v instanceof Float32Array) ? JSON.stringify(v) : v);
        });
      }),
    );
  }
}

export class ModelFunctions {
  readonly runtime: AiRuntime;
  readonly cacheDir: string;
  private embedder: SentenceEmbedder | null = null;
  private loading: Promise<void> | null = null;

  private readonly answerCache: PersistentAiCache | null;
  /** each model's WITH options, to rebuild it when a secret it uses is replaced */
  private readonly optionsOf = new Map<string, Record<string, string>>();

  constructor(
    private readonly catalog: Catalog,
    dataDir: string | undefined,
    /** opens a CREATE SECRET value by name (undefined: no such secret) */
    private readonly secret: (name: string) => string | undefined = () => undefined,
  ) {
    // the embedded model's binary cache: in the data directory, or shared in the temp dir for --memory
    this.cacheDir = dataDir ? join(dataDir, "ai") : join(tmpdir(), "sage-sql-ai");
    // answers persist in the data directory (a restart starts warm); --memory keeps the LRU only
    this.answerCache = dataDir ? new PersistentAiCache(join(this.cacheDir, ANSWER_CACHE_FILE)) : null;
    this.runtime = new AiRuntime({ dataDir: this.cacheDir, cache: this.answerCache ?? undefined });
    catalog.models.set(EMBEDDED_MODEL_NAME, { name: EMBEDDED_MODEL_NAME, task: "embedding", provider: "local", dimensions: 100, isDefault: false });
  }

  /** Closes the answer cache file. */
  close(): void {
    this.answerCache?.close();
  }

  /** Loads the embedded model (first use builds its cache, a few seconds; later loads take ~0.2 s). */
  async ensureEmbedded(): Promise<void> {
    if (this.embedder) return;
    this.loading ??= loadGloveModel({ dataDir: this.cacheDir }).then((r) => {
      this.embedder = new SentenceEmbedder(r.model);
    });
    try {
      await this.loading;
    } catch (e) {
      this.loading = null;
      throw new SqlError(SqlState.ObjectNotInPrerequisiteState, `the embedded model could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  embedLocally(text: string): Float32Array | null {
    if (!this.embedder) throw new SqlError(SqlState.ObjectNotInPrerequisiteState, "the embedded model is not loaded");
    return this.embedder.embed(text);
  }

  /** A lookup for continuous queries: the embedded model only (remote calls need the async operator). */
  readonly streamingLookup: AiLookup = {
    lookup: (kind, model, input) => {
      if (kind === "embed" && model === EMBEDDED_MODEL_NAME) return this.embedLocally(input);
      throw new SqlError(SqlState.FeatureNotSupported, `${kind.toUpperCase()}() with model "${model}" is not supported in continuous queries yet`);
    },
  };

  /**
   * Remote model calls for continuous queries (the async AI map operator): batches of rows through
   * the model's caller (dedup, cache, batching, concurrency, retries), its error policy applied —
   * or `onError` when the session set ai.on_error.
   */
  asyncCalls(onError?: OnErrorPolicy, budget?: CallBudget): AsyncModelCalls {
    return {
      call: async (kind, model, inputs, options, signal) => {
        const caller = this.runtime.caller(model, kind === "embed" ? "embedding" : "generation");
        const policy = onError ?? caller.definition.onError;
        if (kind === "embed") return applyErrorPolicy(await caller.embed(inputs, { signal, budget }), policy);
        // each distinct options text is parsed once
        const parsed = new Map<string, GenerateOptions>();
        const perRow = options.map((o) => {
          if (o === null) return undefined;
          let p = parsed.get(o);
          if (p === undefined) {
            p = parseGenerateOptions(o);
            parsed.set(o, p);
          }
          return p;
        });
        const values = applyErrorPolicy(await caller.generate(inputs, perRow, { signal, budget }), policy);
        // structured output (json_schema) is carried as its JSON text
        return values.map((v) => (v !== null && typeof v === "object" ? JSON.stringify(v) : v));
      },
      batchSize: (model) => this.runtime.registry.get(model).maxBatch,
    };
  }

  /** Runs `run` with a pass; fetches what it missed and runs it again, until complete. */
  async withModels<T>(run: (lookup: AiLookup) => T | Promise<T>, signal?: AbortSignal, onError?: OnErrorPolicy, budget?: CallBudget): Promise<T> {
    const pass = new ModelPass(this, onError, budget);
    for (let i = 0; ; i++) {
      const result = await run(pass);
      if (pass.missing.size === 0) return result;
      if (i + 1 >= MAX_PASSES) throw new SqlError(SqlState.StatementTooComplex, "model calls nest too deeply (model outputs feeding model inputs)");
      await pass.fetchMissing(signal);
    }
  }

  /** CREATE MODEL name WITH (...) */
  create(name: string, options: Record<string, string>, flags: { orReplace: boolean; ifNotExists: boolean }, text?: string): boolean {
    if (options.api_key !== undefined) {
      throw new SqlError(SqlState.InvalidParameterValue, "a literal api_key would be stored in the log and the catalog: give api_key = SECRET name or api_key_env = 'ENV_VAR_NAME' instead", { hint: "CREATE SECRET name WITH (value = '...') stores the key encrypted." });
    }
    if (this.catalog.models.has(name) && flags.ifNotExists) return false;
    if (name === EMBEDDED_MODEL_NAME) throw new SqlError(SqlState.DuplicateObject, `model "${name}" is built in`);
    const { definition, makeDefault } = modelFromSqlOptions(name, options, { env: process.env, secret: this.secret });
    this.runtime.registry.create(definition, { orReplace: flags.orReplace, ifNotExists: flags.ifNotExists, makeDefault });
    if (makeDefault) for (const m of this.catalog.models.values()) if (m.task === definition.task) m.isDefault = false;
    this.catalog.models.set(name, { name, task: definition.task, provider: definition.provider, dimensions: definition.dimensions ?? undefined, definition: text, isDefault: makeDefault });
    this.optionsOf.set(name, options);
    return true;
  }

  /** Models whose api_key is `SECRET name`. */
  modelsUsingSecret(name: string): string[] {
    return [...this.optionsOf.entries()].filter(([, o]) => o.api_key_secret === name).map(([m]) => m);
  }

  /** A secret was replaced: the models using it are rebuilt with its new value. */
  secretChanged(name: string): void {
    for (const model of this.modelsUsingSecret(name)) {
      const options = this.optionsOf.get(model)!;
      const { definition } = modelFromSqlOptions(model, options, { env: process.env, secret: this.secret });
      this.runtime.registry.create(definition, { orReplace: true, ifNotExists: false, makeDefault: this.catalog.models.get(model)?.isDefault ?? false });
    }
  }

  drop(name: string, ifExists: boolean): boolean {
    if (name === EMBEDDED_MODEL_NAME) throw new SqlError(SqlState.DependentObjectsStillExist, `model "${name}" is built in and cannot be dropped`);
    if (!this.catalog.models.has(name)) {
      if (ifExists) return false;
      throw new SqlError(SqlState.UndefinedObject, `model "${name}" does not exist`);
    }
    this.runtime.dropModel(name, { ifExists });
    this.catalog.models.delete(name);
    this.optionsOf.delete(name);
    return true;
  }
}
