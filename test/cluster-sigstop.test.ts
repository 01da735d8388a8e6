// A worker paused (SIGSTOP) past its lease, then resumed, with real processes: nats-server, a
// coordinator and three workers (test/cluster/process-cluster.ts). A view at parallelism 3 runs
// under a steady INSERT load; one worker is stopped until its lease expires: the leader drops it
// from sage_catalog.workers and places its partitions on the two survivors, which keep the view
// exact. Resumed, the worker finds its lease gone: it is FENCED (its worker trace says so and that
// it dropped its old generation), joins again as a new member, is listed and placed again, and
// the view equals the single-node answer (the same GROUP BY over the table) at the end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep } from "./cluster/cli-child.js";
import { ProcessCluster, TEST_TIMING, sortedLines, until } from "./cluster/process-cluster.js";

const VERBOSE = process.env.SAGE_CLUSTER_TEST_VERBOSE === "1";
const t0 = Date.now();
function note(line: string): void {
  if (VERBOSE) process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);
}

describe("a worker paused (SIGSTOP) past its lease, then resumed", () => {
  let cluster: ProcessCluster;
  /** w2's worker trace (SAGE_CLUSTER_TRACE=1), whole */
  let w2Trace = "";

  beforeAll(async () => {
    // a commit every 4 barriers (1 s): the view moves on often enough to see it advance while w2 is away
    cluster = await ProcessCluster.start({ timing: { ...TEST_TIMING, checkpointEveryEpochs: 4 } });
    await cluster.startCoordinator("coordinator");
    for (const id of ["w1", "w2", "w3"]) {
      const child = await cluster.startWorker(id, id === "w2" ? { SAGE_CLUSTER_TRACE: "1" } : {});
      if (id !== "w2") continue;
      // what it printed before it listened is in the child's stderr tail already
      w2Trace = child.err;
      child.proc.stderr!.on("data", (b: Buffer) => (w2Trace += b.toString()));
    }
    await until("three workers listed", async () => (await cluster.query("SELECT id FROM sage_catalog.workers")).length === 3, 30_000, cluster.context);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop(VERBOSE);
  });

  /** the workers sage_catalog.fragments places the view's partitions on */
  async function placement(): Promise<Set<string>> {
    const rows = await cluster.query("SELECT placement FROM sage_catalog.fragments WHERE view = 'public.paused_agg'");
    return new Set(rows.flatMap((r) => (r[0] ?? "").split(",").map((w) => w.trim()).filter((w) => w !== "")));
  }

  async function listed(): Promise<string[]> {
    return (await cluster.query("SELECT id FROM sage_catalog.workers")).map((r) => r[0]).sort();
  }

  async function viewIsExact(when: string): Promise<void> {
    await cluster.query("FLUSH");
    const expected = sortedLines(await cluster.query("SELECT k, count(*), sum(v) FROM paused GROUP BY k"));
    expect(expected.length, "the table has rows").toBeGreaterThan(0);
    expect(sortedLines(await cluster.query("SELECT k, n, s FROM paused_agg")), `paused_agg ${when}`).toEqual(expected);
  }

  it("is fenced (its old generation dropped), its partitions run on the survivors meanwhile, it rejoins and the view stays exact", async () => {
    await cluster.query("CREATE TABLE paused (id BIGINT, k INT, v INT)");
    await cluster.query("CREATE MATERIALIZED VIEW paused_agg WITH (parallelism = 3) AS SELECT k, count(*) AS n, sum(v) AS s FROM paused GROUP BY k");
    const acked: number[] = [];
    let stop = false;
    // the steady load: one INSERT at a time (a single coordinator: none may fail)
    const loader = (async () => {
      for (let id = 1; !stop; id++) {
        await cluster.query(`INSERT INTO paused VALUES (${id}, ${id % 7}, ${id % 13})`);
        acked.push(id);
        await sleep(20);
      }
    })();
    loader.catch(() => undefined);
    const w2 = cluster.workers.get("w2")!;
    try {
      await until("paused_agg placed on all three workers", async () => (await placement()).size === 3, 30_000, cluster.context);
      await viewIsExact("before the pause");
      const joinsBefore = (w2Trace.match(/joined as w2@/g) ?? []).length;
      expect(joinsBefore).toBe(1);

      note(`SIGSTOP w2 (${acked.length} rows acknowledged)`);
      w2.proc.kill("SIGSTOP");
      const stoppedAt = Date.now();
      // its lease expires (workerTtlMs): it leaves sage_catalog.workers and its partitions move to w1 and w3
      await until("w2 no longer listed", async () => !(await listed()).includes("w2"), 20_000, cluster.context);
      const survivors = await until("paused_agg placed on w1 and w3 only", async () => {
        const p = await placement();
        return p.size === 2 && p.has("w1") && p.has("w3") ? p : null;
      }, 20_000, cluster.context);
      expect([...survivors].sort()).toEqual(["w1", "w3"]);
      const lostAfterMs = Date.now() - stoppedAt;
      note(`w2 dropped after ${lostAfterMs} ms`);
      expect(lostAfterMs, "the lease outlives the worker's TTL").toBeGreaterThanOrEqual(TEST_TIMING.workerTtlMs - 500);
      // the survivors compute w2's partitions: the view advances (and is exact) while w2 is still stopped
      const before = acked.length;
      await until("more rows acknowledged", async () => acked.length > before + 10, 20_000, cluster.context);
      await viewIsExact("while w2 is stopped");
      expect(w2.exitCode, "w2 is stopped, not dead").toBeNull();
      expect(w2Trace, "w2 could not have noticed anything yet").not.toMatch(/fenced/);

      note(`SIGCONT w2 (${acked.length} rows acknowledged)`);
      w2.proc.kill("SIGCONT");
      // its first renewal fails the compare-and-set (the key expired): fenced, the old generation dropped
      await until("w2 fenced", async () => /fenced: lease of w2@\d+ lost/.test(w2Trace), 15_000, () => w2Trace.slice(-3000));
      expect(w2Trace).toMatch(/drops generation \d+ \(fenced\)/);
      // ... and it joins again as a new member, listed and placed again
      await until("w2 joined again", async () => (w2Trace.match(/joined as w2@/g) ?? []).length === 2, 15_000, () => w2Trace.slice(-3000));
      const members = [...w2Trace.matchAll(/joined as (w2@\d+)/g)].map((m) => m[1]);
      expect(members[1], "a new membership").not.toBe(members[0]);
      await until("w2 listed again", async () => (await listed()).includes("w2"), 15_000, cluster.context);
      await until("paused_agg placed on w2 again", async () => (await placement()).has("w2"), 20_000, cluster.context);
      const after = acked.length;
      await until("more rows acknowledged after the rejoin", async () => acked.length > after + 10, 20_000, cluster.context);
    } finally {
      stop = true;
      await loader;
    }
    note(`load stopped: ${acked.length} acknowledged`);
    expect(await listed()).toEqual(["w1", "w2", "w3"]);
    // no acknowledged row lost, and the view is what a single node computes from the table
    const stored = new Set((await cluster.query("SELECT id FROM paused")).map((r) => Number(r[0])));
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    await viewIsExact("after w2 rejoined");
    // the old membership's generation sent nothing the leader took: w2 runs only the new generation's instances
    expect(w2.exitCode).toBeNull();
  }, 150_000);
});
