// View maintenance as history grows: a join + aggregate view
//   SELECT c.region, count(*), sum(o.amount) FROM orders o JOIN customers c ON o.customer = c.id GROUP BY c.region
// over 10,000 customers and H orders of history (10k, 100k, 1M), under continuous inserts of
// batches of 1,000 orders. Per batch: sage-sql inserts through SQL (the view is maintained before
// the INSERT returns) and reads the view; DuckDB (1 thread) inserts the same rows and re-runs the
// query over the whole history (what a user without a streaming DB does) and reads its result.
// Figure: milliseconds per batch (lower is better); ratio = DuckDB / sage, which should grow with
// H: sage's cost per batch does not depend on history, a recomputation's does.
// After each run the inserted orders are deleted again (untimed), so the history stays at H.

import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { Database, type Session } from "../../src/index.js";
import { type BenchCase, type BenchContext, type BenchModule, type Contender, type Sample, measure, probe, resultRow } from "../lib/harness.js";

const CUSTOMERS = 10_000;
const BATCH = 1_000;
const VIEW = "SELECT c.region, count(*) AS n, sum(o.amount) AS total FROM orders o JOIN customers c ON o.customer = c.id GROUP BY c.region";
/** order i: customer (i · 7919) mod 10000, amount (i · 31) mod 1000 — the same in both SQL dialects */
const ORDER_COLUMNS = "i, (i::BIGINT * 7919 % 10000)::INT, (i::BIGINT * 31 % 1000)::INT";

function digest(rows: unknown[][]): string {
  let n = 0;
  let total = 0;
  let w = 0;
  for (const [region, count, sum] of rows) {
    n += Number(count);
    total += Number(sum);
    w += (Number(region) + 1) * Number(sum);
  }
  return `groups=${rows.length} rows=${n} sum=${total} w=${w}`;
}

class SageSide {
  private constructor(
    readonly db: Database,
    readonly s: Session,
  ) {}

  static async open(history: number): Promise<SageSide> {
    const db = await Database.open({ memory: true });
    const s = db.connect();
    await s.execute("CREATE TABLE customers (id INT, region INT); CREATE TABLE orders (id INT, customer INT, amount INT)");
    await s.execute(`INSERT INTO customers SELECT i, i % 100 FROM generate_series(0, ${CUSTOMERS - 1}) AS g(i)`);
    for (let a = 0; a < history; a += 100_000) {
      await s.execute(`INSERT INTO orders SELECT ${ORDER_COLUMNS} FROM generate_series(${a}, ${Math.min(history, a + 100_000) - 1}) AS g(i)`);
    }
    await s.execute(`CREATE MATERIALIZED VIEW mv AS ${VIEW}`);
    return new SageSide(db, s);
  }

  async batch(from: number): Promise<unknown[][]> {
    await this.s.execute(`INSERT INTO orders SELECT ${ORDER_COLUMNS} FROM generate_series(${from}, ${from + BATCH - 1}) AS g(i)`);
    return (await this.s.execute("SELECT region, n, total FROM mv"))[0].rows;
  }

  async reset(history: number): Promise<void> {
    await this.s.execute(`DELETE FROM orders WHERE id >= ${history}`);
  }
}

class DuckSide {
  private constructor(
    readonly instance: DuckDBInstance,
    readonly con: DuckDBConnection,
  ) {}

  static async open(history: number): Promise<DuckSide> {
    const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
    const con = await instance.connect();
    await con.run("CREATE TABLE customers (id INTEGER, region INTEGER); CREATE TABLE orders (id INTEGER, customer INTEGER, amount INTEGER)");
    await con.run(`INSERT INTO customers SELECT i, i % 100 FROM range(0, ${CUSTOMERS}) AS g(i)`);
    if (history > 0) await con.run(`INSERT INTO orders SELECT ${ORDER_COLUMNS} FROM range(0, ${history}) AS g(i)`);
    return new DuckSide(instance, con);
  }

  async batch(from: number): Promise<unknown[][]> {
    await this.con.run(`INSERT INTO orders SELECT ${ORDER_COLUMNS} FROM range(${from}, ${from + BATCH}) AS g(i)`);
    return (await this.con.runAndReadAll(VIEW)).getRows();
  }

  async reset(history: number): Promise<void> {
    await this.con.run(`DELETE FROM orders WHERE id >= ${history}`);
  }

  close(): void {
    this.con.closeSync();
    this.instance.closeSync();
  }
}

function contender(name: string, side: { batch(from: number): Promise<unknown[][]>; reset(h: number): Promise<void> }, history: number, batches: number): Contender {
  return {
    name,
    async run(): Promise<Sample> {
      let last: unknown[][] = [];
      const t0 = performance.now();
      for (let b = 0; b < batches; b++) {
        last = await side.batch(history + b * BATCH);
        probe();
      }
      const ms = performance.now() - t0;
      const check = digest(last);
      await side.reset(history);
      return { value: ms / batches, check };
    },
  };
}

function historyCase(history: number, label: string): BenchCase {
  return {
    name: `history-${label}`,
    async run(ctx: BenchContext) {
      const batches = ctx.quick ? 20 : 50;
      const t0 = performance.now();
      const sage = await SageSide.open(history);
      const duck = await DuckSide.open(history);
      ctx.log(`history-${label}: loaded ${history.toLocaleString("en")} orders into both in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      try {
        const m = await measure({
          name: `history-${label}`,
          contenders: [contender("sage", sage, history, batches), contender("duckdb", duck, history, batches)],
          runs: 5,
          warmups: 1,
          ctx,
        });
        return [
          resultRow(m, {
            name: `view-maintenance/history-${label}`,
            unit: "ms/batch",
            higherIsBetter: false,
            sage: "sage",
            peers: ["duckdb"],
            notes: `join + aggregate view, ${history.toLocaleString("en")} orders of history, 10,000 customers, batches of ${BATCH} orders (${batches} per run); sage: INSERT ... generate_series then SELECT from the view; duckdb (1 thread): INSERT then re-run the query`,
            target: history >= 1_000_000 ? { value: 20, text: "≥ 20× faster than DuckDB recomputation at 1M rows" } : undefined,
          }),
        ].map((r) => {
          if (r.target && history >= 1_000_000) r.target.met = (r.ratios?.duckdb ?? 0) >= 20;
          return r;
        });
      } finally {
        duck.close();
        await sage.db.close();
      }
    },
  };
}

export const historyModule: BenchModule = {
  name: "view-maintenance",
  description: "per-batch cost of a join + aggregate view at 10k, 100k and 1M rows of history: sage-sql vs DuckDB recomputation",
  cases: [historyCase(10_000, "10k"), historyCase(100_000, "100k"), historyCase(1_000_000, "1M")],
};
