// The shared state of the cluster as it sits in KV buckets and the object store: the records,
// their JSON form and the names they live under. Every record a coordinator writes carries the
// TERM (the revision at which it won the `leader` key) and is written by compare-and-set, so a
// deposed leader's write fails; workers' membership records are renewed the same way.

import type { ClusterJob } from "./cluster-job.js";

/** bumped on any change of frames or records: a worker of another version is refused */
export const PROTOCOL_VERSION = 4;

export const BUCKET_WORKERS = "workers";
export const BUCKET_LEADER = "leader";
export const BUCKET_CLUSTER = "cluster";
export const KEY_LEADER = "leader";
export const KEY_ASSIGNMENT = "assignment";
export const KEY_EPOCH = "epoch";
export const committedKey = (view: string): string => `committed/${view}`;
/** `cluster/snapshot`: the latest snapshot of the tables (LogSnapshotRecord) */
export const KEY_SNAPSHOT = "snapshot";

/** input log subjects of the simulation's scheme (input-scheme.ts); production's are input-messages.ts's */
export { SIM_SUBJECT_PREFIX as SUBJECT_PREFIX, SIM_MARKER_SUBJECT as BARRIER_SUBJECT, simRelationSubject as relationSubject } from "./input-scheme.js";
export const jobKey = (view: string): string => `job/${view}`;

/** `workers/<worker id>`: one live member, renewed every heartbeat */
export interface WorkerRecord {
  /** this membership: worker id + join time; a fenced or restarted worker joins as a new member */
  member: string;
  address: string;
  version: number;
  /** renewals so far (the value changes on every renewal) */
  lease: number;
  /** what sage_catalog.workers shows: the vnodes of the partitions it runs, idle/running, and when it renewed */
  vnodes?: number[];
  state?: "idle" | "running";
  heartbeat?: number;
}

/** `leader/leader`: the coordinator holding the lease; `term` is the revision it was created at */
export interface LeaderRecord {
  coordinator: string;
  address: string;
  /** where clients reach it (pgwire host:port; empty when not serving clients) */
  clientAddress?: string;
}

/** a view's committed epoch: restoring these objects and re-reading the log after `seq` is exact */
export interface CommittedEpoch {
  term: number;
  epoch: number;
  /** log sequence of epoch `epoch`'s marker (0: nothing committed yet, read from the start) */
  seq: number;
  generation: number;
  /**
   * "fragment/partition" -> the links of its checkpoint chain (chainLink), restored in order: its
   * operator state, then (materialize fragments) its view rows whole and the deltas after them.
   * Empty before the first commit: every instance starts empty.
   */
  objects: Record<string, string[]>;
}

export const NOTHING_COMMITTED: CommittedEpoch = { term: 0, epoch: 0, seq: 0, generation: 0, objects: {} };

/** `cluster/assignment`: who runs which (fragment, partition) of each view in this generation */
export interface Assignment {
  term: number;
  generation: number;
  /** member -> network address */
  members: Record<string, string>;
  /** view -> fragment id (as a string) -> member per partition */
  placement: Record<string, Record<string, string[]>>;
  /** view -> the committed epoch every instance of this generation restores from */
  restore: Record<string, CommittedEpoch>;
  /**
   * the snapshot a view with nothing committed reads its tables from (their rows as of `seq`, then
   * the log after it); absent: such a view reads the log from its start
   */
  snapshot?: SnapshotRows;
}

/** the tables' rows as of log sequence `seq`: relation id -> object (snapshot-rows.ts's format) */
export interface SnapshotRows {
  seq: number;
  rows: Record<string, string>;
}

/**
 * `cluster/snapshot`: the latest snapshot of the input log, written by the leader (compare-and-set,
 * with its term): what a coordinator with an empty data directory starts from (`files`: its
 * data directory's checkpoint files, relative path -> object) and the rows views placed after
 * the cut read (`rows`). The log below `seq` + 1 may be cut.
 */
export interface LogSnapshotRecord extends SnapshotRows {
  term: number;
  /** when it was taken, ms since the epoch */
  at: number;
  files: Record<string, string>;
  /** bytes of the objects it names */
  bytes: number;
}

/** `cluster/epoch`: the last epoch whose barrier marker the leader appended (or is appending) */
export interface EpochRecord {
  term: number;
  epoch: number;
}

