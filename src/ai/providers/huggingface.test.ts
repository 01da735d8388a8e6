// The Hugging Face provider (@huggingface/inference) against a real local server speaking Text
// Embeddings Inference (POST / and /embed) and TGI's OpenAI-style chat.

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LruAiCache } from "../ai-cache.js";
import { ModelErrorLog, ModelMeter } from "../metering.js";
import { ModelCaller } from "../model-caller.js";
import { defineModel } from "../model-registry.js";
import type { ModelDefinitionInput } from "../model-registry.js";
import { ModelTestServer, testVector } from "../testing/model-test-server.js";

const TOKEN = "hf_testTOKEN0123456789abcdefghij";
const FAST = { baseDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 5_000 };

let server: ModelTestServer;
beforeAll(async () => {
  server = await ModelTestServer.start("tei", 6);
});
afterAll(async () => {
  await server.close();
});
afterEach(() => server.reset());

function caller(over: Partial<ModelDefinitionInput> = {}, cache?: LruAiCache) {
  const def = defineModel({
    name: "tei",
    provider: "huggingface",
    task: "embedding",
    endpoint: server.url,
    apiKey: TOKEN,
    dimensions: 6,
    maxBatch: 3,
    maxConcurrency: 2,
    timeoutMs: 2_000,
    maxRetries: 2,
    ...over,
  });
  const meter = new ModelMeter();
  const errorLog = new ModelErrorLog();
  return { c: new ModelCaller(def, { meter, errorLog, cache, retryTiming: FAST }), meter, errorLog };
}

describe("Hugging Face feature extraction (TEI)", () => {
  it("posts {inputs} to the endpoint in micro-batches, with the token, in order", async () => {
    const { c, meter } = caller({ options: { truncate: true } });
    const inputs = ["alpha", "beta", "gamma", "delta", "epsilon"];
    const res = await c.embed(inputs);
    expect(server.embeddingBatches()).toEqual([
      ["alpha", "beta", "gamma"],
      ["delta", "epsilon"],
    ]);
    expect(server.requests[0].path).toBe("/");
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.requests[0].body).toMatchObject({ truncate: true });
    res.forEach((r, i) => expect(r.ok && Array.from(r.value!)).toEqual(Array.from(Float32Array.from(testVector(inputs[i], 6)))));
    expect(meter.snapshot()[0]).toMatchObject({ requests: 2, calls: 2, rows: 5 });
  });

  it("works with an endpoint ending in /embed", async () => {
    const { c } = caller({ endpoint: `${server.url}/embed` });
    const res = await c.embed(["one"]);
    expect(res[0].ok).toBe(true);
    expect(server.requests[0].path).toBe("/embed");
  });

  it("does not let the client retry 503 forever: our retries are bounded and honour Retry-After", async () => {
    const { c } = caller({ maxRetries: 2 });
    server.script(
      { status: 503, headers: { "retry-after": "0.2" }, body: JSON.stringify({ error: "Model is loading", error_type: "overloaded" }) },
      { status: 503, body: JSON.stringify({ error: "Model is loading" }) },
      { status: 503, body: JSON.stringify({ error: "Model is loading" }) },
      { status: 503, body: JSON.stringify({ error: "Model is loading" }) },
    );
    const res = await c.embed(["loading"]);
    expect(server.requests.length).toBe(3);
    expect(server.requests[1].receivedAt - server.requests[0].receivedAt).toBeGreaterThanOrEqual(180);
    expect(res[0]).toMatchObject({ ok: false, error: { code: "58000" } });
    expect(!res[0].ok && res[0].error.message).toMatch(/HTTP 503: Model is loading/);
  });

  it("recovers after a 429 and a 500", async () => {
    const { c, meter } = caller();
    server.script({ status: 429, headers: { "retry-after": "0" } }, { status: 500 });
    const res = await c.embed(["flaky"]);
    expect(res[0].ok).toBe(true);
    expect(meter.snapshot()[0].retries).toBe(2);
  });

  it("isolates an input TEI rejects (413) and keeps the token out of the error", async () => {
    const { c, errorLog } = caller({ maxBatch: 4 });
    const res = await c.embed(["ok one", "too long [400] text", "ok two", "ok three"]);
    expect(res.map((r) => r.ok)).toEqual([true, false, true, true]);
    expect(res[1]).toMatchObject({ ok: false, error: { code: "22023" } });
    const all = JSON.stringify([res, errorLog.recent()]);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain("too long [400] text");
  });

  it("reports malformed JSON and wrong dimensions", async () => {
    const { c } = caller({ maxBatch: 1 });
    const res = await c.embed(["[malformed]", "[dims] x", "fine"]);
    expect(res[0]).toMatchObject({ ok: false, error: { code: "08P01" } });
    expect(res[1]).toMatchObject({ ok: false, error: { code: "22000" } });
    expect(res[2].ok).toBe(true);
  });

  it("times out and cancels", async () => {
    const { c } = caller({ timeoutMs: 100, maxRetries: 0 });
    const res = await c.embed(["[slow]"]);
    expect(res[0]).toMatchObject({ ok: false, error: { code: "57014" } });
    const ac = new AbortController();
    const { c: c2 } = caller({ timeoutMs: 5_000 });
    const p = c2.embed(["[slow] again"], { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(p).rejects.toMatchObject({ code: "57014" });
  });

  it("caches answers", async () => {
    const cache = new LruAiCache();
    const { c } = caller({}, cache);
    await c.embed(["cache me"]);
    await c.embed(["cache me"]);
    expect(server.requests.length).toBe(1);
  });
});

describe("Hugging Face chat completion (TGI)", () => {
  function gen(over: Partial<ModelDefinitionInput> = {}) {
    return caller({ name: "tgi", task: "generation", dimensions: undefined, ...over });
  }

  it("posts to {endpoint}/v1/chat/completions and meters tokens", async () => {
    const { c, meter } = gen();
    const res = await c.generate(["tell me a joke"], { maxTokens: 5, system: "short" });
    expect(res[0]).toEqual({ ok: true, value: "echo: tell me a joke (system: short)" });
    expect(server.requests[0].path).toBe("/v1/chat/completions");
    expect(server.requests[0].body).toMatchObject({ model: "tgi", max_tokens: 5 });
    const m = meter.snapshot()[0];
    expect(m.promptTokens).toBe(5);
    expect(m.completionTokens).toBeGreaterThan(0);
  });

  it("returns parsed JSON for a json_schema", async () => {
    const { c } = gen({ model: "my-org/my-model" });
    const res = await c.generate(["a b"], { jsonSchema: { type: "object" } });
    expect(res[0]).toEqual({ ok: true, value: { answer: "a b", words: 2 } });
    expect(server.requests[0].body).toMatchObject({ model: "my-org/my-model", response_format: { type: "json_schema" } });
  });

  it("retries a 503 a bounded number of times", async () => {
    const { c } = gen({ maxRetries: 1 });
    server.script({ status: 503 }, { status: 503 }, { status: 503 });
    const res = await c.generate(["hi"]);
    expect(server.requests.length).toBe(2);
    expect(res[0]).toMatchObject({ ok: false, error: { code: "58000" } });
  });
});
