// `sage-sql test --url postgres://...` runs .slt suites against a cluster unchanged: nats-server, a
// coordinator started with --default-parallelism 3 and three workers (real processes,
// test/cluster/process-cluster.ts), then the CLI's test command over streaming suites as a child
// process. Every materialized view over tables runs on the workers at parallelism 3, and a SELECT
// right after a write must see it (read-your-writes, as on one node) with no FLUSH in between.
// Records that cannot hold on a cluster say `skipif cluster` (listed in docs/cluster.md).
//   SAGE_CLUSTER_SLT=<files>   other .slt files or directories (space-separated, under sqltests/)
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliChild } from "./cluster/cli-child.js";
import { ProcessCluster, TEST_TIMING, sortedLines, until } from "./cluster/process-cluster.js";

const root = fileURLToPath(new URL("../", import.meta.url));
/** the suites run in CI: views over tables (table_views: 18 views on the workers), fragments, windows and streams; joins.slt and views_on_views.slt pass too but double the time (SAGE_CLUSTER_SLT) */
const FILES = (process.env.SAGE_CLUSTER_SLT ?? "streaming/table_views.slt streaming/fragments.slt streaming/windows.slt streaming/temporal_filters.slt streaming/streams.slt streaming/eowc.slt").split(/\s+/).filter((f) => f !== "");
const VERBOSE = process.env.SAGE_CLUSTER_TEST_VERBOSE === "1";

describe("sage-sql test --url against a cluster", () => {
  let cluster: ProcessCluster;
  /** the coordinator's JSON log lines naming views placed on workers */
  const placedViews = new Set<string>();

  beforeAll(async () => {
    // a commit every 2 barriers: a read waiting for a write needs one commit
    cluster = await ProcessCluster.start({ timing: { ...TEST_TIMING, checkpointEveryEpochs: 2 } });
    const { child } = await cluster.startCoordinator("coordinator", ["--default-parallelism", "3"]);
    child.proc.stderr!.on("data", (b: Buffer) => {
      for (const m of b.toString().matchAll(/"event":"cluster_view","view":"([^"]+)"/g)) placedViews.add(m[1]);
    });
    for (const id of ["w1", "w2", "w3"]) await cluster.startWorker(id);
    await until("three workers listed", async () => (await cluster.query("SELECT id FROM sage_catalog.workers")).length === 3, 60_000, cluster.context);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop(VERBOSE);
  });

  it("gives views the server's default parallelism, or the session's SET streaming_parallelism, and reads them right after a write", async () => {
    await cluster.query("CREATE TABLE par (k INT, v INT)");
    await cluster.query("CREATE MATERIALIZED VIEW par_default AS SELECT k, sum(v) AS s FROM par GROUP BY k");
    const client = await cluster.leaderClient();
    await client.query("SET streaming_parallelism = 2");
    await client.query("CREATE MATERIALIZED VIEW par_set AS SELECT k, count(*) AS n FROM par GROUP BY k");
    await client.query("RESET streaming_parallelism");
    const parallelism = async (view: string) => new Set((await cluster.query(`SELECT parallelism FROM sage_catalog.fragments WHERE view = 'public.${view}'`)).map((r) => Number(r[0])));
    await until("both views placed", async () => (await cluster.query("SELECT view FROM sage_catalog.fragments WHERE placement IS NOT NULL AND view LIKE 'public.par_%'")).length > 0, 30_000, cluster.context);
    expect(await parallelism("par_default")).toEqual(new Set([3]));
    expect(await parallelism("par_set")).toEqual(new Set([2]));
    expect((await cluster.query("SHOW streaming_parallelism"))[0][0]).toBe("3");
    // no FLUSH: each SELECT waits for the write before it
    for (let i = 1; i <= 5; i++) {
      await cluster.query(`INSERT INTO par VALUES (${i % 2}, ${i})`);
      expect(sortedLines(await cluster.query("SELECT k, s FROM par_default")), `after insert ${i}`).toEqual(sortedLines(await cluster.query("SELECT k, sum(v) FROM par GROUP BY k")));
      expect(sortedLines(await cluster.query("SELECT k, n FROM par_set")), `after insert ${i}`).toEqual(sortedLines(await cluster.query("SELECT k, count(*) FROM par GROUP BY k")));
    }
    await cluster.query("DROP TABLE par CASCADE");
  }, 90_000);

  it(`passes every record of ${FILES.join(", ")}`, async () => {
    const paths = FILES.map((f) => join(root, "sqltests", f));
    const run = new CliChild("sage-sql test", ["test", "--url", await cluster.url(), ...paths], cluster.env);
    cluster.all.push(run);
    const code = await run.exited;
    const totals = /(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/.exec(run.out.trim().split("\n").pop() ?? "");
    expect(totals, run.out + run.err).not.toBeNull();
    expect(Number(totals![2]), `failures:\n${run.out.slice(0, 8000)}`).toBe(0);
    expect(code).toBe(0);
    expect(Number(totals![1])).toBeGreaterThan(100);
    // the views over tables ran on the workers (the coordinator placed them as cluster jobs)
    expect(placedViews.size, [...placedViews].join(" ")).toBeGreaterThan(10);
    // each file's relations were dropped at its end (sage-sql has no search_path to give it a schema)
    expect(await cluster.query("SHOW MATERIALIZED VIEWS")).toEqual([]);
    expect(await cluster.query("SHOW TABLES")).toEqual([]);
    expect(await cluster.query("SHOW STREAMS")).toEqual([]);
  }, 300_000);
});
