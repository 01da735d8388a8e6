// The streaming reader and the binary cache, on small synthetic files in the wink layout.

import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GLOVE_CACHE_FILE, buildGloveCache, decodeGloveCache, forgetGloveModel, loadGloveModel } from "./glove-cache.js";
import type { GloveSource } from "./glove-cache.js";
import { readWinkEmbeddings } from "./wink-json-reader.js";

let dir: string;
const DIMS = 4;
const WORDS = ["the", "cat", "dog", "o'neill", "naïve", "say \"hi\"", "cross-country"];

function vectorOf(i: number): number[] {
  return Array.from({ length: DIMS }, (_, d) => Math.round(Math.sin(i * 7 + d) * 1e5) / 1e5);
}

/** A file in the wink layout; `extra` members appear before "vectors" to exercise skipping. */
function winkJson(words: string[]): string {
  const vectors: Record<string, number[]> = {};
  words.forEach((w, i) => {
    const v = vectorOf(i);
    vectors[w] = [...v, Math.hypot(...v), i];
  });
  return JSON.stringify({
    precision: 8,
    l2NormIndex: DIMS,
    wordIndex: DIMS + 1,
    size: words.length,
    dimensions: DIMS,
    words,
    nested: { a: [1, { b: "x]}" }], c: null, d: true, e: -1.5e-3 },
    vectors,
    unkVector: new Array(DIMS + 2).fill(0),
  });
}

async function source(name: string, text: string, version = "1.0.0"): Promise<GloveSource> {
  const path = join(dir, name);
  await writeFile(path, text);
  return { path, version, size: (await stat(path)).size };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sage-glove-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readWinkEmbeddings", () => {
  it("streams every word with its values, skipping other members", async () => {
    const src = await source("a.json", winkJson(WORDS));
    const seen: [string, number[]][] = [];
    const { header, words } = await readWinkEmbeddings(src.path, (w, values, n) => seen.push([w, Array.from(values.subarray(0, n))]));
    expect(words).toBe(WORDS.length);
    expect(header).toEqual({ precision: 8, l2NormIndex: DIMS, wordIndex: DIMS + 1, size: WORDS.length, dimensions: DIMS });
    expect(seen.map(([w]) => w)).toEqual(WORDS);
    seen.forEach(([, v], i) => {
      expect(v.slice(0, DIMS)).toEqual(vectorOf(i));
      expect(v[DIMS + 1]).toBe(i);
    });
  });

  it("parses numbers exactly as JSON.parse does (to float32 precision)", async () => {
    const nums = [0, -0.5, 1e-5, -2.5e3, 12345.678, 0.000123, 3e-10, 1.7976931348623157e308, -4.2E+2];
    const src = await source("n.json", `{"dimensions":${nums.length},"vectors":{"x":${JSON.stringify(nums).replace("-420", "-4.2E+2")}}}`);
    let got: number[] = [];
    await readWinkEmbeddings(src.path, (_w, v, n) => (got = Array.from(v.subarray(0, n))));
    got.forEach((g, i) => expect(Math.fround(g)).toBe(Math.fround(nums[i])));
  });

  it("rejects malformed files with the byte offset", async () => {
    const bad = await source("bad.json", '{"vectors":{"x":[1,2,,3]}}');
    await expect(readWinkEmbeddings(bad.path, () => undefined)).rejects.toThrow(/malformed embeddings JSON at byte \d+/);
    const cut = await source("cut.json", winkJson(WORDS).slice(0, 200));
    await expect(readWinkEmbeddings(cut.path, () => undefined)).rejects.toThrow(/malformed/);
    const none = await source("none.json", '{"words":[]}');
    await expect(readWinkEmbeddings(none.path, () => undefined)).rejects.toThrow(/no "vectors"/);
  });
});

