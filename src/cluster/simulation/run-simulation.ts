// One seeded run of the whole cluster in one process: two coordinators and three workers on a
// simulated backbone and network, a writer appending batches, and faults at seeded times (worker
// crash and restart, leader crash with the standby taking over, pauses past the lease, link
// partitions, slow links, a worker added). After the faults stop and the system settles, each
// view's rows gathered from its COMMITTED checkpoint objects must equal the single-node answer
// over the tables' final contents. The result (and its trace hash) depends only on the seed.

import { createHash } from "node:crypto";
import type { ClusterJob } from "../cluster-job.js";
import { BUCKET_CLUSTER, type CommittedEpoch, committedKey, committedObjects, decodeRecord } from "../cluster-records.js";
import { committedChunks } from "../instance-checkpoint.js";
import { readCommittedRows } from "../committed-rows.js";
import { ClusterCoordinator } from "../coordinator.js";
import type { BrokenVariants, ClusterOptions, ClusterTiming, NodeEnv } from "../node-env.js";
import { ClusterWorker } from "../worker.js";
import { type ExchangeFrameCodec, stateFrameCodec } from "../exchange-frames.js";
import { keyedSumAnswer, keyedSumJob } from "./keyed-sum-job.js";
import { SeededRandom } from "./seeded-random.js";
import { SimBackboneClient, SimBackboneServer } from "./sim-backbone.js";
import { SimNetwork, SimNetworkWorld } from "./sim-network.js";
import { SimNode, SimScheduler } from "./sim-scheduler.js";
import { type SimTable, SimWorkload } from "./sim-workload.js";

/** the views to run and how to compute their single-node answers */
export interface SimulationSetup {
  tables: SimTable[];
  jobs: ClusterJob[];
  /** view -> its rows, from the tables' final rows */
  expected(tables: ReadonlyMap<string, number[][]>): Promise<Map<string, unknown[][]>> | Map<string, unknown[][]>;
}

export interface SimulationOptions {
  setup?: SimulationSetup;
  broken?: BrokenVariants;
  /** write batches (default 24) */
  batches?: number;
  /** faults and writes happen in [0, windowMs] (default 3000) */
  windowMs?: number;
  /** timing overrides (default SIM_TIMING) */
  timing?: Partial<ClusterTiming>;
  /** the exchange frame codec (default: the state codec, faster than Arrow IPC for the simulation's tiny chunks) */
  codec?: ExchangeFrameCodec;
  /** the probability that one backbone call fails, before or after it takes effect (default 0.003) */
  backboneFailureRate?: number;
  /** these faults instead of seeded random ones */
  faults?: ScriptedFault[];
  /** also start a worker with this (wrong) token: its refusal is reported in `refused` */
  rogueWorker?: { token?: string };
  /** keep every trace line in the result (to print a failing seed's story) */
  keepTrace?: boolean;
  /** the leader cuts the input log this often (default: every 4 heartbeats; 0: never) */
  cutEveryMs?: number;
}

export interface ScriptedFault {
  at: number;
  kind: "crash-worker" | "crash-leader" | "pause-worker" | "pause-leader" | "partition" | "add-worker" | "backbone-outage";
  duration: number;
  /** the worker (crash, pause) or first node (partition); default: seeded random */
  target?: string;
  /** the other side of a partition */
  partner?: string;
  /** a crashed worker restarts with its id (true) or a new worker replaces it (false) */
  sameId?: boolean;
}

export interface SimulationResult {
  seed: number;
  ok: boolean;
  failure: string | null;
  /** sha256 of the event trace: equal for two runs of one seed */
  traceHash: string;
  steps: number;
  simTimeMs: number;
  faults: string[];
  generations: number;
  commits: number;
  /** log sequence of the last write, and append calls made (retries included) */
  lastWriteSeq: number;
  appends: number;
  /** checkpoint objects left in the store at the end (old epochs' are deleted) */
  objectsLeft: number;
  /** the input log's first sequence at the end: the leader cut it below what every view still reads */
  logFirstSeq: number;
  /** refusal errors of the rogue worker */
  refused: string[];
  trace?: string[];
}

