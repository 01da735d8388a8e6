// The OpenAI-compatible provider and the ModelCaller over real HTTP (a local test server).

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LruAiCache } from "../ai-cache.js";
import { ModelErrorLog, ModelMeter } from "../metering.js";
import { ModelCaller, applyErrorPolicy } from "../model-caller.js";
import { defineModel } from "../model-registry.js";
import type { ModelDefinitionInput } from "../model-registry.js";
import { ModelTestServer, testVector } from "../testing/model-test-server.js";
import { openAiBaseUrl } from "./openai.js";

const SECRET = "sk-test-SECRET-0123456789abcdef";
const FAST = { baseDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 5_000 };

let server: ModelTestServer;
beforeAll(async () => {
  server = await ModelTestServer.start("openai", 8);
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.reset();
});

function caller(over: Partial<ModelDefinitionInput> = {}, deps: { cache?: LruAiCache; meter?: ModelMeter; errorLog?: ModelErrorLog } = {}) {
  const def = defineModel({
    name: "emb",
    provider: "openai",
    task: "embedding",
    model: "test-embed",
    endpoint: `${server.url}/v1`,
    apiKey: SECRET,
    dimensions: 8,
    maxBatch: 4,
    maxConcurrency: 2,
    timeoutMs: 2_000,
    maxRetries: 2,
    ...over,
  });
  const meter = deps.meter ?? new ModelMeter();
  const errorLog = deps.errorLog ?? new ModelErrorLog();
  return { c: new ModelCaller(def, { ...deps, meter, errorLog, retryTiming: FAST }), meter, errorLog, def };
}

function vec(text: string): Float32Array {
  return Float32Array.from(testVector(text, 8));
}

