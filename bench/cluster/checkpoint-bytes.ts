// Bytes a checkpoint writes to the object store (real NATS JetStream, read back directly), whole
// against incremental: a view with large state (ROWS rows; ROWS groups) at parallelism 2 on two
// workers, loaded once, then CHANGED rows changed per step (half deleted, half inserted). The
// first committed checkpoint is whole; after each small change the new objects in the store are
// what that step's checkpoints wrote (the view rows as a delta; the operator state only where it
// got input, as the content-defined chunks that changed and a manifest).
import { loadavg } from "node:os";
import { connectBackbone, type Backbone } from "../../src/index.js";
import type { BenchCase, BenchContext, BenchResult } from "../lib/harness.js";
import { median } from "../lib/harness.js";
import { BenchCluster, sleep, TIMING } from "./processes.js";

const VIEWS = [
  { name: "big_rows", sql: "SELECT k, v FROM kv WHERE v >= 0", what: "rows" },
  { name: "big_groups", sql: "SELECT k, count(*) AS n, sum(v) AS s FROM kv GROUP BY k", what: "groups" },
];

/** the checkpoint objects in the store and their sizes */
async function storeObjects(backbone: Backbone): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const name of await backbone.objects.list("ckpt/")) {
    const bytes = await backbone.objects.get(name);
    if (bytes !== null) out.set(name, bytes.length);
  }
  return out;
}

/** waits until every view's checkpoint covers what FLUSH made visible (FLUSH waits for a committed epoch) */
async function flushAndCheckpoint(cluster: BenchCluster): Promise<void> {
  await cluster.query("FLUSH");
  // the next checkpoint: every checkpointEveryEpochs barriers, plus the commit
  await sleep(TIMING.barrierIntervalMs * (TIMING.checkpointEveryEpochs + 1) + 500);
  await cluster.query("FLUSH");
}

/** the job of a checkpoint object: ckpt/<job>/... (a job is named after the view's relation id) */
function jobOf(name: string): string {
  return name.split("/")[1];
}

async function runAll(ctx: BenchContext): Promise<BenchResult[]> {
  const rows = ctx.quick ? 20_000 : 100_000;
  const changed = 100;
  const steps = ctx.quick ? 2 : 5;
  const cluster = await BenchCluster.start(2);
  const backbone = await connectBackbone(cluster.natsUrl);
  const out: BenchResult[] = [];
  try {
    await cluster.query("CREATE TABLE kv (k INT, v INT)");
    for (let lo = 0; lo < rows; lo += 10_000) await cluster.query(`INSERT INTO kv SELECT g, g % 1000 FROM generate_series(${lo}, ${Math.min(rows, lo + 10_000) - 1}) AS t(g)`);
    // one view at a time, to learn its job's name from the objects its first checkpoint wrote
    const jobView = new Map<string, string>();
    for (const v of VIEWS) {
      await cluster.query(`CREATE MATERIALIZED VIEW ${v.name} WITH (parallelism = 2) AS ${v.sql}`);
      await flushAndCheckpoint(cluster);
      for (const name of (await storeObjects(backbone)).keys()) if (!jobView.has(jobOf(name))) jobView.set(jobOf(name), v.name);
    }
    const viewOf = (name: string): string | undefined => jobView.get(jobOf(name));
    const first = new Map<string, number>();
    let before = await storeObjects(backbone);
    for (const [name, size] of before) {
      const v = viewOf(name);
      if (v !== undefined) first.set(v, (first.get(v) ?? 0) + size);
    }
    ctx.log(`  first (whole): ${VIEWS.map((v) => `${v.name} ${first.get(v.name) ?? 0} B`).join(", ")}`);
    const later = new Map<string, number[]>(VIEWS.map((v) => [v.name, []]));
    let nextV = 1000;
    for (let step = 0; step < steps; step++) {
      const keys = Array.from({ length: changed / 2 }, (_, i) => (step * 7919 + i * 1931) % rows);
      await cluster.query(`DELETE FROM kv WHERE k IN (${keys.join(",")}) AND v < 1000`);
      await cluster.query(`INSERT INTO kv VALUES ${keys.map((k) => `(${(k + 1) % rows}, ${nextV++})`).join(", ")}`);
      await flushAndCheckpoint(cluster);
      const now = await storeObjects(backbone);
      const written = new Map<string, number>();
      for (const [name, size] of now) {
        const v = viewOf(name);
        if (v !== undefined && !before.has(name)) written.set(v, (written.get(v) ?? 0) + size);
      }
      for (const v of VIEWS) later.get(v.name)!.push(written.get(v.name) ?? 0);
      before = now;
      ctx.log(`  step ${step + 1}: ${VIEWS.map((v) => `${v.name} ${written.get(v.name) ?? 0} B`).join(", ")}`);
    }
    for (const v of VIEWS) {
      const bytes = later.get(v.name)!;
      const whole = first.get(v.name) ?? 0;
      out.push({
        name: `cluster/checkpoint-bytes-${v.what}`,
        unit: "bytes",
        sage: median(bytes),
        peers: {},
        higher_is_better: false,
        runs: bytes.length,
        min: Math.min(...bytes),
        max: Math.max(...bytes),
        notes: `bytes a checkpoint writes after ${changed} changed rows (median over ${steps} steps) against ${whole} B for the first, whole one (${((100 * median(bytes)) / Math.max(1, whole)).toFixed(2)} %); view ${v.sql} over ${rows} rows, parallelism 2 on 2 workers, real NATS object store; 2-core machine, load average ${loadavg()[0].toFixed(1)}`,
      });
    }
  } finally {
    await backbone.close();
    await cluster.stop();
  }
  return out;
}

export const checkpointBytesCase: BenchCase = { name: "cluster-checkpoint-bytes", run: runAll };
