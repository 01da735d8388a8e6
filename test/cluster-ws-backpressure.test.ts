// Credit-based backpressure end to end on real links: a coordinator and three workers in this
// process, on a real nats-server (input log, KV, object store) and real ws connections on loopback,
// running two SQL views (an aggregate, and a join feeding an aggregate) at parallelism 3. One
// worker takes every message from another worker slowly (a test hook).
// The receiving channels then hold at most `window` frames, the sending ones about `maxQueued`,
// the producers' input-log reading pauses instead of piling up frames, and once the writes stop
// every view's committed rows are exactly the single-node answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlSimulation, type SqlSimulation } from "../src/cluster-simulation.js";
import { ClusterCoordinator, ClusterWorker, connectBackbone, readCommittedRows, systemClock, WsNetwork, type Backbone, type ClusterOptions, type FlowStats, type NodeEnv } from "../src/cluster/index.js";
import { BUCKET_CLUSTER, committedKey, decodeRecord, type CommittedEpoch } from "../src/cluster/cluster-records.js";
import { compareRows } from "../src/cluster/simulation/index.js";
import { SeededRandom } from "../src/cluster/simulation/seeded-random.js";
import { SimWorkload } from "../src/cluster/simulation/sim-workload.js";
import { NatsServer } from "./nats-server.js";

const WINDOW = 4;
const MAX_QUEUED = 4;
const BATCHES = 600;
/** how long the slow worker takes over each message from another worker */
const SLOW_MS = 4;

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("credit-based backpressure between workers over ws", () => {
  let nats: NatsServer;
  let sql: SqlSimulation;
  const backbones: Backbone[] = [];
  const networks: WsNetwork[] = [];

  beforeAll(async () => {
    nats = await NatsServer.start();
    sql = await openSqlSimulation(3);
  }, 60_000);
  afterAll(async () => {
    for (const n of networks) await n.close();
    for (const b of backbones) await b.close();
    await nats?.destroy();
    await sql?.close();
  });

  it("a slow receiver: bounded queues at both ends, paused input, and exact views", async () => {
    const cluster = `bp${process.pid}`;
    const env = async (): Promise<NodeEnv> => {
      const backbone = await connectBackbone(nats.url, { cluster });
      const network = new WsNetwork({ token: "t0k3n" });
      backbones.push(backbone);
      networks.push(network);
      return { clock: systemClock, backbone, network };
    };
    const stats: { member: string; s: FlowStats }[] = [];
    const base: ClusterOptions = {
      token: "t0k3n",
      jobs: sql.setup.jobs,
      flow: { window: WINDOW, maxQueued: MAX_QUEUED },
      timing: { heartbeatMs: 200, workerTtlMs: 3000, leaderTtlMs: 3000, takeoverGraceMs: 400, barrierIntervalMs: 200, checkpointTimeoutMs: 120_000 },
      hooks: { generationStopped: (member, s) => stats.push({ member, s }) },
    };
    let slowed = 0;
    const slow: ClusterOptions = {
      ...base,
      hooks: {
        ...base.hooks,
        beforeRemoteDelivery: () => {
          slowed++;
          return new Promise((r) => setTimeout(r, SLOW_MS));
        },
      },
    };
    const coordinator = new ClusterCoordinator("c1", await env(), base);
    await coordinator.start();
    const workers = [new ClusterWorker("w1", await env(), slow), new ClusterWorker("w2", await env(), base), new ClusterWorker("w3", await env(), base)];
    for (const w of workers) await w.start();
    const writer = await env();
    const clusterKv = await writer.backbone.bucket(BUCKET_CLUSTER);
    const committed = async (view: string): Promise<CommittedEpoch | null> => {
      const e = await clusterKv.get(committedKey(view));
      return e === null ? null : decodeRecord<CommittedEpoch>(e.value);
    };
    try {
      // the first commit: every worker runs its partitions
      await until("a first commit", async () => (await committed(sql.setup.jobs[0].view)) !== null, 60_000);
      const workload = new SimWorkload(sql.setup.tables, new SeededRandom(4711));
      // as fast as JetStream acknowledges: far faster than the slow worker consumes
      await workload.run(writer.backbone.log, systemClock, BATCHES, 0, 0);
      await until("every view to commit the last write", async () => {
        for (const j of sql.setup.jobs) if (((await committed(j.view))?.seq ?? 0) < workload.lastSeq) return false;
        return true;
      });
      const expected = await sql.setup.expected(workload.contents);
      for (const job of sql.setup.jobs) {
        const read = await readCommittedRows(clusterKv, writer.backbone.objects, job);
        const got = (read?.rows ?? []).flatMap((c) => c.rows());
        expect(got.length).toBeGreaterThan(0);
        expect(compareRows(expected.get(job.view) ?? [], got), job.view).toBeNull();
      }
    } finally {
      for (const w of workers) w.close();
      coordinator.close();
    }
    expect(stats.length).toBeGreaterThanOrEqual(3);
    const all = (k: keyof FlowStats): number[] => stats.map((x) => x.s[k]);
    const max = (k: keyof FlowStats): number => Math.max(...all(k));
    const sum = (k: keyof FlowStats): number => all(k).reduce((a, b) => a + b, 0);
    console.log(`backpressure over ws (window ${WINDOW}, maxQueued ${MAX_QUEUED}, ${BATCHES} batches, ${slowed} slow deliveries): ` + stats.map(({ member, s }) => `${member} g${s.generation}: inbox<=${s.maxReceiverInbox} queue<=${s.maxSenderQueue} in ${s.framesIn} out ${s.framesOut} input paused ${s.inputPauses}x ${s.inputPausedMs} ms`).join("; "));
    expect(slowed).toBeGreaterThan(100);
    expect(sum("framesIn")).toBeGreaterThan(BATCHES);
    // a receiving channel never holds more than the credit it granted
    expect(max("maxReceiverInbox")).toBeLessThanOrEqual(WINDOW);
    expect(max("maxReceiverInbox")).toBeGreaterThanOrEqual(2);
    // a sender's queue reaches its bound (the receiver is slow) and passes it by at most what one
    // input message makes its instance emit at once (a chunk and a barrier per target)
    expect(max("maxSenderQueue")).toBeGreaterThanOrEqual(MAX_QUEUED);
    expect(max("maxSenderQueue")).toBeLessThanOrEqual(MAX_QUEUED + 2);
    // the producers stopped reading the input log instead of queueing more
    expect(sum("inputPauses")).toBeGreaterThan(0);
    expect(sum("inputPausedMs")).toBeGreaterThan(0);
  }, 240_000);
});
