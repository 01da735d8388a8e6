// One cluster of real processes on loopback: nats-server (JetStream, a temp store), two
// coordinators (`sage-sql serve --role coordinator`: a leader and a standby) and three workers
// (`sage-sql worker`), all children running the built CLI (dist/). Nexmark q5, q7 and q8 run as
// views at parallelism 3 on the workers and must equal the same views on a single-node Database
// fed the same INSERTs; then, under a steady INSERT load, workers are killed with SIGKILL and
// restarted, the leader coordinator is killed three times (the standby takes over, the killed one
// comes back as the new standby), a worker is added and one removed: no acknowledged row may be
// lost and every view must be exact at the end. A worker with a wrong token is refused.
//   SAGE_CLUSTER_TEST_EVENTS=<n>      nexmark events (default 6000)
//   SAGE_CLUSTER_TEST_KILLS=<n>       worker kill -9 cycles (default 10)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUERIES } from "../bench/nexmark/nexmark.js";
import { createGeneratorSource } from "../src/connectors/index.js";
import { tableEventsBefore } from "../src/connectors/nexmark/event-model.js";
import { Database } from "../src/database.js";
import type { Session } from "../src/session.js";
import { formatValue, type Chunk, type DataType } from "../src/types/index.js";
import { CliChild, sleep } from "./cluster/cli-child.js";
import { ProcessCluster, sortedLines, until } from "./cluster/process-cluster.js";

const EVENTS = Number(process.env.SAGE_CLUSTER_TEST_EVENTS ?? 6000);
const WORKER_KILLS = Number(process.env.SAGE_CLUSTER_TEST_KILLS ?? 10);

const TABLE_SQL: Record<string, string> = {
  person: "id BIGINT, name VARCHAR, email_address VARCHAR, credit_card VARCHAR, city VARCHAR, state VARCHAR, date_time TIMESTAMP, extra VARCHAR",
  auction: "id BIGINT, item_name VARCHAR, description VARCHAR, initial_bid BIGINT, reserve BIGINT, date_time TIMESTAMP, expires TIMESTAMP, seller BIGINT, category BIGINT, extra VARCHAR",
  bid: "auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, date_time TIMESTAMP, extra VARCHAR",
};
const VIEWS = QUERIES.filter((q) => ["q5", "q7", "q8"].includes(q.name));

const VERBOSE = process.env.SAGE_CLUSTER_TEST_VERBOSE === "1";
const t0 = Date.now();
function note(line: string): void {
  if (VERBOSE) process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);
}

/** SQL literal of a value as the engine prints it (numbers bare, the rest quoted) */
function literal(type: DataType, v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if ((typeof v === "number" || typeof v === "bigint") && /int|numeric|double|real/.test(type.id)) return String(v);
  return `'${formatValue(type, v, { timeZone: "UTC" }).replace(/'/g, "''")}'`;
}

function insertSql(table: string, chunk: Chunk): string {
  const types = chunk.columns.map((c) => c.type);
  const rows = chunk.rows().map((r) => `(${r.map((v, i) => literal(types[i], v)).join(", ")})`);
  return `INSERT INTO ${table} VALUES ${rows.join(", ")}`;
}

/** the nexmark events [0, EVENTS) as INSERT statements, a few hundred rows each */
function nexmarkInserts(): string[] {
  return buildInserts(500);
}

let columnsOf: (t: string) => { name: string; type: DataType }[] = () => [];

function buildInserts(tick: number): string[] {
  const out: string[] = [];
  const gens = new Map(
    Object.keys(TABLE_SQL).map((t) => {
      const options = { "nexmark.table": t, "nexmark.events_per_second": "0", "nexmark.max_events": String(EVENTS), "nexmark.first_event_rate": "500" };
      return [t, createGeneratorSource("nexmark", options, columnsOf(t))];
    }),
  );
  for (let lo = 0; lo < EVENTS; lo += tick) {
    const hi = Math.min(EVENTS, lo + tick);
    for (const t of Object.keys(TABLE_SQL)) {
      const due = tableEventsBefore(t as "person" | "auction" | "bid", hi) - tableEventsBefore(t as "person" | "auction" | "bid", lo);
      if (due <= 0) continue;
      const chunk = gens.get(t)!.next(due);
      if (chunk !== null && chunk.length > 0) out.push(insertSql(t, chunk));
    }
  }
  return out;
}

/** the single-node answer: the same tables, views and INSERTs in one in-process Database */
async function singleNode(session: Session, sql: string): Promise<string[]> {
  const [r] = await session.execute(sql);
  return sortedLines(r.rows.map((row) => row.map((v, i) => (v === null ? (null as unknown as string) : typeof v === "string" ? v : formatValue(r.columns[i].type, v, { timeZone: "UTC" })))));
}

