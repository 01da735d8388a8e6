// The input log is cut (src/log-snapshots.ts), with real processes: nats-server, coordinators with
// data directories and workers. With a snapshot every 30 messages, the log's first sequence rises
// (JetStream's stream info) while the views stay equal to the same query run ad hoc, through: a
// view created after the cut (it reads its history from the snapshot), a large write whose
// `replica/` body is deleted once the cut passes it, a worker kill -9 and a new one, and a new
// coordinator started with an empty data directory (it starts from the snapshot) that takes over
// once the leader is kill -9'ed and holds every acknowledged write.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBackbone, type Backbone } from "../src/cluster/index.js";
import { ProcessCluster, sortedLines, until } from "./cluster/process-cluster.js";

const SNAPSHOT_ARGS = ["--log-snapshot-messages", "30", "--default-parallelism", "2"];
const VIEWS: Record<string, string> = {
  by_k: "SELECT k, count(*) AS n, sum(v) AS s FROM t GROUP BY k",
  big: "SELECT k, v FROM t WHERE v > 100",
};

let cluster: ProcessCluster;
let backbone: Backbone;
let dirs: string;
/** every row acknowledged so far: its v values (k = v % 7) */
let acknowledged = 0;
let total = 0n;

async function insertRows(n: number): Promise<void> {
  const rows = Array.from({ length: n }, (_, i) => `(${(acknowledged + i) % 7}, ${acknowledged + i})`);
  await cluster.query(`INSERT INTO t VALUES ${rows.join(", ")}`);
  for (let i = 0; i < n; i++) total += BigInt(acknowledged + i);
  acknowledged += n;
}

/** the view as stored equals its query run ad hoc on the table (after FLUSH) */
async function expectViewExact(view: string): Promise<void> {
  await cluster.query("FLUSH");
  const stored = sortedLines(await cluster.query(`SELECT * FROM ${view}`));
  const adHoc = sortedLines(await cluster.query(VIEWS[view]));
  expect(stored.length).toBeGreaterThan(0);
  expect(stored).toEqual(adHoc);
}

async function expectAllAcknowledged(): Promise<void> {
  const [[count, sum]] = await cluster.query("SELECT count(*), sum(v) FROM t");
  expect(Number(count)).toBe(acknowledged);
  expect(BigInt(sum)).toBe(total);
}

async function firstSeq(): Promise<number> {
  return (await backbone.log.info()).firstSeq;
}

