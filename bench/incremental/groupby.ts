// Incremental GROUP BY: rows (id, k, v), k in 0..9999, fed in batches of 10,000 into a view
// `SELECT k, sum(v), count(*) ... GROUP BY k` that is brought up to date after every batch.
// Contenders, all fed the same rows:
//   sage-core         the engine's dataflow (ChangeFeed → HashAggregate, appendOnly = false) built
//                     from the view's physical plan; one barrier per batch; no SQL, no table
//   sage-sql-series   SQL: INSERT INTO t SELECT ... FROM generate_series(...) (+ DELETE ... WHERE id
//                     range) into a table with the materialized view
//   sage-sql-values   SQL: INSERT INTO t VALUES (...), ... 10,000 tuples per statement
//   d2ts              @electric-sql/d2ts groupBy(sum, count), one version per batch
//   db-ivm            @tanstack/db-ivm groupBy(sum, count), one run() per batch
//   js-loop           a hand-written loop over typed arrays (sums/counts arrays, dirty list): the
//                     practical limit of one JS thread
//   duckdb            @duckdb/node-api, 1 thread: append the batch, then re-run the GROUP BY over
//                     the accumulated table and read its rows (what a user without a streaming DB does)
// Every contender's final view is reduced to a digest; they must all agree.

import { DuckDBInstance } from "@duckdb/node-api";
import * as d2ts from "@electric-sql/d2ts";
import * as ivm from "@tanstack/db-ivm";
import { Database } from "../../src/index.js";
import { Dataflow, type Operator } from "../../src/executor/index.js";
import type { PhysicalPlan } from "../../src/planner/index.js";
import { Chunk, Column, Types } from "../../src/types/index.js";
import { type BenchCase, type BenchContext, type BenchModule, type Contender, type Sample, measure, perSecond, probe, resultRow } from "../lib/harness.js";
import { type GroupByInput, GroupState, KEYS, SQL_KEY, SQL_VALUE, makeInput } from "./groupby-data.js";

const VIEW_SQL = "SELECT k, sum(v) AS s, count(*) AS c FROM t GROUP BY k";

// ---------------------------------------------------------------- sage, engine core

async function viewPlan(): Promise<{ plan: PhysicalPlan; relation: string; db: Database }> {
  const db = await Database.open({ memory: true });
  const s = db.connect();
  await s.execute(`CREATE TABLE t (id INT, k INT, v INT); CREATE MATERIALIZED VIEW mv AS ${VIEW_SQL}`);
  const df = db.streams.all()[0];
  return { plan: df.plan, relation: df.inputs[0], db };
}

function column(data: Int32Array): Column {
  return new Column(Types.integer, data, null, data.length);
}

export async function sageCore(input: GroupByInput): Promise<Contender> {
  const { plan, relation, db } = await viewPlan();
  const ctx = db.connect().executionContext([]);
  return {
    name: "sage-core",
    async run(): Promise<Sample> {
      const state = new GroupState();
      // the view's consumer: applies the change rows (k int, sum bigint, count bigint) to arrays
      const sink: Operator = {
        name: "BenchSink",
        push(_port, msg) {
          if (msg.kind !== "chunk") return;
          const c = msg.chunk;
          const k = c.columns[0].data as Int32Array;
          const s = c.columns[1].data as BigInt64Array;
          const n = c.columns[2].data as BigInt64Array;
          // read the bigint columns' low words (values here are < 2^31) without allocating BigInts
          const sw = new Int32Array(s.buffer, s.byteOffset, s.length * 2);
          const nw = new Int32Array(n.buffer, n.byteOffset, n.length * 2);
          for (let i = 0; i < c.length; i++) {
            const sv = sw[2 * i + 1] === 0 && sw[2 * i] >= 0 ? sw[2 * i] : Number(s[i]);
            state.apply(k[i], sv, nw[2 * i + 1] === 0 && nw[2 * i] >= 0 ? nw[2 * i] : Number(n[i]), c.op(i));
          }
        },
      };
      const df = new Dataflow("bench", plan, ctx, sink);
      const { ids, keys, values } = input;
      let epoch = 1;
      const t0 = performance.now();
      for (const b of input.batches) {
        const end = b.insFrom + b.insCount;
        df.deliver(relation, new Chunk([column(ids.subarray(b.insFrom, end)), column(keys.subarray(b.insFrom, end)), column(values.subarray(b.insFrom, end))], b.insCount));
        if (b.delCount > 0) {
          const de = b.delFrom + b.delCount;
          const ops = new Int8Array(b.delCount).fill(-1);
          df.deliver(relation, new Chunk([column(ids.subarray(b.delFrom, de)), column(keys.subarray(b.delFrom, de)), column(values.subarray(b.delFrom, de))], b.delCount, ops));
        }
        df.barrier(epoch++);
        probe();
      }
      const ms = performance.now() - t0;
      return { value: perSecond(input.events, ms), check: state.digest() };
    },
  };
}

// ---------------------------------------------------------------- sage, through SQL

