// Partitioned dataflows against one node: views of the sqltests/streaming kinds (aggregates with
// HAVING, global aggregates, inner/outer/non-equi joins, joins of aggregates, DISTINCT, UNION ALL,
// set operations, top-N, ROW_NUMBER per partition, window functions, windows over a stream with
// watermarks, EMIT ON WINDOW CLOSE, session windows) run on one node over a seeded workload of
// INSERT/UPDATE/DELETE batches while their inputs are recorded; each view's plan is then cut into
// fragments at parallelism 1–4 and the recording replayed into every partition instance (the graph
// through JSON, deliveries between senders reordered by a seed, and every instance snapshotted,
// rebuilt and restored half-way): the union of the materialize partitions must equal the view.
//   SAGE_FRAGMENT_SEED=<n>   the workload's seed (default 424242)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordViews, replay, Rng, type Recording } from "./fragment-harness.js";

const SEED = Number(process.env.SAGE_FRAGMENT_SEED ?? 424242);

const SETUP = [
  "CREATE TABLE a (id INT PRIMARY KEY, k INT, g INT, x INT, s TEXT, d NUMERIC)",
  "CREATE TABLE b (id INT PRIMARY KEY, k INT, y INT)",
  "CREATE TABLE c (k INT, z INT)",
  "CREATE STREAM ev (k INT, v INT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '2 seconds')",
];

const VIEWS: Record<string, string> = {
  agg_having: "SELECT g, count(*) AS n, sum(x) AS sx, min(x) AS lo, max(x) AS hi, sum(d) AS sd FROM a GROUP BY g HAVING count(*) > 1",
  agg_global: "SELECT count(*) AS n, sum(x) AS sx, max(s) AS ms FROM a",
  agg_expr_key: "SELECT x % 3 AS m, count(*) AS n FROM a GROUP BY x % 3",
  count_distinct: "SELECT g, count(DISTINCT k) AS dk FROM a GROUP BY g",
  no_pk_agg: "SELECT k, sum(z) AS sz, count(*) AS n FROM c GROUP BY k",
  inner_join: "SELECT a.id AS aid, b.id AS bid, a.x, b.y FROM a JOIN b ON a.k = b.k",
  left_join_residual: "SELECT a.id AS aid, b.id AS bid FROM a LEFT JOIN b ON a.k = b.k AND b.y > a.x",
  right_join: "SELECT a.s, b.id FROM a RIGHT JOIN b ON a.k = b.k",
  full_join: "SELECT a.id AS aid, b.id AS bid FROM a FULL JOIN b ON a.k = b.k",
  expr_key_join: "SELECT a.id AS aid, b.id AS bid FROM a JOIN b ON a.k + 1 = b.k",
  non_equi_join: "SELECT a.id AS aid, b.id AS bid FROM a JOIN b ON a.x < b.y AND a.g = 1",
  join_agg: "SELECT b.y, count(*) AS n, sum(a.x) AS sx FROM a JOIN b ON a.k = b.k GROUP BY b.y",
  join_of_aggs: "SELECT p.k, p.n, q.sy FROM (SELECT k, count(*) AS n FROM a GROUP BY k) p JOIN (SELECT k, sum(y) AS sy FROM b GROUP BY k) q ON p.k = q.k",
  semi_join: "SELECT id, x FROM a WHERE k IN (SELECT k FROM b WHERE y > 2)",
  distinct_rows: "SELECT DISTINCT g, k FROM a",
  union_all: "SELECT k, x AS v FROM a UNION ALL SELECT k, y FROM b UNION ALL SELECT k, z FROM c",
  union_distinct: "SELECT k FROM a UNION SELECT k FROM b",
  except_all: "SELECT k FROM a EXCEPT ALL SELECT k FROM b",
  top_n: "SELECT id, x FROM a ORDER BY x DESC, id LIMIT 3",
  row_number: "SELECT * FROM (SELECT id, g, x, ROW_NUMBER() OVER (PARTITION BY g ORDER BY x, id) AS rn FROM a) t WHERE rn <= 2",
  window_sum: "SELECT id, g, sum(x) OVER (PARTITION BY g ORDER BY id) AS running FROM a",
  filter_project: "SELECT id, x * 2 AS x2, d FROM a WHERE s <> 'b'",
  tumble: "SELECT k, window_start, count(*) AS n, sum(v) AS sv FROM TUMBLE(ev, ts, INTERVAL '10 seconds') GROUP BY k, window_start",
  tumble_eowc: "SELECT k, window_start, window_end, count(*) AS n, max(v) AS mv FROM TUMBLE(ev, ts, INTERVAL '10 seconds') GROUP BY k, window_start, window_end EMIT ON WINDOW CLOSE",
  hop_global: "SELECT window_start, count(*) AS n FROM HOP(ev, ts, INTERVAL '5 seconds', INTERVAL '10 seconds') GROUP BY window_start",
  session: "SELECT k, window_start, window_end, count(*) AS n, sum(v) AS s FROM SESSION(ev, ts, INTERVAL '3 seconds', k) GROUP BY k, window_start, window_end",
  stream_table_join: "SELECT e.v, b.y FROM ev e JOIN b ON e.k = b.k",
};

