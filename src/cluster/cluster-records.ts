// The shared state of the cluster as it sits in KV buckets and the object store: the records,
// their JSON form and the names they live under. Every record a coordinator writes carries the
// TERM (the revision at which it won the `leader` key) and is written by compare-and-set, so a
// deposed leader's write fails; workers' membership records are renewed the same way.

import type { ClusterJob } from "./cluster-job.js";

/** bumped on any change of frames or records: a worker of another version is refused */
export const PROTOCOL_VERSION = 1;

export const BUCKET_WORKERS = "workers";
export const BUCKET_LEADER = "leader";
export const BUCKET_CLUSTER = "cluster";
export const KEY_LEADER = "leader";
export const KEY_ASSIGNMENT = "assignment";
export const KEY_EPOCH = "epoch";
export const committedKey = (view: string): string => `committed/${view}`;

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
  /** "fragment/partition" -> object name (empty before the first commit: every instance starts empty) */
  objects: Record<string, string>;
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
}

/** `cluster/epoch`: the last epoch whose barrier marker the leader appended (or is appending) */
export interface EpochRecord {
  term: number;
  epoch: number;
}

export const instanceKey = (fragment: number, partition: number): string => `${fragment}/${partition}`;

/** checkpoint object of one instance at one epoch of one generation */
export function checkpointObject(view: string, generation: number, epoch: number, fragment: number, partition: number): string {
  return `ckpt/${view}/g${generation}/e${epoch}/f${fragment}p${partition}`;
}

export function parseCheckpointObject(name: string): { view: string; generation: number; epoch: number } | null {
  const m = /^ckpt\/([^/]+)\/g(\d+)\/e(\d+)\/f\d+p\d+$/.exec(name);
  return m === null ? null : { view: m[1], generation: Number(m[2]), epoch: Number(m[3]) };
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
