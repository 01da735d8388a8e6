// Incremental cluster checkpoints, measured on the object store itself: two views with large
// state (100k rows; 100k groups) run on two workers under the simulated backbone (no injected
// failures), fed a 100k-row load and then 100 changed rows per batch. Checks that a checkpoint
// after a small change writes far fewer bytes than the first, that the committed chains
// (whole snapshot + deltas, continued across a worker crash) restore exactly the single-node
// views, and that garbage collection leaves exactly the objects the committed records name.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../src/database.js";
import type { Session } from "../src/session.js";
import { fragmentJob } from "../src/cluster/fragment-job.js";
import type { ClusterJob } from "../src/cluster/cluster-job.js";
import { BUCKET_CLUSTER, type CommittedEpoch, chainLink, committedKey, committedObjects, decodeRecord, encodeRecord, maxRowLinks, parseChainLink, relationSubject } from "../src/cluster/cluster-records.js";
import { readCommittedRows } from "../src/cluster/committed-rows.js";
import { committedChunks } from "../src/cluster/instance-checkpoint.js";
import { ClusterCoordinator } from "../src/cluster/coordinator.js";
import { ClusterWorker } from "../src/cluster/worker.js";
import type { ClusterOptions, NodeEnv } from "../src/cluster/node-env.js";
import type { ObjectStore } from "../src/cluster/backbone.js";
import { stateFrameCodec } from "../src/cluster/exchange-frames.js";
import { SIM_TIMING, compareRows } from "../src/cluster/simulation/index.js";
import { SeededRandom } from "../src/cluster/simulation/seeded-random.js";
import { SimBackboneClient, SimBackboneServer } from "../src/cluster/simulation/sim-backbone.js";
import { SimNetwork, SimNetworkWorld } from "../src/cluster/simulation/sim-network.js";
import { SimNode, SimScheduler } from "../src/cluster/simulation/sim-scheduler.js";
import { MAX_TABLE_CHAIN, encodeState } from "../src/executor/index.js";
import { decodeFragmentGraph, encodeFragmentGraph, fragmentPlan } from "../src/planner/index.js";
import { Chunk, Types } from "../src/types/index.js";

const ROWS = 100_000;
const CHANGED = 100;
const VIEWS = [
  // large state in the view rows, none in the operators
  { name: "big_rows", sql: "SELECT k, v FROM t WHERE v >= 0" },
  // 100k groups: large operator state too
  { name: "big_groups", sql: "SELECT k, count(*) AS n, sum(v) AS s FROM t GROUP BY k" },
];

/** decides whether a worker's write of a checkpoint object fails (a fault injected into the object store) */
type PutFault = (worker: string, name: string) => boolean;

/** one coordinator and two workers on the simulated backbone, a writer, and the single-node database computing the same views */
class Harness {
  /** puts that failed because of `putFault` */
  failedPuts = 0;
  putFault: PutFault = () => false;

  constructor(
    readonly rows = ROWS,
    readonly checkpointTimeoutMs = 20_000,
  ) {}

  readonly scheduler = new SimScheduler();
  readonly rng = new SeededRandom(7);
  readonly server = new SimBackboneServer(this.scheduler, this.rng.fork(), 0);
  readonly world = new SimNetworkWorld(this.scheduler, this.rng.fork(), 4);
  readonly writer = new SimNode("writer");
  readonly workers = [new SimNode("w1"), new SimNode("w2")];
  jobs: ClusterJob[] = [];
  db!: Database;
  session!: Session;
  tableId = "";
  private writes = 0;
  lastSeq = 0;
  /** the initial rows still in t (candidates for deletion) */
  private live: number[][] = [];
  private nextV = 1000;

  async open(): Promise<void> {
    this.db = await Database.open({ memory: true });
    this.session = this.db.connect() as Session;
    await this.session.execute("CREATE TABLE t (k INT, v INT)");
    this.tableId = this.db.catalog.getRelation(["t"]).id;
    for (const v of VIEWS) {
      await this.session.execute(`CREATE MATERIALIZED VIEW ${v.name} AS ${v.sql}`);
      const df = this.db.streams.get(this.db.catalog.getRelation([v.name]).id)!;
      const graph = decodeFragmentGraph(encodeFragmentGraph(fragmentPlan(df.plan, 2, { primaryKey: () => undefined })));
      this.jobs.push(fragmentJob(v.name, graph, this.session.executionContext([])));
    }
    const options: ClusterOptions = { token: "t0ken", jobs: this.jobs, timing: { ...SIM_TIMING, checkpointTimeoutMs: this.checkpointTimeoutMs }, codec: stateFrameCodec };
    this.boot(new SimNode("c1"), (env) => new ClusterCoordinator("c1", env, options));
    for (const w of this.workers) this.boot(w, (env) => new ClusterWorker(w.name, env, options));
  }