describe("the binary cache", () => {
  it("converts once, then loads from the cache, with quantized rows close to the source", async () => {
    const data = join(dir, "d1");
    const src = await source("w1.json", winkJson(WORDS));
    const first = await loadGloveModel({ dataDir: data, source: src });
    expect(first.built?.words).toBe(WORDS.length);
    const m = first.model;
    expect(m.dims).toBe(DIMS);
    expect(m.words).toEqual(WORDS);
    expect(m.index.get("cat")).toBe(1);
    expect(Array.from(m.ranks)).toEqual(WORDS.map((_, i) => i));
    for (let r = 0; r < WORDS.length; r++) {
      const v = vectorOf(r);
      const maxAbs = Math.max(...v.map(Math.abs));
      for (let d = 0; d < DIMS; d++) expect(Math.abs(m.matrix[r * DIMS + d] * m.scales[r] - v[d])).toBeLessThanOrEqual(maxAbs / 254 + 1e-6);
    }
    let norm = 0;
    for (const x of m.commonComponent) norm += x * x;
    expect(Math.sqrt(norm)).toBeCloseTo(1, 5);
    // same process: memoized
    expect(await loadGloveModel({ dataDir: data, source: src })).toBe(first);
    forgetGloveModel(data);
    const second = await loadGloveModel({ dataDir: data, source: src });
    expect(second.built).toBeUndefined();
    expect(second.model.words).toEqual(WORDS);
    expect(await readdir(data)).toEqual([GLOVE_CACHE_FILE]);
  });

  it("rebuilds a truncated or corrupted cache, and a cache of another source version", async () => {
    const data = join(dir, "d2");
    const src = await source("w2.json", winkJson(WORDS));
    await loadGloveModel({ dataDir: data, source: src });
    const path = join(data, GLOVE_CACHE_FILE);
    const good = await readFile(path);

    await writeFile(path, good.subarray(0, good.length - 10));
    forgetGloveModel(data);
    expect((await loadGloveModel({ dataDir: data, source: src })).built).toBeDefined();

    const flipped = Buffer.from(good);
    flipped[flipped.length - 3] ^= 0x55;
    await writeFile(path, flipped);
    expect(() => decodeGloveCache(flipped)).toThrow(/checksum/);
    forgetGloveModel(data);
    expect((await loadGloveModel({ dataDir: data, source: src })).built).toBeDefined();

    await writeFile(path, "garbage");
    forgetGloveModel(data);
    expect((await loadGloveModel({ dataDir: data, source: src })).built).toBeDefined();

    forgetGloveModel(data);
    const newer = { ...src, version: "2.0.0" };
    expect((await loadGloveModel({ dataDir: data, source: newer })).built).toBeDefined();
    forgetGloveModel(data);
    expect((await loadGloveModel({ dataDir: data, source: newer })).built).toBeUndefined();
  });

  it("uses an existing cache when the package is gone, and says so when neither exists", async () => {
    const data = join(dir, "d3");
    const src = await source("w3.json", winkJson(WORDS));
    await loadGloveModel({ dataDir: data, source: src });
    forgetGloveModel(data);
    const cached = await loadGloveModel({ dataDir: data, source: null });
    expect(cached.built).toBeUndefined();
    expect(cached.model.words).toEqual(WORDS);
    await expect(loadGloveModel({ dataDir: join(dir, "empty"), source: null })).rejects.toThrow(/not installed and no cache exists/);
  });

  it("leaves no temporary file behind when conversion fails", async () => {
    const data = join(dir, "d4");
    const src = await source("w4.json", '{"dimensions":4,"vectors":{"a":[1,2,3,4,5,0],"b":[1,2]}}');
    await expect(buildGloveCache(src, join(data, GLOVE_CACHE_FILE))).rejects.toThrow(/has 2 values, expected 4/);
    await expect(readdir(data)).rejects.toThrow();
  });

  it("concurrent loads of one directory share one conversion", async () => {
    const data = join(dir, "d5");
    const src = await source("w5.json", winkJson(WORDS));
    const [a, b] = await Promise.all([loadGloveModel({ dataDir: data, source: src }), loadGloveModel({ dataDir: data, source: src })]);
    expect(a).toBe(b);
    expect(await readdir(data)).toEqual([GLOVE_CACHE_FILE]);
  });
});