describe("OpenAI-compatible embeddings", () => {
  it("builds the base URL", () => {
    expect(openAiBaseUrl("http://h:8000/v1/")).toBe("http://h:8000/v1");
    expect(openAiBaseUrl("http://h:11434")).toBe("http://h:11434/v1");
    expect(openAiBaseUrl(undefined)).toBe("https://api.openai.com/v1");
  });

  it("sends micro-batches of max_batch with the bearer token and returns rows in input order", async () => {
    const { c, meter } = caller();
    const inputs = Array.from({ length: 10 }, (_, i) => `sentence number ${i}`);
    const res = await c.embed(inputs);
    expect(server.embeddingBatches().map((b) => b.length).sort()).toEqual([2, 4, 4]);
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${SECRET}`);
    expect((server.requests[0].body as { model: string }).model).toBe("test-embed");
    res.forEach((r, i) => {
      expect(r.ok).toBe(true);
      if (r.ok) expect(Array.from(r.value!)).toEqual(Array.from(vec(inputs[i])));
    });
    const m = meter.snapshot()[0];
    expect(m).toMatchObject({ model: "emb", requests: 3, calls: 3, rows: 10, errors: 0, cacheHits: 0 });
    expect(m.promptTokens).toBe(30);
    expect(m.latencySamples).toBe(3);
    expect(m.latencyP50Ms).toBeGreaterThan(0);
  });

  it("gives null for NULL inputs without a call, and deduplicates equal inputs", async () => {
    const { c } = caller();
    const res = await c.embed([null, "a b", undefined, "a b", "c", "a b"]);
    expect(server.embeddingBatches()).toEqual([["a b", "c"]]);
    expect(res[0]).toEqual({ ok: true, value: null });
    expect(res[2]).toEqual({ ok: true, value: null });
    for (const i of [1, 3, 5]) expect(res[i].ok && Array.from(res[i].value!)).toEqual(Array.from(vec("a b")));
    // duplicates get their own copies
    expect(res[1].ok && res[3].ok && res[1].value !== res[3].value).toBe(true);
    const none = await c.embed([null, null]);
    expect(none).toEqual([{ ok: true, value: null }, { ok: true, value: null }]);
    expect(server.requests.length).toBe(1);
  });

  it("answers repeated inputs from the cache without a second call", async () => {
    const cache = new LruAiCache();
    const { c, meter } = caller({}, { cache });
    await c.embed(["x y", "z"]);
    expect(server.requests.length).toBe(1);
    const again = await c.embed(["z", "x y", "new one"]);
    expect(server.embeddingBatches()[1]).toEqual(["new one"]);
    expect(again.every((r) => r.ok)).toBe(true);
    expect(meter.snapshot()[0].cacheHits).toBe(2);
    // a changed definition (another model id) does not reuse the answers
    const { c: other } = caller({ model: "other-embed" }, { cache });
    await other.embed(["z"]);
    expect(server.requests.length).toBe(3);
  });

  it("keeps at most max_concurrency requests in flight", async () => {
    const { c } = caller({ maxBatch: 1, maxConcurrency: 2 });
    server.script(...Array.from({ length: 8 }, () => ({ delayMs: 60, then: "normal" as const })));
    const res = await c.embed(Array.from({ length: 8 }, (_, i) => `row ${i}`));
    expect(res.every((r) => r.ok)).toBe(true);
    expect(server.maxInFlight).toBe(2);
    expect(server.requests.length).toBe(8);
  });

  it("retries 500 and 503 with backoff, then succeeds", async () => {
    const { c, meter } = caller();
    server.script({ status: 500 }, { status: 503 });
    const res = await c.embed(["retry me"]);
    expect(res[0].ok).toBe(true);
    expect(server.requests.length).toBe(3);
    expect(meter.snapshot()[0]).toMatchObject({ requests: 3, calls: 1, retries: 2, errors: 0 });
  });

  it("honours Retry-After on 429", async () => {
    const { c } = caller();
    server.script({ status: 429, headers: { "retry-after": "1" }, body: JSON.stringify({ error: { message: "slow down" } }) });
    const t0 = Date.now();
    const res = await c.embed(["rate limited"]);
    expect(res[0].ok).toBe(true);
    const gap = server.requests[1].receivedAt - server.requests[0].receivedAt;
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(Date.now() - t0).toBeLessThan(3_000);
  });

  it("gives up at once when Retry-After is longer than the cap", async () => {
    const { c } = caller();
    server.script({ status: 429, headers: { "retry-after": "3600" } });
    const res = await c.embed(["rate limited hard"]);
    expect(res[0]).toMatchObject({ ok: false, error: { code: "53000" } });
    expect(!res[0].ok && res[0].error.message).toMatch(/asked to wait 3600 s/);
    expect(server.requests.length).toBe(1);
  });

  it("bounds the retries: 503 forever fails after max_retries + 1 attempts", async () => {
    const { c, meter, errorLog } = caller({ maxRetries: 2 });
    server.script({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    const res = await c.embed(["down"]);
    expect(server.requests.length).toBe(3);
    expect(res[0]).toMatchObject({ ok: false, error: { code: "58000" } });
    expect(!res[0].ok && res[0].error.message).toMatch(/^model "emb": model server answered HTTP 503.*after 3 attempts/);
    expect(meter.snapshot()[0].errors).toBe(1);
    expect(errorLog.recent()).toHaveLength(1);
    expect(errorLog.recent()[0]).toMatchObject({ model: "emb", code: "58000" });
    expect(errorLog.recent()[0].inputHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it("times a slow request out, retries, and succeeds when the server recovers", async () => {
    const { c } = caller({ timeoutMs: 150 });
    server.script({ delayMs: 1_000, then: "normal" });
    const res = await c.embed(["eventually"]);
    expect(res[0].ok).toBe(true);
    expect(server.requests.length).toBe(2);
  });

  it("reports a timeout (57014) when every attempt is too slow", async () => {
    const { c } = caller({ timeoutMs: 100, maxRetries: 1 });
    const t0 = Date.now();
    const res = await c.embed(["[slow] always"]);
    expect(res[0]).toMatchObject({ ok: false, error: { code: "57014" } });
    expect(!res[0].ok && res[0].error.message).toMatch(/timed out after 100 ms/);
    expect(server.requests.length).toBe(2);
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it("does not retry a malformed answer (08P01)", async () => {
    const { c } = caller();
    const res = await c.embed(["[malformed] body"]);
    expect(res[0]).toMatchObject({ ok: false, error: { code: "08P01" } });
    expect(server.requests.length).toBe(1);
  });

  it("fails only the row whose vector has the wrong dimensions", async () => {
    const { c } = caller();
    const res = await c.embed(["fine", "[dims] short", "also fine"]);
    expect(res[0].ok).toBe(true);
    expect(res[1]).toMatchObject({ ok: false, error: { code: "22000", message: 'model "emb": the model returned a vector of 7 dimensions, expected 8' } });
    expect(res[2].ok).toBe(true);
  });

  it("isolates a rejected input by halving its batch, so the neighbours still get answers", async () => {
    const { c, errorLog } = caller({ maxBatch: 8 });
    const inputs = ["one", "two", "three [400] is bad", "four", "five", "six"];
    const res = await c.embed(inputs);
    expect(res.map((r) => r.ok)).toEqual([true, true, false, true, true, true]);
    expect(res[2]).toMatchObject({ ok: false, error: { code: "22023" } });
    // the server echoed the input and the Authorization header: neither reaches the error
    const msg = !res[2].ok ? res[2].error.message : "";
    expect(msg).not.toContain(SECRET);
    expect(msg).not.toContain("three [400] is bad");
    expect(msg).toContain("[redacted]");
    expect(JSON.stringify(errorLog.recent())).not.toContain(SECRET);
    expect(server.requests.length).toBeLessThanOrEqual(1 + 2 + 2 + 2);
  });

  it("reports an unreachable server as 08001 after bounded retries", async () => {
    const { c } = caller({ endpoint: "http://127.0.0.1:9/v1", maxRetries: 1 });
    const res = await c.embed(["nobody home"]);
    expect(res[0]).toMatchObject({ ok: false, error: { code: "08001" } });
  });

  it("retries a dropped connection", async () => {
    const { c } = caller();
    server.script({ drop: true });
    const res = await c.embed(["dropped once"]);
    expect(res[0].ok).toBe(true);
    expect(server.requests.length).toBe(2);
  });

  it("maps 401 to 28000 without retrying and never shows the key", async () => {
    const { c, meter } = caller();
    server.script({ status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${SECRET}` } }) });
    const res = await c.embed(["secret test"]);
    expect(res[0]).toMatchObject({ ok: false, error: { code: "28000" } });
    expect(JSON.stringify(res)).not.toContain(SECRET);
    expect(JSON.stringify(meter.snapshot())).not.toContain(SECRET);
    expect(server.requests.length).toBe(1);
  });

  it("cancels: aborts requests in flight and rejects with 57014", async () => {
    const { c } = caller({ maxBatch: 1, maxConcurrency: 2, timeoutMs: 10_000 });
    const ac = new AbortController();
    server.script(...Array.from({ length: 6 }, () => ({ delayMs: 2_000, then: "normal" as const })));
    const t0 = Date.now();
    const p = c.embed(["a", "b", "c", "d", "e", "f"], { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await expect(p).rejects.toMatchObject({ code: "57014" });
    expect(Date.now() - t0).toBeLessThan(1_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.requests.length).toBe(2);
    expect(server.aborted).toBeGreaterThanOrEqual(2);
    expect(c.load).toEqual({ inFlight: 0, waiting: 0 });
    // an already-aborted signal rejects before any call
    await expect(c.embed(["x"], { signal: ac.signal })).rejects.toMatchObject({ code: "57014" });
  });

  it("on_error = 'fail' stops at the first failure and raises it", async () => {
    const { c } = caller({ onError: "fail", maxBatch: 1, maxConcurrency: 1, maxRetries: 0 });
    server.script({ status: 500 });
    const res = await c.embed(["first", "second", "third"]);
    expect(server.requests.length).toBe(1);
    expect(res[0]).toMatchObject({ ok: false, error: { code: "58000" } });
    expect(res[1]).toMatchObject({ ok: false, error: { skipped: true } });
    expect(() => applyErrorPolicy(res, "fail")).toThrowError(/HTTP 500/);
    try {
      applyErrorPolicy(res, "fail");
    } catch (e) {
      expect((e as { code: string }).code).toBe("58000");
    }
  });

  it("on_error = 'null' gives NULL for the failed rows only", async () => {
    const { c } = caller({ maxBatch: 1, maxRetries: 0 });
    server.script({ status: 500 });
    const res = await c.embed(["p", "q"]);
    const values = applyErrorPolicy(res, "null");
    expect(values.filter((v) => v === null)).toHaveLength(1);
    expect(values.filter((v) => v instanceof Float32Array)).toHaveLength(1);
  });
});