async function finalViewDigest(db: Database): Promise<string> {
  const state = new GroupState();
  const r = await db.connect().execute("SELECT k, s, c FROM mv");
  for (const [k, s, c] of r[0].rows as [number, bigint, bigint][]) state.apply(k, Number(s), Number(c), 1);
  return state.digest();
}

export function sageSql(input: GroupByInput, mode: "series" | "values"): Contender {
  // statements are built before the clock starts (a client would have them ready too)
  const statements = input.batches.map((b) => {
    const list: string[] = [];
    if (mode === "series") {
      list.push(`INSERT INTO t SELECT i, ${SQL_KEY}, ${SQL_VALUE} FROM generate_series(${b.insFrom}, ${b.insFrom + b.insCount - 1}) AS g(i)`);
    } else {
      const tuples: string[] = [];
      for (let i = b.insFrom; i < b.insFrom + b.insCount; i++) tuples.push(`(${i},${input.keys[i]},${input.values[i]})`);
      list.push(`INSERT INTO t VALUES ${tuples.join(",")}`);
    }
    if (b.delCount > 0) list.push(`DELETE FROM t WHERE id >= ${b.delFrom} AND id < ${b.delFrom + b.delCount}`);
    return list;
  });
  return {
    name: mode === "series" ? "sage-sql-series" : "sage-sql-values",
    async run(): Promise<Sample> {
      const db = await Database.open({ memory: true });
      const s = db.connect();
      await s.execute(`CREATE TABLE t (id INT, k INT, v INT); CREATE MATERIALIZED VIEW mv AS ${VIEW_SQL}`);
      const t0 = performance.now();
      for (const list of statements) {
        for (const sql of list) await s.execute(sql);
        probe();
      }
      const ms = performance.now() - t0;
      const check = await finalViewDigest(db);
      await db.close();
      return { value: perSecond(input.events, ms), check };
    },
  };
}

// ---------------------------------------------------------------- d2ts and db-ivm

interface Row {
  id: number;
  k: number;
  v: number;
}

function rowsOf(input: GroupByInput, from: number, count: number, mult: number): [Row, number][] {
  const out: [Row, number][] = new Array(count);
  for (let j = 0; j < count; j++) {
    const i = from + j;
    out[j] = [{ id: i, k: input.keys[i], v: input.values[i] }, mult];
  }
  return out;
}

type Agg = { k: number; s: number; c: number };

export function d2tsContender(input: GroupByInput): Contender {
  return {
    name: "d2ts",
    async run(): Promise<Sample> {
      // the rows are made before the clock starts, as for the other contenders
      const batches = input.batches.map((b) => [...rowsOf(input, b.insFrom, b.insCount, 1), ...rowsOf(input, b.delFrom, b.delCount, -1)]);
      const state = new GroupState();
      const graph = new d2ts.D2({ initialFrontier: 0 });
      const inp = graph.newInput<Row>();
      inp.pipe(
        d2ts.groupBy((r: Row) => ({ k: r.k }), { s: d2ts.groupByOperators.sum((r: Row) => r.v), c: d2ts.groupByOperators.count() }),
        d2ts.output((msg) => {
          if (msg.type !== d2ts.MessageType.DATA) return;
          for (const [[, row], m] of msg.data.collection.getInner() as [[string, Agg], number][]) state.apply(row.k, row.s, row.c, m);
        }),
      );
      graph.finalize();
      const t0 = performance.now();
      for (let v = 0; v < batches.length; v++) {
        inp.sendData(v, new d2ts.MultiSet(batches[v]));
        inp.sendFrontier(v + 1);
        graph.run();
        probe();
      }
      const ms = performance.now() - t0;
      return { value: perSecond(input.events, ms), check: state.digest() };
    },
  };
}

export function dbIvmContender(input: GroupByInput): Contender {
  return {
    name: "db-ivm",
    async run(): Promise<Sample> {
      const batches = input.batches.map((b) => [...rowsOf(input, b.insFrom, b.insCount, 1), ...rowsOf(input, b.delFrom, b.delCount, -1)]);
      const state = new GroupState();
      const graph = new ivm.D2();
      const inp = graph.newInput<Row>();
      inp.pipe(
        ivm.groupBy((r: Row) => ({ k: r.k }), { s: ivm.groupByOperators.sum((r: Row) => r.v), c: ivm.groupByOperators.count() }),
        ivm.output((data) => {
          for (const [[, row], m] of data.getInner() as [[string, Agg], number][]) state.apply(row.k, row.s, row.c, m);
        }),
      );
      graph.finalize();
      const t0 = performance.now();
      for (const batch of batches) {
        inp.sendData(new ivm.MultiSet(batch));
        graph.run();
        probe();
      }
      const ms = performance.now() - t0;
      return { value: perSecond(input.events, ms), check: state.digest() };
    },
  };
}

// ---------------------------------------------------------------- plain typed-array loop

