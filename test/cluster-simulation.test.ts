// The coordinator/worker protocol under the deterministic simulation (src/cluster/simulation):
// seeded runs with worker crashes, leader crashes, pauses past the lease, partitions and slow
// links, and the leader cutting the input log below what the views restart from, must leave every
// view's committed rows equal to the single-node answer; a seed replays
// identically; and a deliberately broken protocol is caught, so the harness can fail.
//   SAGE_SIM_SEEDS=<n>   seeds of the SQL views (default 200; the last quarter also runs the q8 view)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlSimulation, type SqlSimulation } from "../src/cluster-simulation.js";
import { arrowFrameCodec, type ExchangeFrameCodec, type FramePayload } from "../src/cluster/index.js";
import { compareRows, keyedSumSetup, runSimulation, type SimulationResult } from "../src/cluster/simulation/index.js";

const SEEDS = Number(process.env.SAGE_SIM_SEEDS ?? 200);
const GROUP = 50;
/** seeds from here on also run the Nexmark-q8-shaped view (five fragments: about three times a seed's cost) */
const Q8_FROM = Math.floor((SEEDS * 3) / 4) + 1;
/** simulateCluster's (and `sage-sql simulate --q8`'s) workload */
const CLI_WORKLOAD = { windowMs: 1500, batches: 12 };
/** a small workload per seed, so 200 seeds of two views at parallelism 3 fit the time budget */
const SMALL = { windowMs: 1200, batches: 10 };

function failureText(r: SimulationResult): string {
  return `seed ${r.seed} failed: ${r.failure}\n  faults: ${r.faults.join("; ")}\n  replay: runSimulation(${r.seed})`;
}

