// The small parts the ModelCaller is built from: the cache and its keys, backoff and Retry-After,
// the concurrency limit, metering percentiles and the error ring, GENERATE's options, redaction.

import { describe, expect, it } from "vitest";
import { LruAiCache, aiCacheKey, stableJson } from "./ai-cache.js";
import { redact } from "./ai-errors.js";
import { parseGenerateOptions } from "./generate-options.js";
import { ModelErrorLog, ModelMeter, percentile } from "./metering.js";
import { parseRetryAfter } from "./providers/provider.js";
import { ConcurrencyLimit, DEFAULT_RETRY_TIMING, backoffDelay, sleep } from "./retry-policy.js";

describe("the answer cache", () => {
  it("keys by every part, unambiguously, with options in any key order", () => {
    const k = aiCacheKey("m", "fp", "generation", "hi", { a: 1, b: 2 });
    expect(aiCacheKey("m", "fp", "generation", "hi", { b: 2, a: 1 })).toBe(k);
    expect(aiCacheKey("m", "fp", "generation", "hi", { a: 1 })).not.toBe(k);
    expect(aiCacheKey("m", "fp2", "generation", "hi", { a: 1, b: 2 })).not.toBe(k);
    expect(aiCacheKey("ab", "c", "t", "x")).not.toBe(aiCacheKey("a", "bc", "t", "x"));
    expect(stableJson({ b: [1, { d: 1, c: 2 }], a: undefined })).toBe('{"b":[1,{"c":2,"d":1}]}');
  });

  it("evicts the least recently used entries and copies vectors", async () => {
    const c = new LruAiCache({ maxEntries: 2 });
    const v = Float32Array.from([1, 2]);
    await c.set("a", v);
    v[0] = 99;
    await c.set("b", "text");
    expect(await c.get("a")).toEqual(Float32Array.from([1, 2]));
    await c.set("c", { j: 1 });
    expect(await c.get("b")).toBeUndefined();
    expect(await c.get("a")).toBeDefined();
    expect(await c.get("c")).toEqual({ j: 1 });
    await c.set("n", null);
    expect(await c.get("n")).toBeNull();
    const small = new LruAiCache({ maxBytes: 300 });
    for (let i = 0; i < 10; i++) await small.set(`k${i}`, new Float32Array(16));
    expect(small.approximateBytes).toBeLessThanOrEqual(300);
  });
});

describe("retries", () => {
  it("backs off exponentially with jitter, capped", () => {
    const t = DEFAULT_RETRY_TIMING;
    expect(backoffDelay(0, t, undefined, () => 0)).toBe(125);
    expect(backoffDelay(0, t, undefined, () => 1)).toBe(250);
    expect(backoffDelay(3, t, undefined, () => 1)).toBe(2000);
    expect(backoffDelay(20, t, undefined, () => 1)).toBe(10_000);
    expect(backoffDelay(0, t, 5000, () => 0)).toBe(5000);
    expect(backoffDelay(0, t, 61_000, () => 0)).toBeUndefined();
  });

  it("reads Retry-After as seconds, an HTTP date, or retry-after-ms", () => {
    expect(parseRetryAfter(new Headers({ "retry-after": "2" }))).toBe(2000);
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "150", "retry-after": "2" }))).toBe(150);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter(new Headers({ "retry-after": "Wed, 01 Jan 2025 00:00:03 GMT" }), now)).toBe(3000);
    expect(parseRetryAfter(new Headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
  });

  it("sleeps abortably", async () => {
    const ac = new AbortController();
    const p = sleep(10_000, ac.signal);
    ac.abort();
    await expect(p).rejects.toThrow("aborted");
  });

  it("limits concurrency in FIFO order, and abandons aborted waiters", async () => {
    const lim = new ConcurrencyLimit(1);
    const order: number[] = [];
    const r1 = await lim.acquire();
    const ac = new AbortController();
    const w2 = lim.acquire(ac.signal);
    const w3 = lim.acquire().then((rel) => {
      order.push(3);
      return rel;
    });
    ac.abort();
    await expect(w2).rejects.toThrow();
    expect(lim.waiting).toBe(1);
    r1();
    r1(); // releasing twice is harmless
    (await w3)();
    expect(order).toEqual([3]);
    expect(lim.inUse).toBe(0);
  });
});

describe("metering", () => {
  it("computes nearest-rank percentiles", () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
  });

  it("keeps a bounded ring of failures with input hashes only", () => {
    const log = new ModelErrorLog(3);
    for (let i = 0; i < 5; i++) log.record("m", `secret input ${i}`, "58000", `boom ${i}`);
    const recent = log.recent();
    expect(recent.map((r) => r.message)).toEqual(["boom 2", "boom 3", "boom 4"]);
    expect(log.count).toBe(5);
    expect(JSON.stringify(recent)).not.toContain("secret input");
  });

  it("snapshots counters per model", () => {
    const meter = new ModelMeter();
    const c = meter.counters("b");
    c.rows += 3;
    for (let i = 1; i <= 10; i++) c.recordLatency(i);
    meter.counters("a");
    const s = meter.snapshot();
    expect(s.map((x) => x.model)).toEqual(["a", "b"]);
    expect(s[1]).toMatchObject({ rows: 3, latencyP50Ms: 5, latencyP99Ms: 10, latencySamples: 10 });
  });
});

describe("GENERATE options", () => {
  it("validates and maps the options object", () => {
    expect(parseGenerateOptions(null)).toEqual({});
    expect(parseGenerateOptions('{"temperature": 0.2, "max_tokens": 10, "system_prompt": "s", "json_schema": {"type": "object"}}')).toEqual({
      temperature: 0.2,
      maxTokens: 10,
      system: "s",
      jsonSchema: { type: "object" },
    });
    expect(() => parseGenerateOptions({ temperature: 3 })).toThrow(/"temperature"/);
    expect(() => parseGenerateOptions({ max_tokens: 0 })).toThrow(/"max_tokens"/);
    expect(() => parseGenerateOptions({ top_k: 3 })).toThrow(/unrecognized GENERATE option "top_k"/);
    expect(() => parseGenerateOptions("[1]")).toThrow(/JSON object/);
  });
});

describe("redaction", () => {
  it("removes secrets, inputs and bearer tokens", () => {
    expect(redact("key sk-abcdef123 in Bearer xyzxyzxyzxyz and my long input text", ["sk-abcdef123"], ["my long input text"])).toBe(
      "key [redacted] in Bearer [redacted] and [input]",
    );
  });
});
