// What the cluster needs of the world outside one process, as interfaces, so that the same
// coordinator/worker protocol runs on real NATS JetStream and WebSockets (nats-backbone.ts,
// ws-network.ts) and, unchanged, inside one process under a seeded deterministic simulation
// (simulation/): the clock, the durable input log (a JetStream stream), KV buckets with
// compare-and-set (JetStream KV), an object store (JetStream object store) and a message network
// between nodes (ws). We build none of consensus, replicated logs or blob storage ourselves.

/** Wall-clock time and timers: heartbeats, leases, timeouts. Simulated time under the simulator. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}
export type TimerHandle = { readonly timer: unknown };

/** One message of the input log. */
export interface LogMessage {
  /** the stream sequence: increasing, gap-free per stream, the replay position recorded in checkpoints */
  seq: number;
  subject: string;
  data: Uint8Array;
}

export interface LogFollower {
  close(): void;
  /**
   * Delivers nothing more until resume(): a reader whose consumers are out of credit stops here,
   * so what waits stays in the log rather than in memory (at most one fetch of it is held).
   */
  pause(): void;
  resume(): void;
}

/**
 * The durable input log (one JetStream stream): every accepted write in cluster mode, and the
 * barrier markers that cut it into epochs. An append resolves only once the log holds it durably;
 * a repeated `msgId` (a retried publish) appends nothing and resolves with the first append's
 * sequence, so a retry never doubles a write.
 */
export interface InputLog {
  append(subject: string, data: Uint8Array, msgId: string): Promise<number>;
  /**
   * Delivers, in sequence order, the messages with seq >= fromSeq whose subject starts with
   * `subjectPrefix`, then new ones as they are appended, until closed. `onError`: the log became
   * unreachable (the follower is closed; follow again from the last seq seen).
   */
  follow(subjectPrefix: string, fromSeq: number, onMessage: (m: LogMessage) => void, onError?: (e: Error) => void): LogFollower;
  /** the sequence of the last message (0: empty) */
  lastSeq(): Promise<number>;
  /** what the log holds now: its first and last sequence (first = last + 1 when empty) and bytes */
  info(): Promise<LogInfo>;
  /**
   * Deletes every message below `keepFromSeq` (the cut: src/log-snapshots.ts). A follower started below the
   * first sequence left starts at it, so a reader that needs what was cut must check `info()`.
   */
  purge(keepFromSeq: number): Promise<void>;
}

export interface LogInfo {
  firstSeq: number;
  lastSeq: number;
  messages: number;
  bytes: number;
}

export interface KvEntry {
  key: string;
  value: Uint8Array;
  /** increases on every change of the bucket: the compare-and-set token (and fencing token) */
  revision: number;
}

/** A compare-and-set lost: the key exists (create) or changed since `expectedRevision` (update). */
export class KvConflictError extends Error {
  constructor(
    readonly key: string,
    message = `key ${key} changed concurrently`,
  ) {
    super(message);
    this.name = "KvConflictError";
  }
}

/**
 * A KV bucket (JetStream KV). Buckets opened with `ttlMs` drop a key not written within it
 * (membership heartbeats, the leader lease): an expired key reads as null.
 */
export interface KeyValueBucket {
  get(key: string): Promise<KvEntry | null>;
  /** writes only if the key does not exist (or was deleted/expired); else KvConflictError */
  create(key: string, value: Uint8Array): Promise<number>;
  /** writes only if the key's revision is still `expectedRevision`; else KvConflictError */
  update(key: string, value: Uint8Array, expectedRevision: number): Promise<number>;
  put(key: string, value: Uint8Array): Promise<number>;
  delete(key: string): Promise<void>;
  /** keys present now (not deleted or expired), optionally only those starting with `prefix` */
  keys(prefix?: string): Promise<string[]>;
}

/** Blobs by name (JetStream object store): checkpoint state per epoch and vnode range. */
export interface ObjectStore {
  put(name: string, bytes: Uint8Array): Promise<void>;
  /** null: no such object */
  get(name: string): Promise<Uint8Array | null>;
  delete(name: string): Promise<void>;
  list(prefix: string): Promise<string[]>;
}

/** objects deleted at a time */
const DELETES_AT_ONCE = 32;

/**
 * Deletes `names` some at a time, not one by one (a view's operator state is a thousand chunks per
 * 5 MB): the coordinator's checkpoint GC and dropped views, the log cut's bodies and snapshots.
 */
export async function deleteObjects(objects: ObjectStore, names: readonly string[]): Promise<void> {
  for (let i = 0; i < names.length; i += DELETES_AT_ONCE) await Promise.all(names.slice(i, i + DELETES_AT_ONCE).map((name) => objects.delete(name)));
}

/** NATS JetStream as the cluster sees it (one connection). */
export interface Backbone {
  readonly log: InputLog;
  readonly objects: ObjectStore;
  /** opens (creating if needed) a KV bucket */
  bucket(name: string, options?: { ttlMs?: number }): Promise<KeyValueBucket>;
  close(): Promise<void>;
}

/** A connection between two nodes: frames arrive whole and in the order sent (ws over TCP). */
export interface Connection {
  send(frame: Uint8Array): void;
  onFrame(listener: (frame: Uint8Array) => void): void;
  /** called once, when either side closed it or the link broke */
  onClose(listener: (reason: string) => void): void;
  close(): void;
}

/** The data plane: nodes listen at an address and connect to each other's (ws in production). */
export interface Network {
  /** starts accepting connections; resolves with the address others connect to */
  listen(onConnection: (c: Connection) => void): Promise<string>;
  connect(address: string): Promise<Connection>;
  close(): Promise<void>;
}
