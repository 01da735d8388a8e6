// HNSW through SQL: loads N random 100-d vectors into a table with INSERT, runs
// CREATE INDEX ... USING hnsw (vector_cosine_ops) while timing the longest event-loop stall (the
// build runs in slices), then measures top-10 recall of
//   SELECT id FROM items ORDER BY emb <=> $1 LIMIT 10
// against exact search (usearch's brute force) at the default ef_search, with queries per
// second through Session.execute (parse, bind, plan, index probe, result rows), and a filtered
// variant (WHERE id % 10 = 0: the index over-fetches until 10 rows pass).
//
//   npx tsc -p tsconfig.json && node dist/bench/ai/hnsw-sql.js [--n 100000] [--queries 500] [--quick]

import { exactSearch, MetricKind } from "usearch";
import { Database } from "../../src/index.js";
import { uniformVectors } from "./random-vectors.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const N = arg("n", quick ? 10_000 : 100_000);
const Q = arg("queries", quick ? 200 : 500);
const D = 100;
const K = 10;

const uniform = (n: number, seed: number) => uniformVectors(n, D, seed);

const text = (v: Float32Array) => `[${Array.from(v, (x) => x.toPrecision(7)).join(",")}]`;

const data = uniform(N, 1);
const queries = uniform(Q, 2);
const db = await Database.open({ memory: true });
const session = db.connect();
await session.execute("CREATE TABLE items (id INT PRIMARY KEY, emb VECTOR(100))");
let t0 = performance.now();
const BATCH = 1000;
for (let from = 0; from < N; from += BATCH) {
  const rows: string[] = [];
  for (let i = from; i < Math.min(N, from + BATCH); i++) rows.push(`(${i}, '${text(data.subarray(i * D, (i + 1) * D))}')`);
  await session.execute(`INSERT INTO items VALUES ${rows.join(",")}`);
}
console.log(`loaded ${N} rows of ${D} dims through INSERT in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// the longest gap between event-loop turns while the index builds
let last = performance.now();
let worstStall = 0;
let running = true;
const tick = () => {
  const now = performance.now();
  worstStall = Math.max(worstStall, now - last);
  last = now;
  if (running) setImmediate(tick);
};
setImmediate(tick);
t0 = performance.now();
await session.execute("CREATE INDEX items_emb ON items USING hnsw (emb vector_cosine_ops) WITH (m = 16, ef_construction = 128)");
running = false;
const buildSecs = (performance.now() - t0) / 1000;
const ef = db.vectorIndexes.get(db.catalog.findIndex(["items_emb"])!.id)!.efSearch;
console.log(`CREATE INDEX: ${buildSecs.toFixed(1)} s (incl. ef_search self-tuning → ${ef}); longest event-loop stall ${worstStall.toFixed(0)} ms`);

const plan = (await session.execute(`EXPLAIN SELECT id FROM items ORDER BY emb <=> '${text(queries.subarray(0, D))}' LIMIT ${K}`))[0].rows.map((r) => r[0]).join("\n");
if (!plan.includes("Index Scan using items_emb")) throw new Error(`the query does not use the index:\n${plan}`);

function truth(filter: (id: number) => boolean): Set<number>[] {
  // exact top-K among the rows passing `filter` (brute force over them)
  const ids: number[] = [];
  for (let i = 0; i < N; i++) if (filter(i)) ids.push(i);
  const sub = new Float32Array(ids.length * D);
  ids.forEach((id, j) => sub.set(data.subarray(id * D, (id + 1) * D), j * D));
  const res = exactSearch(sub, queries, D, K, MetricKind.Cos, 0);
  const out: Set<number>[] = [];
  for (let q = 0; q < Q; q++) {
    const m = "get" in res ? res.get(q) : res;
    out.push(new Set(Array.from(m.keys as BigUint64Array, (k) => ids[Number(k)])));
  }
  return out;
}

async function measure(label: string, sql: string, expected: Set<number>[]): Promise<{ recall: number; qps: number }> {
  let hits = 0;
  const start = performance.now();
  for (let q = 0; q < Q; q++) {
    const [r] = await session.execute(sql, [text(queries.subarray(q * D, (q + 1) * D))]);
    for (const row of r.rows) if (expected[q].has(Number(row[0]))) hits++;
  }
  const secs = (performance.now() - start) / 1000;
  const recall = hits / (Q * K);
  const qps = Q / secs;
  console.log(`  ${label.padEnd(44)} recall@10 ${recall.toFixed(3)}   ${qps.toFixed(0).padStart(5)} queries/s`);
  return { recall, qps };
}

console.log(`${Q} queries, top ${K}, cosine, through SQL (Session.execute, one connection):`);
const main = await measure(`default ef_search (${ef})`, `SELECT id FROM items ORDER BY emb <=> $1 LIMIT ${K}`, truth(() => true));
await measure("WHERE id % 10 = 0 (over-fetch)", `SELECT id FROM items WHERE id % 10 = 0 ORDER BY emb <=> $1 LIMIT ${K}`, truth((i) => i % 10 === 0));
await session.execute("SET hnsw.ef_search = 40");
await measure("SET hnsw.ef_search = 40 (pgvector's default)", `SELECT id FROM items ORDER BY emb <=> $1 LIMIT ${K}`, truth(() => true));
console.log(`\nsummary: ${N}x${D} random through SQL: recall@10 ${main.recall.toFixed(3)} at the default ef_search (${ef}), ${main.qps.toFixed(0)} qps; build ${buildSecs.toFixed(1)} s, longest stall ${worstStall.toFixed(0)} ms`);
if (main.recall < 0.95) {
  console.log("FAIL: recall below 0.95 at the default ef_search");
  process.exitCode = 1;
}
await db.close();