describe("cutting the input log (real processes)", () => {
  beforeAll(async () => {
    dirs = mkdtempSync(join(tmpdir(), "sage-logcut-"));
    cluster = await ProcessCluster.start();
    backbone = await connectBackbone(cluster.nats.url);
    await cluster.startCoordinator("coordinator a", SNAPSHOT_ARGS, { dataDir: join(dirs, "a") });
    await cluster.startWorker("w1");
    await cluster.startWorker("w2");
  }, 120_000);

  afterAll(async () => {
    await backbone?.close();
    await cluster?.stop(process.env.SAGE_CLUSTER_TEST_VERBOSE === "1");
    if (dirs) rmSync(dirs, { recursive: true, force: true });
  }, 60_000);

  it("cuts the log under writes while views stay exact, and a new view reads the snapshot", async () => {
    await cluster.query("CREATE TABLE t (k INT, v BIGINT)");
    // (a generous bound: listing the workers' KV bucket has been seen to stall for a minute on a loaded machine)
    await cluster.query(`CREATE MATERIALIZED VIEW by_k AS ${VIEWS.by_k}`);
    await until("by_k placed on the workers", async () => (await cluster.query("SELECT placement FROM sage_catalog.fragments WHERE view = 'public.by_k' AND placement IS NOT NULL")).length > 0, 150_000, cluster.context);
    for (let i = 0; i < 40; i++) await insertRows(25);
    await expectViewExact("by_k");
    // the view committed past the snapshots: the leader cuts below them
    const cut = await until("the input log's first sequence to rise", async () => {
      await insertRows(5);
      await cluster.query("FLUSH");
      const first = await firstSeq();
      return first > 20 ? first : null;
    }, 90_000, cluster.context);
    // sage_catalog.input_log shows it (refreshed every half second)
    const [first, last, messages, bytes, snapshotSeq, snapshotAt] = await until("sage_catalog.input_log to show the cut", async () => {
      const [row] = await cluster.query("SELECT first_seq, last_seq, messages, bytes, snapshot_seq, snapshot_at FROM sage_catalog.input_log");
      return Number(row[0]) >= cut ? row : null;
    }, 30_000, cluster.context);
    expect(Number(snapshotSeq)).toBeGreaterThanOrEqual(cut - 1);
    expect(Number(last) - Number(first) + 1).toBe(Number(messages));
    expect(Number(bytes)).toBeGreaterThan(0);
    expect(snapshotAt).toMatch(/^\d{4}-/);
    await expectViewExact("by_k");
    // created after the cut: the writes before it are gone from the log, so it must read the snapshot
    await cluster.query(`CREATE MATERIALIZED VIEW big AS ${VIEWS.big}`);
    await insertRows(10);
    await expectViewExact("big");
    await expectViewExact("by_k");
    await expectAllAcknowledged();
  }, 240_000);

  it("deletes a large write's body once the cut passes it, and nothing reads it after", async () => {
    // over 512 KiB: stored as a replica/ object the log message names
    await cluster.query("INSERT INTO t SELECT g % 7, 100000 + g FROM generate_series(1, 80000) AS g");
    for (let g = 1; g <= 80000; g++) total += BigInt(100000 + g);
    acknowledged += 80000;
    const bodies = await backbone.objects.list("replica/");
    expect(bodies.length).toBeGreaterThan(0);
    await until("the large write's body deleted after the cut", async () => {
      await insertRows(5);
      await cluster.query("FLUSH");
      const left = await backbone.objects.list("replica/");
      return bodies.every((b) => !left.includes(b));
    }, 90_000, cluster.context);
    await expectViewExact("by_k");
    await expectViewExact("big");
    // a view created now reads the large write from the snapshot, not from the deleted body
    VIEWS.big2 = "SELECT k, max(v) AS m FROM t GROUP BY k";
    await cluster.query(`CREATE MATERIALIZED VIEW big2 AS ${VIEWS.big2}`);
    await expectViewExact("big2");
    await expectAllAcknowledged();
  }, 240_000);

  it("survives a worker kill -9 and a new worker while the log is cut", async () => {
    const before = await firstSeq();
    await cluster.workers.get("w1")!.kill9();
    for (let i = 0; i < 10; i++) await insertRows(10);
    await cluster.startWorker("w3");
    for (let i = 0; i < 10; i++) await insertRows(10);
    for (const v of ["by_k", "big", "big2"]) await expectViewExact(v);
    await until("the cut to rise again", async () => {
      await insertRows(5);
      await cluster.query("FLUSH");
      return (await firstSeq()) > before;
    }, 90_000, cluster.context);
    await expectAllAcknowledged();
  }, 240_000);

  it("a coordinator with an empty data directory starts from the snapshot and takes over from a killed leader", async () => {
    const first = await firstSeq();
    expect(first).toBeGreaterThan(1);
    const b = await cluster.startCoordinator("coordinator b", SNAPSHOT_ARGS, { dataDir: join(dirs, "b") });
    expect(b.child.out).toMatch(/started from the snapshot at sequence \d+/);
    // more writes while it follows the log as the standby
    for (let i = 0; i < 10; i++) await insertRows(10);
    await cluster.query("FLUSH");
    const leader = cluster.coordinators[0];
    await leader.child.kill9();
    cluster.dropClient();
    await until("coordinator b to lead", async () => (await cluster.leaderPort(60_000)) === b.port, 90_000, cluster.context);
    await expectAllAcknowledged();
    for (let i = 0; i < 5; i++) await insertRows(10);
    for (const v of ["by_k", "big", "big2"]) await expectViewExact(v);
    await expectAllAcknowledged();
  }, 300_000);
});