const TEXTS = ["'a'", "'b'", "'c'", "NULL"];
const DECS = ["1.0", "1.00", "2.5", "NULL", "-0.25"];

async function workload(session: { execute(sql: string): Promise<unknown> }): Promise<void> {
  const r = new Rng(SEED);
  let nextA = 1;
  let nextB = 1;
  let t = Date.parse("2024-01-01T00:00:00Z");
  const ts = (ms: number) => `'${new Date(ms).toISOString().replace("T", " ").replace("Z", "")}'`;
  const small = () => (r.int(8) === 0 ? "NULL" : String(r.int(5)));
  for (let step = 0; step < 80; step++) {
    const what = r.int(10);
    if (what < 3) {
      const rows = Array.from({ length: 1 + r.int(6) }, () => `(${nextA++}, ${small()}, ${r.int(3)}, ${r.int(10)}, ${r.pick(TEXTS)}, ${r.pick(DECS)})`);
      await session.execute(`INSERT INTO a VALUES ${rows.join(", ")}`);
    } else if (what === 3) {
      const rows = Array.from({ length: 1 + r.int(4) }, () => `(${nextB++}, ${small()}, ${r.int(6)})`);
      await session.execute(`INSERT INTO b VALUES ${rows.join(", ")}`);
    } else if (what === 4) {
      await session.execute(`UPDATE a SET x = x + ${1 + r.int(3)}, k = ${small()} WHERE id % 4 = ${r.int(4)}`);
    } else if (what === 5) {
      await session.execute(`DELETE FROM ${r.pick(["a", "b"])} WHERE id % 7 = ${r.int(7)}`);
    } else if (what === 6) {
      await session.execute(`UPDATE b SET y = y + 1, id = id + 1000 WHERE id % 5 = ${r.int(5)} AND id < 1000`);
    } else if (what === 7) {
      const rows = Array.from({ length: 1 + r.int(3) }, () => `(${small()}, ${r.int(4)})`);
      await session.execute(`INSERT INTO c VALUES ${rows.join(", ")}`);
      if (r.int(3) === 0) await session.execute(`DELETE FROM c WHERE z = ${r.int(4)}`);
    } else {
      // a stream batch, times moving forward with some rows out of order (late ones are dropped)
      const rows = Array.from({ length: 1 + r.int(8) }, () => {
        t += r.int(1500);
        return `(${r.int(4)}, ${r.int(20)}, ${ts(t - r.int(4000))})`;
      });
      await session.execute(`INSERT INTO ev VALUES ${rows.join(", ")}`);
    }
  }
}

let rec: Recording;

describe(`partitioned views equal one node's (seed ${SEED})`, () => {
  beforeAll(async () => {
    const views = Object.entries(VIEWS).map(([name, q]) => `CREATE MATERIALIZED VIEW ${name} AS ${q}`);
    rec = await recordViews([...SETUP, ...views], Object.keys(VIEWS), workload);
  }, 120_000);
  afterAll(async () => {
    await rec?.db.close();
  });

  it("the workload leaves every view non-trivial", () => {
    for (const [name, v] of rec.views) {
      expect(v.expected.length, name).toBeGreaterThan(0);
      expect(v.changes.size, name).toBeGreaterThan(2);
    }
  });

  for (const name of Object.keys(VIEWS)) {
    it(name, () => {
      const v = rec.views.get(name)!;
      for (const p of [1, 2, 3, 4]) {
        const plain = replay(rec, name, { parallelism: p });
        expect(plain.rows, `${name} at parallelism ${p}`).toEqual(v.expected);
        // what SUBSCRIBE would gather from the partitions: the same net changes, epoch by epoch
        expect(plain.changes, `${name}'s changes per epoch at parallelism ${p}`).toEqual(v.changes);
        const shuffled = replay(rec, name, { parallelism: p, shuffleSeed: SEED + p, restoreAt: 0.5 });
        expect(shuffled.rows, `${name} at parallelism ${p}, shuffled, restored half-way`).toEqual(v.expected);
        expect(shuffled.changes, `${name}'s changes per epoch at parallelism ${p}, shuffled, restored`).toEqual(v.changes);
      }
    });
  }
});