export function jsLoop(input: GroupByInput): Contender {
  return {
    name: "js-loop",
    async run(): Promise<Sample> {
      const sums = new Float64Array(KEYS);
      const counts = new Float64Array(KEYS);
      const dirty = new Uint8Array(KEYS);
      const dirtyList = new Int32Array(KEYS);
      // the view's output per batch: the changed groups' new rows
      const outK = new Int32Array(KEYS);
      const outS = new Float64Array(KEYS);
      const outC = new Float64Array(KEYS);
      const state = new GroupState();
      const { keys, values } = input;
      const t0 = performance.now();
      for (const b of input.batches) {
        let nd = 0;
        for (let i = b.insFrom, e = b.insFrom + b.insCount; i < e; i++) {
          const k = keys[i];
          sums[k] += values[i];
          counts[k]++;
          if (dirty[k] === 0) {
            dirty[k] = 1;
            dirtyList[nd++] = k;
          }
        }
        for (let i = b.delFrom, e = b.delFrom + b.delCount; i < e; i++) {
          const k = keys[i];
          sums[k] -= values[i];
          counts[k]--;
          if (dirty[k] === 0) {
            dirty[k] = 1;
            dirtyList[nd++] = k;
          }
        }
        for (let j = 0; j < nd; j++) {
          const k = dirtyList[j];
          dirty[k] = 0;
          outK[j] = k;
          outS[j] = sums[k];
          outC[j] = counts[k];
        }
        for (let j = 0; j < nd; j++) state.apply(outK[j], outS[j], outC[j], 1);
      }
      const ms = performance.now() - t0;
      return { value: perSecond(input.events, ms), check: state.digest() };
    },
  };
}

// ---------------------------------------------------------------- DuckDB recomputation

export function duckdbRecompute(input: GroupByInput): Contender {
  return {
    name: "duckdb",
    optional: true,
    async run(): Promise<Sample> {
      const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
      const con = await instance.connect();
      await con.run("CREATE TABLE t (id INTEGER, k INTEGER, v INTEGER)");
      const { ids, keys, values } = input;
      let last: unknown[][] = [];
      const t0 = performance.now();
      for (const b of input.batches) {
        const app = await con.createAppender("t");
        for (let i = b.insFrom, e = b.insFrom + b.insCount; i < e; i++) {
          app.appendInteger(ids[i]);
          app.appendInteger(keys[i]);
          app.appendInteger(values[i]);
          app.endRow();
        }
        app.closeSync();
        if (b.delCount > 0) await con.run(`DELETE FROM t WHERE id >= ${b.delFrom} AND id < ${b.delFrom + b.delCount}`);
        const r = await con.runAndReadAll("SELECT k, sum(v) AS s, count(*) AS c FROM t GROUP BY k");
        last = r.getRows();
        probe();
      }
      const ms = performance.now() - t0;
      const state = new GroupState();
      for (const [k, s, c] of last) state.apply(Number(k), Number(s), Number(c), 1);
      con.closeSync();
      instance.closeSync();
      return { value: perSecond(input.events, ms), check: state.digest() };
    },
  };
}

// ---------------------------------------------------------------- the cases

function groupByCase(label: string, deleteFraction: number): BenchCase {
  return {
    name: `groupby-${label}`,
    async run(ctx: BenchContext) {
      const total = ctx.quick ? 20_000 : 1_000_000;
      const input = makeInput(total, 10_000, deleteFraction);
      ctx.log(`groupby-${label}: ${input.description}`);
      const contenders: Contender[] = [
        await sageCore(input),
        sageSql(input, "series"),
        sageSql(input, "values"),
        d2tsContender(input),
        dbIvmContender(input),
        jsLoop(input),
        duckdbRecompute(input),
      ];
      const m = await measure({ name: `groupby-${label}`, contenders, runs: 5, warmups: 1, ctx, budgetSeconds: 90 });
      const peers = ["d2ts", "db-ivm", "js-loop", "duckdb"];
      const note = `${input.description}; view SELECT k, sum(v), count(*) GROUP BY k over 10,000 keys`;
      return [
        resultRow(m, { name: `groupby-${label}/core`, unit: "rows/s", higherIsBetter: true, sage: "sage-core", peers, notes: `${note}; engine core (Dataflow, HashAggregate, barrier per batch)`, target: { value: 20e6, text: "≥ 20M rows/s, ≥ 1/5 of js-loop, ≥ 50× d2ts and db-ivm" } }),
        resultRow(m, { name: `groupby-${label}/sql-series`, unit: "rows/s", higherIsBetter: true, sage: "sage-sql-series", peers, notes: "INSERT INTO t SELECT ... FROM generate_series per batch (+ DELETE ... WHERE id range)" }),
        resultRow(m, { name: `groupby-${label}/sql-values`, unit: "rows/s", higherIsBetter: true, sage: "sage-sql-values", peers, notes: "INSERT INTO t VALUES with 10,000 tuples per batch (SQL parse included)" }),
      ];
    },
  };
}

export const groupByModule: BenchModule = {
  name: "incremental",
  description: "incremental GROUP BY with sum and count against d2ts, db-ivm, a typed-array loop and DuckDB recomputation",
  cases: [groupByCase("insert", 0), groupByCase("delete10", 0.1)],
};