/** a message as text: a chunk by its rows (what Column.get reads, NULLs included) and ops */
function messageText(m: FramePayload): string {
  const plain = m.kind === "chunk" ? { rows: m.chunk.rows(), ops: m.chunk.ops === null ? null : [...m.chunk.ops.subarray(0, m.chunk.length)] } : m;
  return JSON.stringify(plain, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}

let sql: SqlSimulation;
let q8: SqlSimulation;

describe("cluster protocol under the deterministic simulation", () => {
  beforeAll(async () => {
    sql = await openSqlSimulation(3);
    q8 = await openSqlSimulation(3, { q8: true });
  }, 60_000);
  afterAll(async () => {
    await sql?.close();
    await q8?.close();
  });

  for (let from = 1; from <= SEEDS; from += GROUP) {
    const to = Math.min(SEEDS, from + GROUP - 1);
    const withQ8 = from >= Q8_FROM;
    it(`seeds ${from}-${to}: an aggregate and a join+aggregate${withQ8 ? " and a Nexmark-q8-shaped windowed join" : ""} at parallelism 3 equal the single-node answer`, async () => {
      const failures: string[] = [];
      let faults = 0;
      let generations = 0;
      const uncut: number[] = [];
      for (let seed = from; seed <= to; seed++) {
        const r = await runSimulation(seed, { setup: withQ8 ? q8.setup : sql.setup, ...SMALL });
        if (!r.ok) failures.push(failureText(r));
        faults += r.faults.length;
        generations += r.generations;
        if (r.logFirstSeq <= 1) uncut.push(seed);
      }
      expect(failures, failures.join("\n")).toEqual([]);
      // the leader cut the input log (below what the views restart from) in nearly every run, and yet
      // they are exact (a run whose leader changes at the wrong moments may end before its first cut)
      expect(uncut.length, `seeds whose log was never cut: ${uncut.join(" ")}`).toBeLessThanOrEqual((to - from + 1) / 10);
      // the runs really were disturbed: faults fired and forced new generations
      expect(faults).toBeGreaterThan(to - from);
      expect(generations).toBeGreaterThan(2 * (to - from + 1));
    }, 120_000);
  }

  it("seeds 1-8 with exchange frames as Arrow IPC (the production codec) equal the single-node answer", async () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= 8; seed++) {
      const r = await runSimulation(seed, { setup: sql.setup, ...SMALL, codec: arrowFrameCodec });
      if (!r.ok) failures.push(failureText(r));
    }
    expect(failures, failures.join("\n")).toEqual([]);
  }, 120_000);

  it("a Nexmark-q8-shaped view (tumbling windows, text, timestamps) over Arrow IPC frames: every frame decodes to what was sent, and seeds 1-4 equal the single-node answer", async () => {
    // simulateCluster's workload (1500 ms, 12 batches)
    {
      let frames = 0;
      const differing: string[] = [];
      // the production codec, checked frame by frame against the message it was given
      const checked: ExchangeFrameCodec = {
        encode(header, payload) {
          const bytes = arrowFrameCodec.encode(header, payload);
          const back = arrowFrameCodec.decode(bytes).payload;
          frames++;
          if (messageText(back) !== messageText(payload) && differing.length < 3) differing.push(`${header.view}: sent ${messageText(payload)}, decoded ${messageText(back)}`);
          return bytes;
        },
        decode: arrowFrameCodec.decode,
      };
      const failures: string[] = [];
      for (let seed = 1; seed <= 4; seed++) {
        const r = await runSimulation(seed, { setup: q8.setup, ...CLI_WORKLOAD, codec: checked });
        if (!r.ok) failures.push(failureText(r));
      }
      expect(differing, differing.join("\n")).toEqual([]);
      expect(frames).toBeGreaterThan(1000);
      expect(failures, failures.join("\n")).toEqual([]);
    }
  }, 180_000);

  it("seed 859 with q8 (a worker paused past its lease while frames to it were in flight) settles exact", async () => {
    // The simulator once ran the frames a pause held AFTER one arriving the moment the pause ended,
    // breaking the connection's FIFO: an aggregate passed barrier 3 before a chunk sent ahead of it,
    // epoch 3 was committed without that row, and every generation restoring it then failed on its
    // delete ("aggregate received a delete of a row it never saw"), so nothing settled in 40 s.
    // (That was before incremental checkpoints changed the seeds' traces; the cause itself is pinned
    // by src/cluster/simulation/sim-scheduler.test.ts, which fails on the old scheduler.)
    const r = await runSimulation(859, { setup: q8.setup, ...CLI_WORKLOAD, keepTrace: true });
    expect(r.ok, failureText(r)).toBe(true);
    expect(r.faults.some((f) => /pause w1/.test(f))).toBe(true);
    expect(r.trace!.filter((l) => /instance failed/.test(l))).toEqual([]);
  }, 60_000);

  it("a checkpoint timeout too short for the cluster backs off instead of replacing generation after generation", async () => {
    // 60 ms is less than a new generation needs to commit (workers read the assignment every 50 ms,
    // restore, and the next marker comes 100 ms later). With a fixed limit these seeds went through
    // 16, 35, 8, 9, 53 and 25 generations without a single fault; doubling the limit while nothing
    // commits leaves a few. (In production the same livelock comes from a replay that outgrows it.)
    const generations: number[] = [];
    for (let seed = 1; seed <= 6; seed++) {
      // without the log cut: its backbone calls in the leader's tick shift these tight timings (up to
      // 14 generations); the seed groups above run with it
      const r = await runSimulation(seed, { setup: keyedSumSetup(), timing: { checkpointTimeoutMs: 60 }, faults: [], cutEveryMs: 0 });
      expect(r.ok, failureText(r)).toBe(true);
      generations.push(r.generations);
    }
    expect(Math.max(...generations), `generations per seed: ${generations.join(" ")}`).toBeLessThanOrEqual(12);
  }, 60_000);

  it("the protocol's own keyed-sum job survives 50 seeds of the full workload", async () => {
    const failures: string[] = [];
    for (let seed = 1001; seed <= 1050; seed++) {
      const r = await runSimulation(seed, { setup: keyedSumSetup() });
      if (!r.ok) failures.push(failureText(r));
    }
    expect(failures, failures.join("\n")).toEqual([]);
  }, 120_000);

  it("a seed is a pure function of its number: two runs give the same trace", async () => {
    for (const seed of [7, 42]) {
      const a = await runSimulation(seed, { setup: sql.setup, ...SMALL, keepTrace: true });
      const b = await runSimulation(seed, { setup: sql.setup, ...SMALL, keepTrace: true });
      expect(b.trace).toEqual(a.trace);
      expect(b.traceHash).toBe(a.traceHash);
      expect(b.steps).toBe(a.steps);
      // a real run: dozens of protocol events (seed 7 has 49 lines)
      expect(a.trace!.length).toBeGreaterThan(40);
    }
    const other = await runSimulation(8, { setup: sql.setup, ...SMALL });
    expect(other.traceHash).not.toBe((await runSimulation(7, { setup: sql.setup, ...SMALL })).traceHash);
  }, 120_000);

  it("a protocol that delivers frames of an older generation is caught by some seed", async () => {
    let caught: SimulationResult | null = null;
    for (let seed = 1; seed <= 60 && caught === null; seed++) {
      const r = await runSimulation(seed, { setup: keyedSumSetup(), broken: { acceptStaleFrames: true } });
      if (!r.ok) caught = r;
    }
    expect(caught, "no seed caught the broken protocol").not.toBeNull();
    expect(caught!.failure).toMatch(/differ from the single-node answer|did not settle/);
    // and the same seed passes with the real protocol
    expect((await runSimulation(caught!.seed, { setup: keyedSumSetup() })).ok).toBe(true);
  }, 120_000);

  it("a leader that skips its fencing (goes on after losing the lease, writes without compare-and-set) is caught by some seed", async () => {
    let caught: SimulationResult | null = null;
    for (let seed = 1; seed <= 60 && caught === null; seed++) {
      const r = await runSimulation(seed, { setup: keyedSumSetup(), broken: { skipLeaderFencing: true } });
      if (!r.ok) caught = r;
    }
    expect(caught, "no seed caught the broken protocol").not.toBeNull();
    expect((await runSimulation(caught!.seed, { setup: keyedSumSetup() })).ok).toBe(true);
  }, 120_000);

  it("the row check itself tells equal multisets from different ones", () => {
    expect(compareRows([[1, 2n], [1, 2n]], [[1, 2], [1, 2]])).toBeNull();
    expect(compareRows([[1, 2], [1, 2]], [[1, 2]])).toMatch(/missing \[\[1,2\]\]/);
    expect(compareRows([[1, 2]], [[1, 3]])).toMatch(/extra \[\[1,3\]\]/);
  });
});
