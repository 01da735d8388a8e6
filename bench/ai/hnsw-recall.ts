// HNSW recall and speed: 100,000 random 100-d vectors (cosine), top-10 recall against exact search
// at the index's default (self-tuned) ef_search, queries per second on one thread, and the same
// for a ladder of fixed ef_search values and for brute force. Then the same on 100,000 real word
// vectors (the embedded GloVe model), where the graph has structure to use.
//
//   npx tsc -p tsconfig.json && node dist/bench/ai/hnsw-recall.js [--n 100000] [--queries 1000] [--no-glove]

import { tmpdir } from "node:os";
import { join } from "node:path";
import { exactSearch, MetricKind } from "usearch";
import { VectorIndex, loadGloveModel } from "../../src/ai/index.js";
import { uniformVectors } from "./random-vectors.js";

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const N = arg("n", 100_000);
const Q = arg("queries", 1000);
const D = 100;
const K = 10;

const uniform = (n: number, seed: number) => uniformVectors(n, D, seed);

function exactTop(data: Float32Array, queries: Float32Array): Set<bigint>[] {
  const t0 = performance.now();
  const res = exactSearch(data, queries, D, K, MetricKind.Cos, 0);
  const ms = performance.now() - t0;
  console.log(`  brute force (usearch exactSearch, all cores): ${((Q / ms) * 1000).toFixed(0)} queries/s`);
  const out: Set<bigint>[] = [];
  for (let q = 0; q < Q; q++) {
    const m = "get" in res ? res.get(q) : res;
    out.push(new Set(Array.from(m.keys)));
  }
  return out;
}

function measure(index: VectorIndex, queries: Float32Array, truth: Set<bigint>[], label: string): { recall: number; qps: number } {
  let hits = 0;
  const t0 = performance.now();
  for (let q = 0; q < Q; q++) {
    const got = index.search(queries.subarray(q * D, (q + 1) * D), K);
    for (const m of got) if (truth[q].has(m.key)) hits++;
  }
  const secs = (performance.now() - t0) / 1000;
  const recall = hits / (Q * K);
  const qps = Q / secs;
  console.log(`  ${label.padEnd(28)} recall@10 ${recall.toFixed(3)}   ${qps.toFixed(0).padStart(6)} queries/s (one thread)`);
  return { recall, qps };
}

async function run(name: string, data: Float32Array, queries: Float32Array): Promise<{ recall: number; qps: number; ef: number }> {
  console.log(`\n${name}: ${N} vectors of ${D} dims, ${Q} queries, cosine, m = 16, ef_construction = 128`);
  const index = new VectorIndex({ dims: D, metric: "cos" });
  const t0 = performance.now();
  await index.addBatchAsync(
    Array.from({ length: N }, (_, i) => i),
    data,
    { tune: false },
  );
  const t1 = performance.now();
  await index.tune();
  console.log(
    `  build ${((t1 - t0) / 1000).toFixed(1)} s (addBatchAsync, slices of 1024, usearch threads = all cores), ` +
      `ef_search tuning ${((performance.now() - t1) / 1000).toFixed(1)} s → ${index.efSearch}`,
  );
  const truth = exactTop(data, queries);
  const main = measure(index, queries, truth, `default ef_search (${index.efSearch})`);
  for (const ef of [40, 128, 512, 1024]) {
    index.efSearch = ef;
    measure(index, queries, truth, `fixed ef_search ${ef}`);
  }
  index.efSearch = undefined;
  return { ...main, ef: index.efSearch };
}

const random = await run("random uniform [-1, 1]", uniform(N, 1), uniform(Q, 2));
let glove: { recall: number; qps: number; ef: number } | undefined;
if (!args.includes("--no-glove")) {
  const dataDir = process.env.SAGE_AI_TEST_DATA_DIR ?? join(tmpdir(), "sage-sql-ai-test-cache");
  const { model } = await loadGloveModel({ dataDir });
  const take = (from: number, n: number) => {
    const out = new Float32Array(n * D);
    for (let r = 0; r < n; r++) for (let i = 0; i < D; i++) out[r * D + i] = model.matrix[(from + r) * D + i] * model.scales[from + r];
    return out;
  };
  glove = await run("GloVe word vectors (the 100k most frequent words; queries: the next 1k)", take(0, N), take(N, Q));
}
console.log(`\nsummary: random ${N}x${D}: recall@10 ${random.recall.toFixed(3)} at default ef_search ${random.ef}, ${random.qps.toFixed(0)} qps` + (glove ? `; GloVe: recall@10 ${glove.recall.toFixed(3)} at ef_search ${glove.ef}, ${glove.qps.toFixed(0)} qps` : ""));
if (random.recall < 0.95) {
  console.log("FAIL: recall below 0.95 at the default ef_search");
  process.exitCode = 1;
}