describe("OpenAI-compatible chat completions", () => {
  function gen(over: Partial<ModelDefinitionInput> = {}, deps: { cache?: LruAiCache } = {}) {
    return caller({ name: "chat", task: "generation", model: "test-chat", dimensions: undefined, ...over }, deps);
  }

  it("generates per prompt with options, in order, metering tokens", async () => {
    const { c, meter } = gen();
    const res = await c.generate(["hello there", null, "second prompt"], { temperature: 0.5, maxTokens: 20, system: "be brief" });
    expect(res[0]).toEqual({ ok: true, value: "echo: hello there (system: be brief) (t=0.5)" });
    expect(res[1]).toEqual({ ok: true, value: null });
    expect(res[2]).toEqual({ ok: true, value: "echo: second prompt (system: be brief) (t=0.5)" });
    const body = server.requests[0].body as Record<string, unknown>;
    expect(body).toMatchObject({ model: "test-chat", temperature: 0.5, max_tokens: 20 });
    expect(body.messages).toEqual([
      { role: "system", content: "be brief" },
      { role: "user", content: expect.any(String) },
    ]);
    const m = meter.snapshot()[0];
    expect(m.promptTokens).toBe(8);
    expect(m.completionTokens).toBeGreaterThan(0);
    expect(m.calls).toBe(2);
  });

  it("takes per-row options and caches by (input, options)", async () => {
    const cache = new LruAiCache();
    const { c } = gen({}, { cache });
    const res = await c.generate(["same", "same", "same"], [{ temperature: 0 }, { temperature: 1 }, { temperature: 0 }]);
    expect(server.requests.length).toBe(2);
    expect(res.map((r) => r.ok && r.value)).toEqual(["echo: same (t=0)", "echo: same (t=1)", "echo: same (t=0)"]);
    await c.generate(["same"], { temperature: 1 });
    expect(server.requests.length).toBe(2);
  });

  it("parses structured output when a json_schema is given", async () => {
    const { c } = gen();
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
    const res = await c.generate(["what is up", "[nojson] please"], { jsonSchema: schema });
    expect(res[0]).toEqual({ ok: true, value: { answer: "what is up", words: 3 } });
    expect(res[1]).toMatchObject({ ok: false, error: { code: "22P02" } });
    expect((server.requests[0].body as { response_format: unknown }).response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "output", schema, strict: true },
    });
  });

  it("refuses to embed with a generation model", async () => {
    const { c } = gen();
    await expect(c.embed(["x"])).rejects.toMatchObject({ code: "42809" });
  });
});