  env(node: SimNode): NodeEnv {
    const backbone = new SimBackboneClient(this.server, node);
    const objects = backbone.objects;
    (backbone as { objects: ObjectStore }).objects = {
      ...objects,
      put: (name, bytes) => {
        if (!this.putFault(node.name, name)) return objects.put(name, bytes);
        this.failedPuts++;
        return Promise.reject(new Error(`injected: cannot store ${name}`));
      },
    };
    return { clock: this.scheduler.clockFor(node), backbone, network: new SimNetwork(this.world, node) };
  }

  boot(node: SimNode, make: (env: NodeEnv) => { start(): Promise<void> }): void {
    this.scheduler.schedule(0, node, () => void make(this.env(node)).start());
  }

  /** appends a change of t to the cluster's log and applies it to the single-node table */
  async write(rows: number[][], ops: number[]): Promise<void> {
    const chunk = Chunk.fromRows([Types.integer, Types.integer], rows, ops);
    const log = this.env(this.writer).backbone.log;
    const id = `w${this.writes++}`;
    let seq = 0;
    this.scheduler.schedule(0, this.writer, () => void log.append(relationSubject(this.tableId), encodeState(chunk), id).then((s) => (seq = s)));
    expect(await this.scheduler.run(() => seq > 0, this.scheduler.now + 5_000)).toBe(true);
    this.lastSeq = seq;
    const ins = rows.filter((_, i) => ops[i] > 0);
    const del = rows.filter((_, i) => ops[i] < 0);
    if (del.length > 0) await this.session.execute(`DELETE FROM t WHERE ${del.map(([k, v]) => `(k = ${k} AND v = ${v})`).join(" OR ")}`);
    if (ins.length > 0) await this.session.execute(`INSERT INTO t VALUES ${ins.map(([k, v]) => `(${k}, ${v})`).join(", ")}`);
  }

  async load(): Promise<void> {
    this.live = Array.from({ length: this.rows }, (_, i) => [i, i % 1000]);
    const chunk = Chunk.fromRows([Types.integer, Types.integer], this.live);
    const log = this.env(this.writer).backbone.log;
    let seq = 0;
    this.scheduler.schedule(0, this.writer, () => void log.append(relationSubject(this.tableId), encodeState(chunk), "load").then((s) => (seq = s)));
    expect(await this.scheduler.run(() => seq > 0, this.scheduler.now + 5_000)).toBe(true);
    this.lastSeq = seq;
    await this.session.execute(`INSERT INTO t SELECT i, i % 1000 FROM generate_series(0, ${this.rows - 1}) AS g(i)`);
  }

  /** 100 changed rows: 50 of the loaded rows deleted, 50 new rows for existing keys */
  async smallChange(): Promise<void> {
    const rows: number[][] = [];
    const ops: number[] = [];
    for (let i = 0; i < CHANGED / 2; i++) {
      const [row] = this.live.splice(this.rng.int(0, this.live.length - 1), 1);
      rows.push(row);
      ops.push(-1);
      rows.push([this.rng.int(0, this.rows - 1), this.nextV++]);
      ops.push(1);
    }
    await this.write(rows, ops);
  }

  committed(view: string): CommittedEpoch | null {
    const e = this.server.buckets.get(BUCKET_CLUSTER)?.live(committedKey(view));
    return e === undefined ? null : decodeRecord<CommittedEpoch>(e.value);
  }

  /** runs until every view committed the last write; returns the records */
  async settle(): Promise<Map<string, CommittedEpoch>> {
    const ok = await this.scheduler.run(() => VIEWS.every((v) => (this.committed(v.name)?.seq ?? 0) >= this.lastSeq), this.scheduler.now + 30_000);
    expect(ok, `views committed seq ${this.lastSeq}`).toBe(true);
    return new Map(VIEWS.map((v) => [v.name, this.committed(v.name)!]));
  }

  /** the checkpoint objects of `view` in the store now, with their sizes */
  objects(view: string): Map<string, number> {
    return new Map([...this.server.objects].filter(([name]) => name.startsWith(`ckpt/${view}/`)).map(([name, bytes]) => [name, bytes.length]));
  }

  /** every object the committed record of `view` names: its chains' links and its operator state manifests' chunks */
  async named(view: string, record: CommittedEpoch): Promise<string[]> {
    // a chunk may recur in a manifest (equal content at two places)
    return [...new Set([...committedObjects(view, record), ...(await committedChunks(view, record, this.server.inspect(BUCKET_CLUSTER).objects))])];
  }

