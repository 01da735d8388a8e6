// What a coordinator or worker is started with: the world outside its memory (clock, backbone,
// network: real NATS/ws or the simulator's) and the cluster's settings. The protocol touches
// nothing else (no Date.now, timers, randomness, sockets or files), so it runs unchanged under
// the deterministic simulation.

import type { Backbone, Clock, KeyValueBucket, Network } from "./backbone.js";
import { BUCKET_CLUSTER, BUCKET_LEADER, BUCKET_WORKERS } from "./cluster-records.js";
import type { ClusterJob } from "./cluster-job.js";
import type { Assignment, CommittedEpoch } from "./cluster-records.js";
import { type InputLogScheme, stateInputScheme } from "./input-scheme.js";
import { arrowFrameCodec, type ExchangeFrameCodec } from "./exchange-frames.js";

export interface NodeEnv {
  clock: Clock;
  backbone: Backbone;
  network: Network;
  /** one line per significant protocol event (the simulator hashes them; production logs them) */
  trace?: (line: string) => void;
}

export interface ClusterTiming {
  /** how often workers renew their lease and the leader runs its loop */
  heartbeatMs: number;
  /** a worker not renewed within this is lost */
  workerTtlMs: number;
  /** a leader not renewed within this is replaced by a standby */
  leaderTtlMs: number;
  /** how often the leader cuts the input log with a barrier marker */
  barrierIntervalMs: number;
  /** an epoch not committed within this (a lost frame or ack, a stuck link): a new generation restores */
  checkpointTimeoutMs: number;
  /** a new leader waits this long for workers to say hello before it places anything */
  takeoverGraceMs: number;
  /**
   * instances checkpoint (and the leader commits) only epochs divisible by this: every instance
   * picks the same epochs, so the commits still line up, at a fraction of the object-store traffic
   */
  checkpointEveryEpochs: number;
}

export const DEFAULT_TIMING: ClusterTiming = {
  heartbeatMs: 1000,
  workerTtlMs: 3000,
  leaderTtlMs: 5000,
  barrierIntervalMs: 1000,
  checkpointTimeoutMs: 20000,
  takeoverGraceMs: 2000,
  checkpointEveryEpochs: 1,
};

/** Deliberately broken variants: the simulation's own test proves its checks catch each. */
export interface BrokenVariants {
  /**
   * deliver exchange frames of an older generation instead of dropping them: a worker takes links
   * of an older generation (new ones, and its last generation's) into its current one
   */
  acceptStaleFrames?: boolean;
  /**
   * skip the leader's fencing: a coordinator that lost its lease goes on leading, and writes the
   * shared keys with blind puts instead of compare-and-set
   */
  skipLeaderFencing?: boolean;
}

/** Credit-based backpressure on the exchange channels between workers (exchange-channel.ts). */
export interface ExchangeFlow {
  /** frames a receiving channel holds unconsumed at most (default 16) */
  window: number;
  /** frames a sending channel queues while out of credit before its producer pauses (default 16) */
  maxQueued: number;
}

export const DEFAULT_FLOW: ExchangeFlow = { window: 16, maxQueued: 16 };

/** Hooks for tests (none in production). */
export interface ClusterTestHooks {
  /**
   * Called before a message from another worker is handed to an instance; a promise holds that
   * channel (its later messages and the credits they would return) until it settles: a slow consumer.
   */
  beforeRemoteDelivery?(view: string, fragment: number, partition: number): Promise<void> | undefined;
  /** each generation's exchange figures, once it stops */
  generationStopped?(member: string, stats: FlowStats): void;
}

/** What one worker's generation saw of backpressure. */
export interface FlowStats {
  generation: number;
  /** the most unconsumed frames any receiving channel held at once */
  maxReceiverInbox: number;
  /** the most frames any sending channel queued at once */
  maxSenderQueue: number;
  /** how often the input-log reading paused (sources out of credit), and for how long in all (ms) */
  inputPauses: number;
  inputPausedMs: number;
  /** frames received from and sent to other workers */
  framesIn: number;
  framesOut: number;
}

