// The HNSW index: recall against exact search, pgvector distances, upserts and removals, filtered
// search, sliced async builds, save/load.

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VectorIndex } from "./vector-index.js";
import { cosineDistance, l2Distance, negativeInnerProduct } from "./vector-math.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sage-vindex-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function randomVectors(n: number, dims: number, seed: number): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n * dims);
  for (let i = 0; i < out.length; i++) out[i] = r() * 2 - 1;
  return out;
}

const v = (...xs: number[]) => Float32Array.from(xs);

describe("VectorIndex", () => {
  it("reaches recall@10 >= 0.95 on 5,000 random 100-d vectors at its default ef_search", async () => {
    const n = 5000;
    const d = 100;
    const data = randomVectors(n, d, 1);
    const index = new VectorIndex({ dims: d, metric: "cos" });
    await index.addBatchAsync(Array.from({ length: n }, (_, i) => i), data);
    expect(index.size).toBe(n);
    const queries = randomVectors(100, d, 2);
    let hits = 0;
    for (let q = 0; q < 100; q++) {
      const query = queries.subarray(q * d, (q + 1) * d);
      const exact = Array.from({ length: n }, (_, i) => [i, cosineDistance(query, data.subarray(i * d, (i + 1) * d))] as const)
        .sort((a, b) => a[1] - b[1])
        .slice(0, 10)
        .map(([i]) => BigInt(i));
      const got = new Set(index.search(query, 10).map((m) => m.key));
      for (const k of exact) if (got.has(k)) hits++;
    }
    const recall = hits / 1000;
    console.info(`HNSW recall@10 on 5,000 random 100-d vectors: ${recall.toFixed(3)} at ef_search ${index.efSearch}`);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it("returns pgvector's distances for each metric, nearest first", () => {
    const a = v(1, 0, 0);
    const b = v(0.6, 0.8, 0);
    const c = v(-1, 0.1, 0);
    for (const [metric, dist] of [
      ["cos", cosineDistance],
      ["l2sq", l2Distance],
      ["ip", negativeInnerProduct],
    ] as const) {
      const index = new VectorIndex({ dims: 3, metric });
      index.add(1, a);
      index.add(2, b);
      index.add(3, c);
      const q = v(0.9, 0.3, 0.1);
      const res = index.search(q, 3);
      expect(res.map((m) => m.key)).toEqual([1n, 2n, 3n].sort((x, y) => dist(q, [a, b, c][Number(x) - 1]) - dist(q, [a, b, c][Number(y) - 1])));
      for (const m of res) expect(m.distance).toBeCloseTo(dist(q, [a, b, c][Number(m.key) - 1]), 5);
    }
  });

  it("upserts, removes, and round-trips int64 keys", () => {
    const index = new VectorIndex({ dims: 2, metric: "l2sq" });
    expect(index.add(-5n, v(0, 0))).toBe(true);
    index.add(9007199254740991, v(10, 10));
    index.add(2n ** 62n, v(5, 5));
    expect(index.search(v(0.1, 0), 1)[0].key).toBe(-5n);
    index.add(-5n, v(100, 100)); // update = remove + add
    expect(index.size).toBe(3);
    expect(index.search(v(0.1, 0), 1)[0].key).toBe(2n ** 62n);
    expect(index.remove(-5n)).toBe(true);
    expect(index.remove(-5n)).toBe(false);
    expect(index.has(9007199254740991)).toBe(true);
    expect(index.size).toBe(2);
    expect(() => index.add(1.5, v(1, 1))).toThrow(/not an integer/);
  });

  it("checks dimensions and skips zero vectors for cosine", () => {
    const index = new VectorIndex({ dims: 3, metric: "cos" });
    expect(() => index.add(1, v(1, 2))).toThrowError("expected 3 dimensions, not 2");
    expect(() => index.search(v(1, 2), 1)).toThrowError("expected 3 dimensions, not 2");
    expect(index.add(1, v(0, 0, 0))).toBe(false);
    expect(index.size).toBe(0);
    expect(index.search(v(1, 2, 3), 5)).toEqual([]);
  });

  it("filters by widening the search until k keys pass", () => {
    const n = 2000;
    const data = randomVectors(n, 16, 3);
    const index = new VectorIndex({ dims: 16, metric: "l2sq", efSearch: 20 });
    index.addBatch(Array.from({ length: n }, (_, i) => i), data);
    const q = data.subarray(0, 16);
    let calls = 0;
    const rare = (k: bigint) => {
      calls++;
      return k % 97n === 0n;
    };
    const res = index.search(q, 5, rare);
    expect(res).toHaveLength(5);
    expect(res.every((m) => m.key % 97n === 0n)).toBe(true);
    for (let i = 1; i < res.length; i++) expect(res[i].distance).toBeGreaterThanOrEqual(res[i - 1].distance);
    expect(calls).toBeLessThanOrEqual(n);
    // fewer than k pass: returns what exists
    expect(index.search(q, 5, (k) => k === 7n).map((m) => m.key)).toEqual([7n]);
    expect(index.search(q, 5, () => false)).toEqual([]);
  });

  it("builds in slices that yield to the event loop", async () => {
    const n = 3000;
    const data = randomVectors(n, 8, 4);
    let ticks = 0;
    let stop = false;
    const tick = () => {
      if (stop) return;
      ticks++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const progress: number[] = [];
    const index = await VectorIndex.build(
      { dims: 8, metric: "cos", efSearch: 64 },
      (function* () {
        for (let i = 0; i < n; i++) yield [i, data.subarray(i * 8, (i + 1) * 8)] as const;
      })(),
      { sliceSize: 250, onProgress: (done) => progress.push(done) },
    );
    stop = true;
    expect(index.size).toBe(n);
    expect(ticks).toBeGreaterThanOrEqual(10);
    expect(progress.at(-1)).toBe(n);
    const ac = new AbortController();
    ac.abort();
    await expect(new VectorIndex({ dims: 8, metric: "cos" }).addBatchAsync([1], [data.subarray(0, 8)], { signal: ac.signal })).rejects.toMatchObject({ code: "57014" });
  });

  it("saves and loads (checkpoints), refusing a file of other dimensions", async () => {
    const data = randomVectors(500, 12, 5);
    const index = new VectorIndex({ dims: 12, metric: "ip", efSearch: 100 });
    index.addBatch(Array.from({ length: 500 }, (_, i) => BigInt(i) - 250n), data);
    const path = join(dir, "idx.usearch");
    index.save(path);
    const back = VectorIndex.open(path, { dims: 12, metric: "ip", efSearch: 100 });
    expect(back.size).toBe(500);
    const q = data.subarray(24, 36);
    expect(back.search(q, 5)).toEqual(index.search(q, 5));
    expect(() => VectorIndex.open(path, { dims: 13, metric: "ip" })).toThrow(/13/);
    expect(() => VectorIndex.open(path, { dims: 12, metric: "cos" })).toThrow(/expected cos/);
    expect(() => VectorIndex.open(join(dir, "missing.usearch"), { dims: 12, metric: "ip" })).toThrow(/could not load/);
    // a damaged file is refused before usearch reads it (its loader would crash the process)
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 100));
    expect(() => VectorIndex.open(path, { dims: 12, metric: "ip" })).toThrow(/damaged/);
    bytes[200] ^= 0xff;
    await writeFile(path, bytes);
    expect(() => VectorIndex.open(path, { dims: 12, metric: "ip" })).toThrow(/damaged/);
  });
});