  /** the size of the operator state the committed record of `view` holds (what a checkpoint wrote whole before chunking): its manifests' chunks, repeats counted */
  async stateBytes(view: string, record: CommittedEpoch): Promise<number> {
    const chunks = await committedChunks(view, record, this.server.inspect(BUCKET_CLUSTER).objects);
    return chunks.reduce((n, name) => n + this.server.objects.get(name)!.length, 0);
  }

  async expectExact(): Promise<void> {
    const { bucket, objects } = this.server.inspect(BUCKET_CLUSTER);
    for (const [i, job] of this.jobs.entries()) {
      const read = await readCommittedRows(bucket, objects, job);
      const [single] = await this.session.execute(`SELECT * FROM ${VIEWS[i].name}`);
      expect(single.rows.length).toBeGreaterThan(this.rows / 2);
      expect(compareRows(single.rows as unknown[][], read!.rows.flatMap((c) => c.rows())), job.view).toBeNull();
    }
  }
}

/** the part of an instance's checkpoint an object holds: s (operator state manifest), c (a chunk of it), r, d */
function partOf(name: string): string {
  const m = /\.([srd]|c)[0-9a-f]*$/.exec(name);
  if (m === null) throw new Error(`not a checkpoint object: ${name}`);
  return m[1];
}

describe("incremental cluster checkpoints", () => {
  const h = new Harness();
  /** view -> bytes written by the first checkpoint (whole) and by later ones after a small change */
  const figures = new Map<string, { first: number; later: number[]; laterByPart: Record<string, number>[]; state: number[] }>();

  beforeAll(async () => {
    await h.open();
  }, 60_000);
  afterAll(async () => {
    await h.db?.close();
  });

  it("a checkpoint after 100 changed rows writes far fewer bytes than the first (measured in the object store)", async () => {
    await h.load();
    let before = new Map(VIEWS.map((v) => [v.name, h.objects(v.name)]));
    let records = await h.settle();
    for (const v of VIEWS) {
      // every object of the first commit was written by it: the whole state
      const named = await h.named(v.name, records.get(v.name)!);
      figures.set(v.name, { first: named.reduce((n, o) => n + (h.server.objects.get(o)?.length ?? 0), 0), later: [], laterByPart: [], state: [await h.stateBytes(v.name, records.get(v.name)!)] });
    }
    for (let round = 0; round < 3; round++) {
      before = new Map(VIEWS.map((v) => [v.name, h.objects(v.name)]));
      await h.smallChange();
      records = await h.settle();
      for (const v of VIEWS) {
        // what the store holds now that it did not before: the objects this change's checkpoints wrote
        const now = h.objects(v.name);
        let written = 0;
        const byPart: Record<string, number> = { s: 0, c: 0, r: 0, d: 0 };
        for (const [name, size] of now) {
          if (before.get(v.name)!.has(name)) continue;
          written += size;
          byPart[partOf(name)] += size;
        }
        figures.get(v.name)!.later.push(written);
        figures.get(v.name)!.laterByPart.push(byPart);
        figures.get(v.name)!.state.push(await h.stateBytes(v.name, records.get(v.name)!));
      }
    }
    const rows = figures.get("big_rows")!;
    const groups = figures.get("big_groups")!;
    console.log(`checkpoint bytes, ${ROWS} rows then ${CHANGED} changed rows per step: ${JSON.stringify(Object.fromEntries(figures))}`);
    expect(rows.first).toBeGreaterThan(500_000);
    // the view rows go as deltas: a few KB against the whole snapshot's MB
    for (const b of rows.later) expect(b).toBeLessThan(rows.first / 50);
    // the aggregate's operator state (100k groups, ~10.8 MB encoded) goes as the chunks that
    // changed and a manifest: 100 changed groups touch a dozen of its arrays each, so about a third
    // of its chunks (measured 30-36 %); the first checkpoint stores repeated chunks once
    expect(groups.state[0]).toBeGreaterThan(8_000_000);
    expect(groups.first).toBeLessThan(groups.state[0]);
    for (const [i, b] of groups.later.entries()) {
      const written = groups.laterByPart[i].s + groups.laterByPart[i].c;
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThan(groups.state[i + 1] * 0.45);
      // the manifest is small beside the state it lists
      expect(groups.laterByPart[i].s).toBeLessThan(groups.state[i + 1] / 40);
      expect(b).toBeLessThan(groups.first);
      expect(groups.laterByPart[i].r).toBe(0);
      expect(groups.laterByPart[i].d).toBeGreaterThan(0);
      expect(groups.laterByPart[i].d).toBeLessThan(rows.first / 50);
    }
    // the committed chains are a whole snapshot followed by deltas
    for (const v of VIEWS) {
      const chains = Object.values(records.get(v.name)!.objects);
      expect(chains.some((links) => links.filter((l) => parseChainLink(l).part === "d").length === 3), v.name).toBe(true);
    }
  }, 120_000);

  it("restoring the committed chains gives exactly the single-node views, also after a worker crashed and its chains were continued", async () => {
    await h.expectExact();
    // w2 crashes: the survivor restores its partitions from the chains and continues them
    h.scheduler.crash(h.workers[1]);
    h.world.crashed(h.workers[1]);
    const generationBefore = Math.max(...VIEWS.map((v) => h.committed(v.name)!.generation));
    await h.smallChange();
    const records = await h.settle();
    for (const v of VIEWS) {
      const r = records.get(v.name)!;
      expect(r.generation).toBeGreaterThan(generationBefore);
      // a chain of the new generation still starts with the whole snapshot of an older one
      const rowChains = Object.values(r.objects).filter((links) => links.some((l) => parseChainLink(l).part === "r"));
      expect(rowChains.some((links) => {
        const parts = links.map(parseChainLink);
        return parts.some((p) => p.part === "r" && p.generation < r.generation) && parts.some((p) => p.part === "d" && p.generation === r.generation);
      }), v.name).toBe(true);
    }
    await h.expectExact();
  }, 120_000);

  it("garbage collection leaves exactly the objects the committed records name", async () => {
    // idle epochs: checkpoints write nothing new (nothing changed) and the leader collects
    await h.scheduler.run(() => false, h.scheduler.now + 1_000);
    for (const v of VIEWS) {
      const record = h.committed(v.name)!;
      expect([...h.objects(v.name).keys()].sort(), v.name).toEqual((await h.named(v.name, record)).sort());
    }
    // and they still restore the exact views
    await h.expectExact();
  }, 60_000);
});