/**
 * The views the cluster runs, when they change at run time (CREATE/DROP MATERIALIZED VIEW): the
 * leader reads `current()` every tick (a change of the set starts a new generation); a worker
 * builds the jobs an assignment places (from the specs the leader stored in KV).
 */
export interface JobCatalog {
  current(): readonly ClusterJob[];
  forAssignment(assignment: Assignment): Promise<readonly ClusterJob[]>;
}

/** the gathered output of a materialize partition for one epoch (sent by workers to the leader) */
export interface EpochChanges {
  member: string;
  generation: number;
  view: string;
  partition: number;
  epoch: number;
  /** Arrow IPC chunk bytes; null: no changes */
  changes: Uint8Array | null;
}

/** What the leader tells whoever keeps the views' gathered copies (src/cluster-views.ts). */
export interface CoordinatorObserver {
  /** leads with this term (before taking over the shared keys) */
  leading?(term: number): void;
  steppedDown?(why: string): void;
  /** took over: the committed epoch of every view, the copies are rebuilt from them */
  tookOver?(committed: ReadonlyMap<string, CommittedEpoch>): void;
  generation?(assignment: Assignment): void;
  changes?(c: EpochChanges): void;
  committed?(view: string, record: CommittedEpoch): void;
}

export interface ClusterOptions {
  /** shared secret every hello carries; a node without it is refused */
  token: string;
  jobs: readonly ClusterJob[] | JobCatalog;
  /** the input log's subjects and message codec (default: the simulation's, `in.<relation>`) */
  input?: InputLogScheme;
  observer?: CoordinatorObserver;
  /** the leader record's client address (pgwire host:port), told to clients of a standby */
  clientAddress?: () => string;
  timing?: Partial<ClusterTiming>;
  /** exchange frames' codec (default: Arrow IPC record batches, exchange-frames.ts) */
  codec?: ExchangeFrameCodec;
  /** exchange channels' credit window and queue bound */
  flow?: Partial<ExchangeFlow>;
  broken?: BrokenVariants;
  hooks?: ClusterTestHooks;
}

export interface ResolvedOptions {
  token: string;
  jobs: JobCatalog;
  input: InputLogScheme;
  observer: CoordinatorObserver;
  clientAddress: () => string;
  timing: ClusterTiming;
  codec: ExchangeFrameCodec;
  flow: ExchangeFlow;
  broken: BrokenVariants;
  hooks: ClusterTestHooks;
}

export function resolveOptions(o: ClusterOptions): ResolvedOptions {
  const jobs: JobCatalog = Array.isArray(o.jobs) ? staticJobs(o.jobs as readonly ClusterJob[]) : (o.jobs as JobCatalog);
  return { token: o.token, jobs, input: o.input ?? stateInputScheme, observer: o.observer ?? {}, clientAddress: o.clientAddress ?? (() => ""), timing: { ...DEFAULT_TIMING, ...o.timing }, codec: o.codec ?? arrowFrameCodec, flow: { ...DEFAULT_FLOW, ...o.flow }, broken: o.broken ?? {}, hooks: o.hooks ?? {} };
}

export interface ClusterBuckets {
  workers: KeyValueBucket;
  leader: KeyValueBucket;
  cluster: KeyValueBucket;
}

/** opens the cluster's KV buckets, retrying every heartbeat while the backbone does not answer */
export async function openClusterBuckets(env: NodeEnv, timing: ClusterTiming): Promise<ClusterBuckets> {
  for (;;) {
    try {
      return {
        workers: await env.backbone.bucket(BUCKET_WORKERS, { ttlMs: timing.workerTtlMs }),
        leader: await env.backbone.bucket(BUCKET_LEADER, { ttlMs: timing.leaderTtlMs }),
        cluster: await env.backbone.bucket(BUCKET_CLUSTER),
      };
    } catch (e) {
      env.trace?.(`opening the cluster's buckets failed (${e instanceof Error ? e.message : String(e)}): retrying`);
      await new Promise<void>((resolve) => env.clock.setTimeout(resolve, timing.heartbeatMs));
    }
  }
}

function staticJobs(jobs: readonly ClusterJob[]): JobCatalog {
  return { current: () => jobs, forAssignment: async () => jobs };
}
