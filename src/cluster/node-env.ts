// What a coordinator or worker is started with: the world outside its memory (clock, backbone,
// network: real NATS/ws or the simulator's) and the cluster's settings. The protocol touches
// nothing else (no Date.now, timers, randomness, sockets or files), so it runs unchanged under
// the deterministic simulation.

import type { Backbone, Clock, KeyValueBucket, Network } from "./backbone.js";
import { BUCKET_CLUSTER, BUCKET_LEADER, BUCKET_WORKERS } from "./cluster-records.js";
import type { ClusterJob } from "./cluster-job.js";
import { arrowFrameCodec } from "./exchange-frames.js";
import type { ExchangeFrameCodec } from "./node-frames.js";
import { WORKER_HEARTBEAT_MS, WORKER_TTL_MS } from "./worker-membership.js";

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
}

export const DEFAULT_TIMING: ClusterTiming = {
  heartbeatMs: WORKER_HEARTBEAT_MS,
  // the `workers` bucket is shared with worker-membership.ts (sage_catalog.workers): one TTL
  workerTtlMs: WORKER_TTL_MS,
  leaderTtlMs: 5000,
  barrierIntervalMs: 1000,
  checkpointTimeoutMs: 20000,
  takeoverGraceMs: 2000,
};

/** Deliberately broken variants: the simulation's own test proves its checks catch each. */
export interface BrokenVariants {
  /** deliver exchange frames of an older generation instead of dropping them */
  acceptStaleFrames?: boolean;
  /**
   * skip the leader's fencing: a coordinator that lost its lease goes on leading, and writes the
   * shared keys with blind puts instead of compare-and-set
   */
  skipLeaderFencing?: boolean;
}

export interface ClusterOptions {
  /** shared secret every hello carries; a node without it is refused */
  token: string;
  jobs: readonly ClusterJob[];
  timing?: Partial<ClusterTiming>;
  /** exchange frames' codec (default: Arrow IPC record batches, exchange-frames.ts) */
  codec?: ExchangeFrameCodec;
  broken?: BrokenVariants;
}

export interface ResolvedOptions {
  token: string;
  jobs: readonly ClusterJob[];
  timing: ClusterTiming;
  codec: ExchangeFrameCodec;
  broken: BrokenVariants;
}

export function resolveOptions(o: ClusterOptions): ResolvedOptions {
  return { token: o.token, jobs: o.jobs, timing: { ...DEFAULT_TIMING, ...o.timing }, codec: o.codec ?? arrowFrameCodec, broken: o.broken ?? {} };
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