export const SIM_TIMING: ClusterTiming = {
  heartbeatMs: 50,
  workerTtlMs: 200,
  leaderTtlMs: 200,
  barrierIntervalMs: 100,
  checkpointTimeoutMs: 1500,
  checkpointEveryEpochs: 1,
  takeoverGraceMs: 120,
};

const FAULT_START = 200;
const SETTLE_LIMIT = 40_000;

export function keyedSumSetup(): SimulationSetup {
  return {
    tables: [{ name: "t", columns: 2 }],
    jobs: [keyedSumJob()],
    expected: (tables) => new Map([["ksum", keyedSumAnswer(tables.get("t") ?? [])]]),
  };
}

type Process = { kind: "worker"; proc: ClusterWorker } | { kind: "coordinator"; proc: ClusterCoordinator };

export async function runSimulation(seed: number, options: SimulationOptions = {}): Promise<SimulationResult> {
  const setup = options.setup ?? keyedSumSetup();
  const rng = new SeededRandom(seed);
  const scheduler = new SimScheduler();
  const server = new SimBackboneServer(scheduler, rng.fork(), options.backboneFailureRate ?? 0.003);
  const world = new SimNetworkWorld(scheduler, rng.fork(), 8);
  const faultRng = rng.fork();
  const workload = new SimWorkload(setup.tables, rng.fork());
  const hash = createHash("sha256");
  const trace: string[] = [];
  let commits = 0;
  let generations = 0;
  const traceLine = (line: string): void => {
    const l = `${scheduler.now} ${line}`;
    hash.update(l).update("\n");
    if (options.keepTrace) trace.push(l);
    if (line.includes(" committed ")) commits++;
    const g = /generation (\d+) on /.exec(line);
    if (g !== null) generations = Math.max(generations, Number(g[1]));
  };
  const clusterOptions: ClusterOptions = { token: "sim-token", jobs: setup.jobs, timing: { ...SIM_TIMING, ...options.timing }, broken: options.broken, codec: options.codec ?? stateFrameCodec };
  const FAULT_END = options.windowMs ?? 3000;

  const processes = new Map<SimNode, Process>();
  const envFor = (node: SimNode): NodeEnv => ({
    clock: scheduler.clockFor(node),
    backbone: new SimBackboneClient(server, node),
    network: new SimNetwork(world, node),
    trace: traceLine,
  });
  const boot = (node: SimNode, kind: "worker" | "coordinator", id: string): void => {
    scheduler.schedule(0, node, () => {
      const env = envFor(node);
      const p: Process = kind === "worker" ? { kind, proc: new ClusterWorker(id, env, clusterOptions) } : { kind, proc: new ClusterCoordinator(id, env, clusterOptions) };
      processes.set(node, p);
      p.proc.start().catch((e: unknown) => traceLine(`${id} failed to start: ${e instanceof Error ? e.message : String(e)}`));
    });
  };
  const workers: SimNode[] = [];
  const coordinators: SimNode[] = [];
  let nextWorker = 1;
  const addWorker = (): SimNode => {
    const node = new SimNode(`w${nextWorker++}`);
    workers.push(node);
    boot(node, "worker", node.name);
    return node;
  };
  for (let i = 1; i <= 2; i++) {
    const node = new SimNode(`c${i}`);
    coordinators.push(node);
    boot(node, "coordinator", node.name);
  }
  for (let i = 0; i < 3; i++) addWorker();

  // faults, each healed within its own window
  const faults: string[] = [];
  let lastRecovery = 0;
  const up = (nodes: SimNode[]): SimNode[] => nodes.filter((n) => n.state === "up");
  const crash = (node: SimNode): void => {
    scheduler.crash(node);
    world.crashed(node);
    processes.delete(node);
  };
  const leader = (): SimNode | undefined => up(coordinators).find((n) => {
    const p = processes.get(n);
    return p?.kind === "coordinator" && p.proc.isLeader;
  });
  const planned: ScriptedFault[] =
    options.faults ??
    Array.from({ length: faultRng.int(2, 6) }, () => ({
      at: faultRng.int(FAULT_START, FAULT_END),
      kind: faultRng.pick(["crash-worker", "crash-leader", "pause-worker", "pause-leader", "partition", "add-worker", "crash-worker", "partition", "backbone-outage"] as const),
      duration: faultRng.int(50, 1200),
    }));
  const named = (name: string | undefined): SimNode | undefined => [...workers, ...coordinators].find((n) => n.name === name);
  for (const fault of planned) {
    const { at, kind, duration } = fault;
    lastRecovery = Math.max(lastRecovery, at + duration);
    scheduler.scheduleAt(at, null, () => {
      const note = (what: string): void => {
        faults.push(`${at}ms ${what}`);
        traceLine(`FAULT ${what}`);
      };
      if (kind === "crash-worker" || kind === "pause-worker") {
        const candidates = up(workers);
        if (candidates.length <= 1) return;
        const victim = named(fault.target) ?? faultRng.pick(candidates);
        if (kind === "pause-worker") {
          note(`pause ${victim.name} for ${duration}ms`);
          scheduler.pause(victim);
          scheduler.schedule(duration, null, () => scheduler.resume(victim));
          return;
        }
        const sameId = fault.sameId ?? faultRng.chance(0.7);
        note(`crash ${victim.name}, ${sameId ? "restart" : "replace by a new worker"} after ${duration}ms`);
        crash(victim);
        scheduler.schedule(duration, null, () => {
          if (sameId) {
            scheduler.restart(victim);
            boot(victim, "worker", victim.name);
          } else addWorker();
        });
      } else if (kind === "crash-leader" || kind === "pause-leader") {
        const victim = leader() ?? faultRng.pick(up(coordinators));
        if (victim === undefined) return;
        if (kind === "pause-leader") {
          note(`pause coordinator ${victim.name} for ${duration}ms`);
          scheduler.pause(victim);
          scheduler.schedule(duration, null, () => scheduler.resume(victim));
          return;
        }
        note(`crash coordinator ${victim.name}, restart after ${duration}ms`);
        crash(victim);
        scheduler.schedule(duration, null, () => {
          scheduler.restart(victim);
          boot(victim, "coordinator", victim.name);
        });
      } else if (kind === "partition") {
        const nodes = [...up(workers), ...up(coordinators)];
        const a = named(fault.target) ?? faultRng.pick(nodes);
        const b = named(fault.partner) ?? faultRng.pick(nodes.filter((n) => n !== a));
        if (a === undefined || b === undefined) return;
        note(`partition ${a.name} | ${b.name} for ${duration}ms`);
        world.partition(a, b, scheduler.now + duration);
      } else if (kind === "backbone-outage") {
        note(`NATS unreachable for ${duration}ms`);
        server.outage(duration);
      } else {
        note(`add worker w${nextWorker}`);
        addWorker();
      }
    });
  }
  const refused: string[] = [];
  if (options.rogueWorker !== undefined) {
    const node = new SimNode("rogue");
    const rogue = options.rogueWorker;
    scheduler.schedule(0, node, () => {
      const w = new ClusterWorker("rogue", envFor(node), { ...clusterOptions, token: rogue.token ?? clusterOptions.token });
      void w.start();
      const check = (): void => {
        if (w.failure !== null) refused.push(w.failure.message);
        else scheduler.schedule(SIM_TIMING.heartbeatMs, node, check);
      };
      check();
    });
  }

  // the leader cuts the input log every few heartbeats, below what each view restarts from (no
  // snapshots here: a view with nothing committed holds the whole log), so a recovery that needs a
  // cut message shows as a wrong answer or a run that never settles
  const cutEvery = options.cutEveryMs ?? (clusterOptions.timing?.heartbeatMs ?? SIM_TIMING.heartbeatMs) * 4;
  const cutter = (): void => {
    const node = leader();
    const p = node === undefined ? undefined : processes.get(node);
    if (node !== undefined && p?.kind === "coordinator") {
      scheduler.schedule(0, node, () => {
        void p.proc.requestCut(null);
      });
    }
    scheduler.schedule(cutEvery, null, cutter);
  };
  if (cutEvery > 0) scheduler.schedule(cutEvery, null, cutter);

  const writer = new SimNode("writer");
  const writerEnv = envFor(writer);
  scheduler.schedule(0, writer, () => {
    void workload.run(writerEnv.backbone.log, writerEnv.clock, options.batches ?? 24, 100, FAULT_END);
  });

  const committed = (view: string): CommittedEpoch | null => {
    const e = server.buckets.get(BUCKET_CLUSTER)?.live(committedKey(view));
    return e === undefined ? null : decodeRecord<CommittedEpoch>(e.value);
  };
  let lastCheck = -1;
  const settled = (): boolean => {
    if (scheduler.now === lastCheck || scheduler.now < lastRecovery || !workload.done) return false;
    lastCheck = scheduler.now;
    return setup.jobs.every((j) => (committed(j.view)?.seq ?? 0) >= workload.lastSeq);
  };
  const ok = await scheduler.run(settled, SETTLE_LIMIT);
  // a little longer, so the leader learns of its last commit and deletes what it no longer needs
  if (ok) await scheduler.run(() => false, scheduler.now + 500);

  let failure: string | null = null;
  if (scheduler.errors.length > 0) failure = `exception in an event: ${scheduler.errors[0]}`;
  else if (!ok) {
    const lag = setup.jobs.map((j) => `${j.view} committed seq ${committed(j.view)?.seq ?? 0}`).join(", ");
    failure = `did not settle by ${SETTLE_LIMIT}ms: ${lag}, last write seq ${workload.lastSeq}${workload.done ? "" : " (writer not done)"}`;
  } else {
    const expected = await setup.expected(workload.contents);
    const { bucket, objects } = server.inspect(BUCKET_CLUSTER);
    for (const job of setup.jobs) {
      let got: unknown[][];
      try {
        const read = await readCommittedRows(bucket, objects, job);
        got = (read?.rows ?? []).flatMap((c) => c.rows());
      } catch (e) {
        failure = `${job.view}: ${e instanceof Error ? e.message : String(e)}`;
        break;
      }
      const diff = compareRows(expected.get(job.view) ?? [], got);
      if (diff !== null) {
        failure = `${job.view}: ${diff}`;
        break;
      }
      // garbage collection kept every object the committed chains name (operator state too, which a restore of the rows does not read)
      const record = committed(job.view);
      let named: string[] = [];
      try {
        named = record === null ? [] : [...committedObjects(job.view, record), ...(await committedChunks(job.view, record, objects))];
      } catch (e) {
        failure = `${job.view}: ${e instanceof Error ? e.message : String(e)}`;
        break;
      }
      const missing = named.find((name) => !server.objects.has(name));
      if (missing !== undefined) {
        failure = `${job.view}: committed checkpoint object ${missing} was deleted`;
        break;
      }
    }
  }
  traceLine(`END ${failure ?? "ok"}`);
  return {
    seed,
    ok: failure === null,
    failure,
    traceHash: hash.digest("hex"),
    steps: scheduler.steps,
    simTimeMs: scheduler.now,
    faults,
    generations,
    commits,
    refused,
    objectsLeft: server.objects.size,
    logFirstSeq: server.firstSeq,
    lastWriteSeq: workload.lastSeq,
    appends: workload.appends,
    trace: options.keepTrace ? trace : undefined,
  };
}

function rowText(row: readonly unknown[]): string {
  return JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v));
}

/** null when equal as multisets, else what differs */
export function compareRows(expected: readonly (readonly unknown[])[], got: readonly (readonly unknown[])[]): string | null {
  const count = new Map<string, number>();
  for (const r of expected) count.set(rowText(r), (count.get(rowText(r)) ?? 0) + 1);
  for (const r of got) count.set(rowText(r), (count.get(rowText(r)) ?? 0) - 1);
  const missing: string[] = [];
  const extra: string[] = [];
  for (const [k, n] of count) {
    if (n > 0) missing.push(`${k}${n > 1 ? ` x${n}` : ""}`);
    if (n < 0) extra.push(`${k}${n < -1 ? ` x${-n}` : ""}`);
  }
  if (missing.length === 0 && extra.length === 0) return null;
  return `rows differ from the single-node answer: missing [${missing.slice(0, 5).join(" ")}] extra [${extra.slice(0, 5).join(" ")}] (${expected.length} expected, ${got.length} got)`;
}
