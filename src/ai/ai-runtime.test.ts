// The AiRuntime end to end: the embedded model through the ModelCaller (no network), defaults,
// caching, the error policy, GENERATE without a model, DROP MODEL.

import { describe, expect, it } from "vitest";
import { AiRuntime } from "./ai-runtime.js";
import { cosineDistance } from "./vector-math.js";
import { EMBEDDED_MODEL_NAME, modelFromSqlOptions } from "./model-registry.js";
import { testDataDir } from "./testing/test-data-dir.js";

describe("AiRuntime", () => {
  it("embeds with the embedded model by default, offline, with NULLs where there is nothing to embed", async () => {
    const ai = new AiRuntime({ dataDir: testDataDir() });
    const res = await ai.embed(undefined, ["Streaming databases", null, "", "a cat sat on the mat", "Streaming databases"]);
    expect(res[1]).toEqual({ ok: true, value: null });
    expect(res[2]).toEqual({ ok: true, value: null });
    const [a, , , c, a2] = res.map((r) => (r.ok ? r.value : undefined));
    expect(a).toBeInstanceOf(Float32Array);
    expect(a!.length).toBe(100);
    expect(Array.from(a2!)).toEqual(Array.from(a!));
    expect(cosineDistance(a!, c!)).toBeGreaterThan(0.3);
    const m = ai.metrics().find((x) => x.model === EMBEDDED_MODEL_NAME)!;
    expect(m).toMatchObject({ rows: 4, errors: 0, requests: 1, calls: 1 });
    expect(m.promptTokens).toBeGreaterThan(0);
    await ai.embed(undefined, ["Streaming databases"]);
    expect(ai.metrics()[0].cacheHits).toBe(1);
  }, 120_000);

  it("is semantically sensible: related sentences are nearer", async () => {
    const ai = new AiRuntime({ dataDir: testDataDir() });
    const [q, near, far] = (await ai.embedValues(undefined, ["How do I reset my password?", "I forgot my login credentials", "The weather is sunny at the beach"])) as Float32Array[];
    expect(cosineDistance(q, near)).toBeLessThan(cosineDistance(q, far));
  }, 120_000);

  it("raises the CREATE MODEL hint for GENERATE without a model, and never answers by itself", async () => {
    const ai = new AiRuntime({ dataDir: testDataDir() });
    await expect(ai.generate(undefined, ["hello"])).rejects.toThrow(expect.objectContaining({ code: "42704", message: "no generation model is configured" }));
    expect(() => ai.caller("nope", "generation")).toThrow(/does not exist/);
    expect(() => ai.caller(EMBEDDED_MODEL_NAME, "generation")).toThrow(expect.objectContaining({ code: "42809" }));
  });

  it("applies on_error = 'fail' as a statement error and 'null' as NULL", async () => {
    const ai = new AiRuntime({ dataDir: testDataDir(), retryTiming: { baseDelayMs: 1, maxDelayMs: 2 } });
    const down = (name: string, onError: string) =>
      modelFromSqlOptions(name, { provider: "openai", task: "embedding", model: "m", endpoint: "http://127.0.0.1:9/v1", dimensions: 3, max_retries: 0, on_error: onError }).definition;
    ai.registry.create(down("lenient", "null"));
    ai.registry.create(down("strict", "fail"));
    expect(await ai.embedValues("lenient", ["x", null])).toEqual([null, null]);
    await expect(ai.embedValues("strict", ["x"])).rejects.toMatchObject({ code: "08001" });
    expect(ai.errors().map((e) => e.model)).toEqual(["lenient", "strict"]);
    expect(ai.errors()[0].inputHash).toMatch(/^[0-9a-f]{16}$/);
    expect(ai.dropModel("strict")).toBe(true);
    expect(ai.metrics().map((m) => m.model)).toEqual(["lenient"]);
  });

  it("keeps one caller per model until its definition changes", () => {
    const ai = new AiRuntime({ dataDir: testDataDir() });
    const def = modelFromSqlOptions("g", { provider: "openai", task: "generation", model: "m" }).definition;
    ai.registry.create(def);
    const c1 = ai.caller("g", "generation");
    expect(ai.caller(undefined, "generation")).toBe(c1);
    ai.registry.create({ ...def, maxConcurrency: 9 }, { orReplace: true });
    expect(ai.caller("g", "generation")).not.toBe(c1);
  });
});