export const instanceKey = (fragment: number, partition: number): string => `${fragment}/${partition}`;

/**
 * The pieces an instance's checkpoint is stored in: its operator state ("s"), its view rows whole
 * ("r") and a delta of them ("d"). A checkpoint writes only the pieces that changed; the others
 * are earlier checkpoints' objects, which its chain names again.
 */
export type CheckpointPart = "s" | "r" | "d";

/**
 * One link of an instance's chain as a committed record lists it: the part and the generation and
 * epoch it was written at ("s4.12"). Short, because a record lists every link of every instance
 * and KV values are small (NATS's 1 MB payload limit, and the assignment repeats every view's).
 */
export function chainLink(part: CheckpointPart, generation: number, epoch: number): string {
  return `${part}${generation}.${epoch}`;
}

export function parseChainLink(link: string): { part: CheckpointPart; generation: number; epoch: number } {
  const m = /^([srd])(\d+)\.(\d+)$/.exec(link);
  if (m === null) throw new Error(`bad checkpoint chain link ${link}`);
  return { part: m[1] as CheckpointPart, generation: Number(m[2]), epoch: Number(m[3]) };
}

/** the object holding one link of one instance's chain */
export function checkpointObject(view: string, fragment: number, partition: number, link: string): string {
  const { part, generation, epoch } = parseChainLink(link);
  return `ckpt/${view}/g${generation}/e${epoch}/f${fragment}p${partition}.${part}`;
}

/**
 * One chunk of an instance's operator state (instance-checkpoint.ts: the "s" object is a manifest
 * naming its chunks as `<generation>.<epoch>.<sha-256>`): named by its content's SHA-256, under the
 * generation and epoch of the checkpoint that first wrote it, so that garbage collection's rule
 * for every other object (an older generation's, or one of an epoch up to the committed one) keeps
 * a chunk an uncommitted checkpoint wrote.
 */
export function chunkObject(view: string, fragment: number, partition: number, entry: string): string {
  const m = /^(\d+)\.(\d+)\.([0-9a-f]{64})$/.exec(entry);
  if (m === null) throw new Error(`bad operator state chunk ${entry}`);
  return `ckpt/${view}/g${m[1]}/e${m[2]}/f${fragment}p${partition}.c${m[3]}`;
}

export function parseCheckpointObject(name: string): { view: string; generation: number; epoch: number } | null {
  const m = /^ckpt\/([^/]+)\/g(\d+)\/e(\d+)\/f\d+p\d+\.(?:[srd]|c[0-9a-f]{64})$/.exec(name);
  return m === null ? null : { view: m[1], generation: Number(m[2]), epoch: Number(m[3]) };
}

/** every object a committed record names (its operator state chunks are named by its "s" manifests: instance-checkpoint.ts committedChunks) */
export function committedObjects(view: string, committed: CommittedEpoch): string[] {
  const out: string[] = [];
  for (const [key, links] of Object.entries(committed.objects)) {
    const [fragment, partition] = key.split("/").map(Number);
    for (const link of links) out.push(checkpointObject(view, fragment, partition, link));
  }
  return out;
}

/** what a view's chains may add to its committed record (and to the assignment, which repeats it) */
const CHAIN_RECORD_BUDGET = 32 * 1024;
/** a link in the record's JSON: `"d12.3456",` */
const LINK_BYTES = 12;

/**
 * The longest rows chain (whole snapshot + deltas) an instance of a job of `instances` instances
 * keeps: the single node's bound, lowered so that the record (each instance's rows chain and its
 * operator-state link) stays within its budget when every chain is that long.
 */
export function maxRowLinks(instances: number, singleNodeBound: number): number {
  return Math.max(1, Math.min(singleNodeBound, Math.floor(CHAIN_RECORD_BUDGET / (Math.max(1, instances) * LINK_BYTES)) - 1));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeRecord(value: object): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function decodeRecord<T>(bytes: Uint8Array): T {
  return JSON.parse(decoder.decode(bytes)) as T;
}

/** every (fragment, partition) of a job */
export function jobInstances(job: ClusterJob): { fragment: number; partition: number }[] {
  const out: { fragment: number; partition: number }[] = [];
  for (const f of job.fragments) for (let p = 0; p < f.parallelism; p++) out.push({ fragment: f.id, partition: p });
  return out;
}