describe("a cluster of real processes: a coordinator, a standby and workers on NATS", () => {
  let cluster: ProcessCluster;
  let reference: Database;
  let refSession: Session;
  const startCoordinator = (name: string) => cluster.startCoordinator(name);
  const startWorker = (id: string) => cluster.startWorker(id);
  const query = (sql: string) => cluster.query(sql);
  const context = () => cluster.context();

  async function viewsEqualSingleNode(when: string): Promise<void> {
    await query("FLUSH");
    note("flushed");
    for (const v of VIEWS) {
      const expected = await singleNode(refSession, `SELECT * FROM ${v.name}`);
      const got = sortedLines(await query(`SELECT * FROM ${v.name}`));
      expect(expected.length, `${v.name} has rows`).toBeGreaterThan(0);
      expect(got, `${v.name} ${when}`).toEqual(expected);
    }
  }

  beforeAll(async () => {
    cluster = await ProcessCluster.start();
    reference = await Database.open({ memory: true });
    refSession = reference.connect() as Session;
    await startCoordinator("coordinator A");
    await startCoordinator("coordinator B");
    for (const id of ["w1", "w2", "w3"]) await startWorker(id);
    await until("three workers listed", async () => (await query("SELECT id FROM sage_catalog.workers")).length === 3, 30_000, context);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop(VERBOSE);
    await reference?.close();
  });

  it("runs Nexmark q5, q7 and q8 at parallelism 3 on the workers, equal to a single node", async () => {
    for (const [t, cols] of Object.entries(TABLE_SQL)) {
      await query(`CREATE TABLE ${t} (${cols})`);
      await refSession.execute(`CREATE TABLE ${t} (${cols})`);
    }
    columnsOf = (t) => reference.catalog.findRelation(["public", t])!.columns.map((c) => ({ name: c.name, type: c.type }));
    for (const v of VIEWS) {
      await query(`CREATE MATERIALIZED VIEW ${v.name} WITH (parallelism = 3) AS ${v.sql}`);
      await refSession.execute(`CREATE MATERIALIZED VIEW ${v.name} AS ${v.sql}`);
    }
    const inserts = nexmarkInserts();
    note(`${inserts.length} nexmark INSERTs`);
    for (const sql of inserts) {
      await query(sql);
      await refSession.execute(sql);
    }
    note("inserted");
    await viewsEqualSingleNode("after the nexmark events");
    note("views equal");
    // every view runs on the workers: 3 partitions per fragment, each placed on a worker
    const fragments = await query("SELECT view, fragment, parallelism, placement FROM sage_catalog.fragments");
    for (const v of VIEWS) {
      const mine = fragments.filter((f) => f[0] === `public.${v.name}`);
      expect(mine.length, `${v.name}'s fragments`).toBeGreaterThan(0);
      for (const f of mine) {
        expect(Number(f[2])).toBe(3);
        expect(f[3].split(",").every((w) => ["w1", "w2", "w3"].includes(w.trim())), `placement ${f[3]}`).toBe(true);
      }
    }
  }, 120_000);

  it("views on workers see exactly what the table took: a write over 512 KB, ON CONFLICT DO NOTHING, a rejected write, TRUNCATE", async () => {
    await query("CREATE TABLE kv (id INT PRIMARY KEY, k INT, pad TEXT)");
    await query("CREATE MATERIALIZED VIEW kv_agg WITH (parallelism = 2) AS SELECT k, count(*) AS n, sum(id) AS s FROM kv GROUP BY k");
    const exact = async (when: string) => {
      await query("FLUSH");
      const expected = sortedLines(await query("SELECT k, count(*), sum(id) FROM kv GROUP BY k"));
      expect(sortedLines(await query("SELECT k, n, s FROM kv_agg")), `kv_agg ${when}`).toEqual(expected);
      return expected;
    };
    // over 512 KB encoded: a blob message the workers fetch from the object store
    await query("INSERT INTO kv SELECT g, g % 5, repeat('x', 100) || g FROM generate_series(1, 20000) AS g");
    await query("INSERT INTO kv VALUES (1, 9, 'dup'), (30001, 9, 'new') ON CONFLICT DO NOTHING");
    await expect(query("INSERT INTO kv VALUES (30002, 9, 'c'), (2, 9, 'dup')")).rejects.toMatchObject({ code: "23505" });
    const before = await exact("after the large write");
    expect(before).toContain(JSON.stringify(["9", "1", "30001"]));
    expect(before.length).toBe(6);
    expect((await query("SELECT view FROM sage_catalog.fragments WHERE view = 'public.kv_agg' AND placement IS NOT NULL")).length).toBeGreaterThan(0);
    await query("TRUNCATE kv");
    await query("INSERT INTO kv VALUES (7, 2, 'after')");
    expect(await exact("after TRUNCATE")).toEqual([JSON.stringify(["2", "1", "7"])]);
    await query("DROP MATERIALIZED VIEW kv_agg");
  }, 120_000);

  it("loses no acknowledged row through worker and coordinator kills, and every view is exact at the end", async () => {
    await query("CREATE TABLE load (id BIGINT, k INT, v INT)");
    await query("CREATE MATERIALIZED VIEW load_agg WITH (parallelism = 3) AS SELECT k, count(*) AS n, sum(v) AS s FROM load GROUP BY k");
    const acked: number[] = [];
    let failed = 0;
    let stop = false;
    // the steady load: one INSERT at a time, each id acknowledged or not
    const loader = (async () => {
      for (let id = 1; !stop; id++) {
        try {
          await query(`INSERT INTO load VALUES (${id}, ${id % 7}, ${id % 13})`);
          acked.push(id);
        } catch {
          failed++;
          await sleep(100);
        }
        await sleep(15);
      }
    })();
    const started = Date.now();
    try {
      // workers: kill -9 a random one, let the survivors take its partitions, start it again
      for (let i = 0; i < WORKER_KILLS; i++) {
        const ids = [...cluster.workers.keys()];
        const id = ids[Math.floor(Math.random() * ids.length)];
        note(`kill -9 ${id} (${acked.length} rows acknowledged)`);
        await cluster.workers.get(id)!.kill9();
        cluster.workers.delete(id);
        await sleep(700);
        await startWorker(id);
        await sleep(800);
      }
      // the leader coordinator: kill -9, the standby takes over, the killed one returns as the standby
      for (let i = 0; i < 3; i++) {
        const leaderPort = await cluster.leaderPort();
        const leader = cluster.coordinators.find((c) => c.port === leaderPort)!;
        note(`kill -9 the leader ${leader.child.name} (${acked.length} rows acknowledged)`);
        await leader.child.kill9();
        cluster.coordinators.splice(cluster.coordinators.indexOf(leader), 1);
        cluster.dropClient();
        const before = acked.length;
        await until("the standby taking over and acknowledging writes", async () => acked.length > before + 5, 30_000, context);
        await startCoordinator(`coordinator ${String.fromCharCode(67 + i)}`);
      }
      // membership changes while streaming: a fourth worker joins, then w1 leaves
      note("adding w4");
      await startWorker("w4");
      await sleep(1500);
      await cluster.workers.get("w1")!.stop();
      cluster.workers.delete("w1");
      await sleep(1500);
    } finally {
      stop = true;
      await loader;
    }
    const elapsed = Date.now() - started;
    note(`load stopped: ${acked.length} acknowledged, ${failed} failed`);
    expect(acked.length, `rows acknowledged in ${elapsed} ms (${failed} statements failed while a leader was away)`).toBeGreaterThan(100);
    await query("FLUSH");
    const stored = new Set((await query("SELECT id FROM load")).map((r) => Number(r[0])));
    const lost = acked.filter((id) => !stored.has(id));
    expect(lost, "acknowledged rows missing from the table").toEqual([]);
    // updates and deletes reach the workers as changes too (an update carries the rows it replaces)
    await query("UPDATE load SET v = v + 100 WHERE k = 3");
    await query("DELETE FROM load WHERE k = 5");
    await query("FLUSH");
    const expected = sortedLines(await query("SELECT k, count(*), sum(v) FROM load GROUP BY k"));
    expect(expected.some((l) => l.startsWith('["5"'))).toBe(false);
    expect(sortedLines(await query("SELECT k, n, s FROM load_agg")), "load_agg is exact").toEqual(expected);
    await viewsEqualSingleNode("after the kills");
    const listed = await until("the workers listed as they are", async () => {
      const ids = (await query("SELECT id FROM sage_catalog.workers")).map((r) => r[0]).sort();
      return ids.join(",") === [...cluster.workers.keys()].sort().join(",") ? ids : null;
    }, 15_000, context);
    expect(listed).toEqual([...cluster.workers.keys()].sort());
    // DROP takes the view off the workers
    await query("DROP MATERIALIZED VIEW load_agg");
    await until("load_agg gone from sage_catalog.fragments", async () => (await query("SELECT view FROM sage_catalog.fragments WHERE view = 'public.load_agg'")).length === 0, 15_000, context);
    expect((await query("SELECT DISTINCT view FROM sage_catalog.fragments")).map((r) => r[0]).sort()).toEqual(VIEWS.map((v) => `public.${v.name}`).sort());
  }, 180_000);

  it("refuses a worker without the cluster's token, with a clear error", async () => {
    const bad = new CliChild("worker bad", ["worker", "--nats", cluster.nats.url, "--id", "intruder"], { ...cluster.env, SAGE_CLUSTER_TOKEN: "not-the-token" });
    cluster.all.push(bad);
    const code = await Promise.race([bad.exited, sleep(20_000).then(() => "still running")]);
    expect(code, bad.err).toBe(3);
    expect(bad.err).toMatch(/refused.*token/);
    const listed = (await query("SELECT id FROM sage_catalog.workers")).map((r) => r[0]);
    expect(listed).not.toContain("intruder");
  }, 30_000);
});