describe("committed records stay small", () => {
  it("every instance at its longest chain keeps a view's record within the budget, for 1 to 768 instances", () => {
    for (const instances of [1, 6, 48, 256, 768]) {
      const links = maxRowLinks(instances, MAX_TABLE_CHAIN);
      expect(links).toBeGreaterThanOrEqual(1);
      expect(links).toBeLessThanOrEqual(MAX_TABLE_CHAIN);
      const objects: Record<string, string[]> = {};
      for (let i = 0; i < instances; i++) {
        objects[`${i % 3}/${i}`] = [chainLink("s", 99999, 999999), chainLink("r", 99999, 999999), ...Array.from({ length: links - 1 }, () => chainLink("d", 99999, 999999))];
      }
      const record: CommittedEpoch = { term: 99999, epoch: 999999, seq: 99999999, generation: 99999, objects };
      // links this long (generation and epoch in the hundred thousands) run a little over the 12 bytes counted for each
      expect(encodeRecord(record).length, `${instances} instances`).toBeLessThan(64 * 1024);
    }
    expect(maxRowLinks(6, MAX_TABLE_CHAIN)).toBe(MAX_TABLE_CHAIN);
  });
});

describe("checkpoint object writes that fail", () => {
  it("a write failing a few times is tried again: the epochs commit and the views stay exact", async () => {
    const h = new Harness(2_000);
    await h.open();
    try {
      const failures = new Map<string, number>();
      // every object's first two writes fail (PUT_ATTEMPTS is 4)
      h.putFault = (_worker, name) => {
        const n = failures.get(name) ?? 0;
        failures.set(name, n + 1);
        return n < 2;
      };
      await h.load();
      await h.settle();
      await h.smallChange();
      await h.settle();
      expect(h.failedPuts).toBeGreaterThan(4);
      await h.expectExact();
    } finally {
      await h.db.close();
    }
  }, 60_000);

  it("a write that keeps failing is never acked: no commit names it, and a new generation recovers exactly", async () => {
    const h = new Harness(2_000, 1_500);
    await h.open();
    try {
      await h.load();
      const first = await h.settle();
      // w1 cannot store anything for a while
      let broken = true;
      h.putFault = (worker) => broken && worker === "w1";
      await h.smallChange();
      const stalledUntil = h.scheduler.now + 1_200;
      await h.scheduler.run(() => false, stalledUntil);
      expect(h.failedPuts).toBeGreaterThan(0);
      for (const v of VIEWS) {
        // no commit covers the change: w1's instances that got input acked no checkpoint since
        expect(h.committed(v.name)!.seq, v.name).toBeLessThan(h.lastSeq);
        expect(h.committed(v.name)!.generation, v.name).toBe(first.get(v.name)!.generation);
        // and every object a committed record names is in the store
        for (const name of await h.named(v.name, h.committed(v.name)!)) expect(h.server.objects.has(name), name).toBe(true);
      }
      broken = false;
      const records = await h.settle();
      for (const v of VIEWS) expect(records.get(v.name)!.generation, v.name).toBeGreaterThan(first.get(v.name)!.generation);
      await h.expectExact();
    } finally {
      await h.db.close();
    }
  }, 60_000);
});
