// The cluster's backbone on a real NATS JetStream server (backbone.ts says what each piece is
// for). One connection carries everything: the input log is one stream whose subjects sit under
// `sage.<cluster>.log.`, KV buckets are JetStream KV buckets named `sage_<cluster>_<name>`, and
// checkpoint blobs live in one JetStream object store. Several clusters can share a NATS server
// by name.
//
// Losing NATS mid-run: the client reconnects by itself (forever), and until it has, every call
// fails at once with a BackboneUnavailableError (SQLSTATE 08006) rather than queueing: a write is
// never acknowledged that JetStream did not store. Followers are closed with onError at the
// disconnect; the protocol follows again from the last sequence it saw.

import { connect, type NatsConnection } from "@nats-io/transport-node";
import { DeliverPolicy, JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { Objm, setSha256Backend, type ObjectStore as NatsObjectStore } from "@nats-io/obj";
import { SqlError } from "../types/index.js";
import { KvConflictError, type Backbone, type InputLog, type KeyValueBucket, type KvEntry, type LogFollower, type LogMessage, type ObjectStore } from "./backbone.js";

/** SQLSTATE connection_failure: what a write gets while NATS is away */
export const CONNECTION_FAILURE = "08006";

/** The backbone (NATS) cannot be reached now; the call may be retried once it returns. */
export class BackboneUnavailableError extends SqlError {
  constructor(message: string) {
    super(CONNECTION_FAILURE, message);
    this.name = "BackboneUnavailableError";
  }
}

export interface BackboneOptions {
  /** names the stream, buckets and object store, so clusters can share a NATS server (default "sage") */
  cluster?: string;
  /** NATS auth token (nats-server --auth) */
  token?: string;
  /** how long an append (or any call) waits for JetStream before failing, ms (default 5000) */
  timeoutMs?: number;
  /** how long JetStream remembers a message id for de-duplication, ms (default 2 minutes) */
  dedupWindowMs?: number;
  /** JetStream replicas of the stream, buckets and object store (default 1; 3 on a NATS cluster) */
  replicas?: number;
  /** how often the client pings NATS; 3 unanswered pings = the connection is lost (default 5000) */
  pingIntervalMs?: number;
  /** shown in NATS's connection list */
  clientName?: string;
}

const NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Connects to NATS at `url` and opens (creating if needed) the cluster's input-log stream and
 * object store. Rejects, naming the URL, when NATS is unreachable or has no JetStream.
 */
export async function connectBackbone(url: string, options: BackboneOptions = {}): Promise<Backbone> {
  // the object store digests every blob; its default pure-JS SHA-256 was the upload's bottleneck
  setSha256Backend("native");
  const cluster = options.cluster ?? "sage";
  if (!NAME.test(cluster)) throw new SqlError("22023", `invalid cluster name "${cluster}": use letters, digits, _ and -`);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: url,
      token: options.token,
      name: options.clientName ?? `sage-sql ${cluster}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      // a NATS that stops answering (paused, partitioned) without closing the socket is noticed
      // within about 15 s rather than the client's default of minutes
      pingInterval: options.pingIntervalMs ?? 5000,
      maxPingOut: 3,
      timeout: options.timeoutMs ?? 5000,
    });
  } catch (e) {
    throw new BackboneUnavailableError(`cannot connect to NATS at ${url}: ${describe(e)}`);
  }
  const backbone = new NatsBackbone(nc, url, cluster, options);
  try {
    await backbone.open();
  } catch (e) {
    await nc.close().catch(() => {});
    throw new BackboneUnavailableError(`NATS at ${url} cannot serve the cluster (is JetStream enabled? start nats-server with -js): ${describe(e)}`);
  }
  return backbone;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * How much a follower asks JetStream for at a time: by bytes, so small messages come in large
 * batches (replay of 256-byte messages: ~100k/s, as fast as the client's default of 100 messages)
 * and large ones (a COPY batch) still bound what a lagging follower buffers.
 */
const FOLLOW_BATCH = { max_bytes: 16 * 1024 * 1024 };

/** what a paused follower takes in before it stops its consumer */
const HOLD_LIMIT = { messages: 4096, bytes: 16 * 1024 * 1024 };

interface Follower extends LogFollower {
  fail(e: Error): void;
}

class NatsBackbone implements Backbone {
  readonly log: InputLog;
  objects!: ObjectStore;
  private readonly js: JetStreamClient;
  private jsm!: JetStreamManager;
  private readonly kvm: Kvm;
  private connected = true;
  private closed = false;
  private readonly followers = new Set<Follower>();
  /** buckets opened, by name and TTL (opening asks JetStream each time) */
  private readonly buckets = new Map<string, Promise<KeyValueBucket>>();
  private readonly streamName: string;
  /** every log subject starts with it */
  private readonly subjectRoot: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly nc: NatsConnection,
    private readonly url: string,
    private readonly cluster: string,
    private readonly options: BackboneOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.js = jetstream(nc, { timeout: this.timeoutMs });
    this.kvm = new Kvm(this.js);
    this.streamName = `SAGE_${cluster}_LOG`;
    this.subjectRoot = `sage.${cluster}.log.`;
    this.log = {
      append: (subject, data, msgId) => this.append(subject, data, msgId),
      follow: (prefix, fromSeq, onMessage, onError) => this.follow(prefix, fromSeq, onMessage, onError),
      lastSeq: () => this.guard("read the input log", async () => (await this.jsm.streams.info(this.streamName)).state.last_seq),
      info: () =>
        this.guard("read the input log", async () => {
          const { state } = await this.jsm.streams.info(this.streamName);
          return { firstSeq: state.first_seq, lastSeq: state.last_seq, messages: state.messages, bytes: state.bytes };
        }),
      purge: (keepFromSeq) =>
        this.guard("cut the input log", async () => {
          await this.jsm.streams.purge(this.streamName, { seq: keepFromSeq });
        }),
    };
    void this.watchStatus();
  }

  async open(): Promise<void> {
    this.jsm = await jetstreamManager(this.nc, { timeout: this.timeoutMs });
    await this.ensureStream();
    const store = await new Objm(this.js).create(`sage_${this.cluster}_objects`, { replicas: this.options.replicas ?? 1 });
    this.objects = new NatsObjects(store, this);
  }

  /** Creates the input-log stream, or leaves the existing one (its messages) as it is. */
  private async ensureStream(): Promise<void> {
    const config = {
      name: this.streamName,
      subjects: [`${this.subjectRoot}>`],
      duplicate_window: (this.options.dedupWindowMs ?? 120_000) * 1_000_000,
      num_replicas: this.options.replicas ?? 1,
    };
    try {
      await this.jsm.streams.info(this.streamName);
    } catch (e) {
      if (!(e instanceof JetStreamApiError) || e.code !== JetStreamApiCodes.StreamNotFound) throw e;
      await this.jsm.streams.add(config);
    }
  }

  private async watchStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === "disconnect" || s.type === "staleConnection") {
        if (!this.connected) continue;
        this.connected = false;
        const e = this.unavailable("the connection was lost");
        for (const f of [...this.followers]) f.fail(e);
      } else if (s.type === "reconnect") {
        this.connected = true;
        // a NATS that came back without its store (a fresh server) gets the stream again
        this.ensureStream().catch(() => {});
      }
    }
  }

  unavailable(why: string): BackboneUnavailableError {
    return new BackboneUnavailableError(`NATS at ${this.url} is unreachable (${why}); retry once it is back`);
  }

  /** Runs a call that needs NATS: fails at once while disconnected, and maps a failure to 08006. */
  /** the subjects of `stream` matching `filter` that hold a message (paged as JetStream pages them) */
  async streamSubjects(stream: string, filter: string): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const info = await this.jsm.streams.info(stream, { subjects_filter: filter, offset: out.length } as Parameters<JetStreamManager["streams"]["info"]>[1]);
      const page = Object.keys(info.state.subjects ?? {});
      out.push(...page);
      if (page.length === 0 || out.length >= (info.state.num_subjects ?? out.length)) return out;
    }
  }

  async guard<T>(what: string, call: () => Promise<T>): Promise<T> {
    if (this.closed) throw new BackboneUnavailableError(`cannot ${what}: the backbone was closed`);
    if (!this.connected) throw this.unavailable(`cannot ${what}`);
    try {
      return await call();
    } catch (e) {
      if (e instanceof KvConflictError || e instanceof SqlError) throw e;
      // JetStream answered with a refusal (a limit, a bucket opened with other settings): not a
      // connection failure, and a retry will not help
      if (e instanceof JetStreamApiError) throw new SqlError("55000", `NATS at ${this.url} refused to ${what}: ${e.message}`);
      throw this.unavailable(`cannot ${what}: ${describe(e)}`);
    }
  }

  private async append(subject: string, data: Uint8Array, msgId: string): Promise<number> {
    const encoded = encodeSubject(subject);
    return this.guard("append to the input log", async () => {
      const ack = await this.js.publish(this.subjectRoot + encoded, data, { msgID: msgId, timeout: this.timeoutMs });
      return ack.seq;
    });
  }

  private follow(prefix: string, fromSeq: number, onMessage: (m: LogMessage) => void, onError?: (e: Error) => void): LogFollower {
    let closed = false;
    let paused = false;
    /** the next sequence to take from JetStream: a consumer started again starts there */
    let nextSeq = Math.max(1, fromSeq);
    /** messages that arrived while paused, delivered on resume */
    let held: LogMessage[] = [];
    let heldBytes = 0;
    /** counts the consumers started; a loop whose number is not the latest was stopped */
    let run = 0;
    let running = false;
    let stop: (() => void) | null = null;
    const halt = (): void => {
      run++;
      running = false;
      stop?.();
      stop = null;
    };
    const follower: Follower = {
      close: () => {
        if (closed) return;
        closed = true;
        this.followers.delete(follower);
        held = [];
        halt();
      },
      fail: (e: Error) => {
        if (closed) return;
        follower.close();
        onError?.(e);
      },
      pause: () => {
        paused = true;
      },
      resume: () => {
        if (closed || !paused) return;
        paused = false;
        while (held.length > 0 && !paused && !closed) {
          const m = held.shift()!;
          heldBytes -= m.data.length;
          onMessage(m);
        }
        if (!running && !paused && !closed) start();
      },
    };
    // JetStream's consume() pulls by what arrived, not by what was taken from it, so a paused
    // follower goes on taking messages into `held`; past HOLD_LIMIT it stops its consumer, and a
    // resume starts another at nextSeq. A short pause costs nothing, a long one holds a bounded amount.
    const take = (m: LogMessage): void => {
      if (!paused) return onMessage(m);
      held.push(m);
      heldBytes += m.data.length;
      if (held.length >= HOLD_LIMIT.messages || heldBytes >= HOLD_LIMIT.bytes) halt();
    };
    this.followers.add(follower);
    if (!this.connected || this.closed) {
      queueMicrotask(() => follower.fail(this.unavailable("cannot follow the input log")));
      return follower;
    }
    // the server filters by whole tokens (`a.b.>`); the rest of a prefix is matched here
    const wanted = encodeSubjectPrefix(prefix);
    const cut = wanted.lastIndexOf(".");
    const filter = `${this.subjectRoot}${cut >= 0 ? wanted.slice(0, cut + 1) : ""}>`;
    const root = this.subjectRoot.length;
    const start = (): void => {
      const mine = ++run;
      running = true;
      const from = nextSeq;
      void (async () => {
        try {
          const consumer = await this.js.consumers.get(this.streamName, {
            filter_subjects: filter,
            ...(from > 1 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from } : { deliver_policy: DeliverPolicy.All }),
          });
          if (closed || mine !== run) return;
          const messages = await consumer.consume(FOLLOW_BATCH);
          if (closed || mine !== run) return void messages.stop();
          stop = () => messages.stop();
          for await (const m of messages) {
            if (closed || mine !== run) break;
            if (m.seq < nextSeq) continue;
            nextSeq = m.seq + 1;
            const subject = m.subject.slice(root);
            if (!subject.startsWith(wanted)) continue;
            take({ seq: m.seq, subject: decodeEscapes(subject), data: m.data });
          }
          // the iterator ended without close() or a halt: say so rather than stall silently
          if (!closed && mine === run) follower.fail(this.unavailable("the input-log follower stopped"));
        } catch (e) {
          if (mine === run) follower.fail(e instanceof SqlError ? e : this.unavailable(`following the input log failed: ${describe(e)}`));
        }
      })();
    };
    start();
    return follower;
  }

  async bucket(name: string, options: { ttlMs?: number } = {}): Promise<KeyValueBucket> {
    if (!NAME.test(name)) throw new SqlError("22023", `invalid bucket name "${name}": use letters, digits, _ and -`);
    const key = `${name}/${options.ttlMs ?? 0}`;
    let opened = this.buckets.get(key);
    if (opened === undefined) {
      opened = this.guard(`open KV bucket ${name}`, async () => {
        const bucket = `sage_${this.cluster}_${name}`;
        const kv = await this.kvm.create(bucket, { history: 1, replicas: this.options.replicas ?? 1, ...(options.ttlMs ? { ttl: options.ttlMs } : {}) });
        // an existing bucket keeps the TTL it was made with, silently; two nodes (or two code
        // paths) disagreeing on a lease's length would break leases in odd ways, so say it
        const info = await this.jsm.streams.info(`KV_sage_${this.cluster}_${name}`);
        const had = Math.round(info.config.max_age / 1_000_000);
        if (had !== (options.ttlMs ?? 0)) {
          throw new SqlError(
            "55000",
            `KV bucket ${name} of cluster ${this.cluster} exists with a TTL of ${had === 0 ? "none" : `${had} ms`}, not ${options.ttlMs ? `${options.ttlMs} ms` : "none"}: every node must use the same setting (delete the bucket KV_sage_${this.cluster}_${name} on NATS to change it)`,
          );
        }
        return new NatsBucket(kv, name, this, bucket);
      });
      this.buckets.set(key, opened);
      opened.catch(() => this.buckets.delete(key));
    }
    return opened;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const f of [...this.followers]) f.close();
    await this.nc.close().catch(() => {});
  }
}

// Log subjects: dots separate tokens as in NATS; a character NATS does not allow in a token
// (whitespace, *, >, control and non-ASCII characters) and % itself travel as %XX (UTF-8 bytes),
// so any relation name makes a subject. The escape is per character, so a prefix of a subject
// encodes to a prefix of its encoding and follow() can match encoded prefixes.
const SUBJECT_PLAIN = /^[\x21-\x7e]$/;

function escapeChars(s: string, plain: (ch: string) => boolean, mark: string): string {
  let out = "";
  for (const ch of s) {
    if (plain(ch)) out += ch;
    else for (const b of Buffer.from(ch, "utf8")) out += mark + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

function encodeSubjectPrefix(prefix: string): string {
  return escapeChars(prefix, (ch) => SUBJECT_PLAIN.test(ch) && ch !== "*" && ch !== ">" && ch !== "%", "%");
}

function encodeSubject(subject: string): string {
  const encoded = encodeSubjectPrefix(subject);
  if (encoded.split(".").some((t) => t === "")) throw new SqlError("22023", `invalid input-log subject "${subject}": empty token`);
  return encoded;
}

function decodeEscapes(s: string, mark = "%"): string {
  if (!s.includes(mark)) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === mark) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(s.charCodeAt(i));
  }
  return Buffer.from(bytes).toString("utf8");
}

// KV keys in NATS allow only [-/_=.A-Za-z0-9] (and dots split tokens): any other character, and
// "=" and "." themselves, travel as =XX (UTF-8 bytes in hex), so the protocol may use any key.
const KEY_SAFE = /^[-/_A-Za-z0-9]$/;

function encodeKey(key: string): string {
  if (key === "") throw new SqlError("22023", "a KV key cannot be empty");
  return escapeChars(key, (ch) => KEY_SAFE.test(ch), "=");
}

function decodeKey(key: string): string {
  return decodeEscapes(key, "=");
}

function isWrongLastSequence(e: unknown): boolean {
  return e instanceof JetStreamApiError && (e.code === JetStreamApiCodes.StreamWrongLastSequence || e.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);
}

class NatsBucket implements KeyValueBucket {
  constructor(
    private readonly kv: KV,
    private readonly name: string,
    private readonly backbone: NatsBackbone,
    /** the bucket's name on NATS */
    private readonly bucket: string,
  ) {}

  get(key: string): Promise<KvEntry | null> {
    return this.backbone.guard(`read ${this.name}/${key}`, async () => {
      const e = await this.kv.get(encodeKey(key));
      if (e === null || e.operation !== "PUT") return null;
      return { key, value: e.value, revision: e.revision };
    });
  }

  create(key: string, value: Uint8Array): Promise<number> {
    return this.backbone.guard(`create ${this.name}/${key}`, async () => {
      try {
        return await this.kv.create(encodeKey(key), value);
      } catch (e) {
        if (isWrongLastSequence(e)) throw new KvConflictError(key, `key ${key} exists in bucket ${this.name}`);
        throw e;
      }
    });
  }

  update(key: string, value: Uint8Array, expectedRevision: number): Promise<number> {
    return this.backbone.guard(`update ${this.name}/${key}`, async () => {
      if (expectedRevision <= 0) throw new KvConflictError(key, `key ${key}: no revision ${expectedRevision} to update`);
      try {
        return await this.kv.update(encodeKey(key), value, expectedRevision);
      } catch (e) {
        if (isWrongLastSequence(e)) throw new KvConflictError(key, `key ${key} in bucket ${this.name} changed since revision ${expectedRevision}`);
        throw e;
      }
    });
  }

  put(key: string, value: Uint8Array): Promise<number> {
    return this.backbone.guard(`write ${this.name}/${key}`, () => this.kv.put(encodeKey(key), value));
  }

  delete(key: string): Promise<void> {
    return this.backbone.guard(`delete ${this.name}/${key}`, () => this.kv.delete(encodeKey(key)));
  }

  /**
   * Every key with a message in the bucket, from one stream-info request (its per-subject counts).
   * Not the client's kv.keys(): that iterates a consumer until it has seen as many messages as the
   * consumer counted at its start, and when one of them expires first (a TTL bucket: worker leases)
   * it waits for an idle heartbeat, which stalled a leader's placement for a minute. A deleted key's
   * subject still holds its delete marker: each key's last entry is read to leave those out.
   */
  keys(prefix = ""): Promise<string[]> {
    return this.backbone.guard(`list ${this.name}`, async () => {
      const subjects = await this.backbone.streamSubjects(`KV_${this.bucket}`, `$KV.${this.bucket}.>`);
      const from = `$KV.${this.bucket}.`.length;
      const out: string[] = [];
      for (const subject of subjects) {
        const key = decodeKey(subject.slice(from));
        if (!key.startsWith(prefix)) continue;
        const e = await this.kv.get(subject.slice(from));
        if (e !== null && e.operation === "PUT") out.push(key);
      }
      return out.sort();
    });
  }
}

class NatsObjects implements ObjectStore {
  constructor(
    private readonly store: NatsObjectStore,
    private readonly backbone: NatsBackbone,
  ) {}

  put(name: string, bytes: Uint8Array): Promise<void> {
    return this.backbone.guard(`store object ${name}`, async () => {
      // chunks of 512 KiB: fewer round trips than the 128 KiB default, under NATS's 1 MB payload limit
      await this.store.putBlob({ name, options: { max_chunk_size: 512 * 1024 } }, bytes);
    });
  }

  get(name: string): Promise<Uint8Array | null> {
    return this.backbone.guard(`read object ${name}`, () => this.store.getBlob(name));
  }

  delete(name: string): Promise<void> {
    return this.backbone.guard(`delete object ${name}`, async () => {
      await this.store.delete(name);
    });
  }

  list(prefix: string): Promise<string[]> {
    return this.backbone.guard("list objects", async () =>
      (await this.store.list())
        .filter((i) => !i.deleted && i.name.startsWith(prefix))
        .map((i) => i.name)
        .sort(),
    );
  }
}
