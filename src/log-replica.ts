// Cluster mode for a coordinator: the cluster's input log (a JetStream stream) is the source of
// truth, and every coordinator (the leader and any standby) is a REPLICA that applies it, in
// sequence order, to its own local Database. The leader does not change its database directly:
// a DDL statement is appended as its SQL text with the session context it needs, a write as the
// rows its plan computed (Arrow IPC chunks, exact for every type), and the statement reports
// once this process's replica has applied that message (read-your-writes). One write is in
// flight at a time, so an UPDATE's row ids are computed against the state the log will apply
// them to. Every message carries the leader's term (its lease revision): a replica ignores a
// message of a term older than one it has already seen, so a deposed leader cannot change
// anything once its successor has spoken.
//
// Materialized views run locally on each replica exactly as on a single node (they are DDL);
// views run on workers later replace that behind `StatementReplication.ddl`.

import { randomUUID } from "node:crypto";
import type * as A from "./parser/index.js";
import { Session } from "./session.js";
import type { Database } from "./database.js";
import { applyPlannedWrite, type AppliedWrite, type PlannedWrite } from "./planned-write.js";
import type { ReplicaStatus, StatementReplication } from "./statement-replication.js";
import type { ReplicaPosition } from "./replica-position.js";
import { BackboneUnavailableError, CONNECTION_FAILURE, LeaderLease, decodeChunk, encodeChunk, openWorkersBucket, readWorkers, type Backbone, type KeyValueBucket, type LogFollower, type LogMessage, type WorkerRow } from "./cluster/index.js";
import { SqlError, SqlState, type Chunk, type StatementResult } from "./types/index.js";

/** every subject this replica reads starts with it */
export const REPLICA_SUBJECT_PREFIX = "coord.";
const DDL_SUBJECT = "coord.ddl";
const TERM_SUBJECT = "coord.term";
/** messages larger than this go through the object store (NATS's default max_payload is 1 MB) */
const INLINE_LIMIT = 512 * 1024;
/** SQLSTATE cannot_connect_now: what a standby answers */
export const CANNOT_CONNECT_NOW = "57P03";

type Header =
  | { kind: "term"; term: number; id: string }
  /** a message too large for one NATS message: the whole message is `object` in the object store */
  | { kind: "blob"; term: number; id: string; object: string }
  | { kind: "ddl"; term: number; id: string; database: string; user: string; role: string; superuser: boolean; searchPath: string; inTransaction?: boolean; sql: string }
  | { kind: "write"; term: number; id: string; database: string; relation: [string, string]; op: PlannedWrite["kind"]; skipConflicts: boolean; chunks: number };

export interface LogReplicaOptions {
  /** where clients reach this coordinator (host:port, known once it listens), told to clients of a standby */
  address: () => string;
  /** the leader lease's TTL (default 5000 ms, the coordinator protocol's) */
  leaseTtlMs?: number;
  /** how long a statement waits for its own replica to apply what it appended (default 10 s) */
  applyTimeoutMs?: number;
  /** one line per significant event (elected, deposed, a replica-side failure) */
  log?: (event: string, fields: Record<string, unknown>) => void;
}

interface Waiter {
  resolve(value: unknown): void;
  reject(e: unknown): void;
}

export class LogReplica implements StatementReplication {
  readonly node = randomUUID();
  private readonly lease: LeaderLease;
  private follower: LogFollower | null = null;
  private followRetry: NodeJS.Timeout | null = null;
  private readonly queue: LogMessage[] = [];
  private draining = false;
  /** the last sequence delivered to the queue */
  private delivered: number;
  private readonly waiters = new Map<string, Waiter>();
  private readonly seqListeners = new Set<() => void>();
  private readonly appliers = new WeakSet<Session>();
  private writeLock: Promise<void> = Promise.resolve();
  private counter = 0;
  private role: ReplicaStatus["role"] = "standby";
  private closed = false;
  private workersBucket: KeyValueBucket | null = null;
  private workerRows: WorkerRow[] = [];
  private workersTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly db: Database,
    private readonly backbone: Backbone,
    private readonly position: ReplicaPosition,
    private readonly options: LogReplicaOptions,
  ) {
    this.delivered = position.seq;
    // from now on the database's DDL and writes go through the log (and clients are refused until this leads)
    db.replication = this;
    const self = { id: this.node, get address() { return options.address(); } };
    this.lease = new LeaderLease(backbone, {
      self,
      ttlMs: options.leaseTtlMs,
      onElected: (term) => void this.takeOver(term),
      onError: (e) => this.log("lease_error", { error: e instanceof Error ? e.message : String(e) }),
      onDeposed: (why) => {
        this.role = "standby";
        this.log("coordinator_deposed", { why });
      },
    });
  }

  /** Catches up with the log, then races for the lease; serves (refusal() null) once it leads and has caught up. */
  async start(): Promise<void> {
    this.follow();
    // a standby is hot: it has applied everything before it may lead
    await this.caughtUp(await this.backbone.log.lastSeq());
    // the first statement of a process builds the parser and compiles much code, which can hold the
    // event loop for seconds on a loaded machine: done before leading, it cannot starve the lease
    await this.db.execute("SELECT 1");
    this.workersBucket = await openWorkersBucket(this.backbone);
    void this.pollWorkers();
    await this.lease.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.lease.release();
    this.follower?.close();
    if (this.followRetry) clearTimeout(this.followRetry);
    if (this.workersTimer) clearTimeout(this.workersTimer);
    for (const w of this.waiters.values()) w.reject(new SqlError(SqlState.AdminShutdown, "the coordinator is shutting down"));
    this.waiters.clear();
  }

  status(): ReplicaStatus {
    return { node: this.node, role: this.role, leader: this.role === "leader" ? this.options.address() : (this.lease.leader?.address ?? null), term: this.role === "leader" ? this.lease.term : this.position.term, appliedSeq: this.position.seq };
  }

  workers(): WorkerRow[] {
    return this.workerRows;
  }

  private log(event: string, fields: Record<string, unknown>): void {
    this.options.log?.(event, fields);
  }

  // ---- reading the log

  private follow(): void {
    if (this.closed) return;
    this.follower = this.backbone.log.follow(
      REPLICA_SUBJECT_PREFIX,
      this.delivered + 1,
      (m) => this.deliver(m),
      () => {
        // NATS away: follow again from the last message delivered once it is back
        this.follower = null;
        if (!this.closed) this.followRetry = setTimeout(() => this.follow(), 500);
      },
    );
  }

  private deliver(m: LogMessage): void {
    if (m.seq <= this.delivered) return;
    this.delivered = m.seq;
    this.queue.push(m);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        while (this.queue.length > 0 && !this.closed) await this.apply(this.queue.shift()!);
        // a standby runs no statements that would flush its local log: what it applied is made
        // durable here (messages that arrive meanwhile are applied by the outer loop)
        for (const engine of this.db.cluster.all()) await engine.durable().catch((e: Error) => this.log("replica_flush_failed", { error: e.message }));
      }
    } finally {
      this.draining = false;
    }
  }

  /** Resolves once the replica has applied the log up to `seq`. */
  private caughtUp(seq: number): Promise<void> {
    if (this.position.seq >= seq) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.position.seq >= seq) {
          this.seqListeners.delete(check);
          resolve();
        }
      };
      this.seqListeners.add(check);
    });
  }

  private async apply(m: LogMessage): Promise<void> {
    let header: Header;
    let chunks: Chunk[];
    try {
      ({ header, chunks } = decodeMessage(m.data));
      if (header.kind === "blob") ({ header, chunks } = decodeMessage(await this.fetchBlob(header.object)));
    } catch (e) {
      this.log("replica_bad_message", { seq: m.seq, error: (e as Error).message });
      this.finished(m.seq);
      return;
    }
    const waiter = this.waiters.get(header.id);
    this.waiters.delete(header.id);
    this.position.applying = m.seq;
    try {
      if (header.term < this.position.term) {
        throw new SqlError(CONNECTION_FAILURE, `this coordinator was deposed (term ${header.term}; the cluster is at term ${this.position.term}): the statement was not applied`);
      }
      this.position.term = header.term;
      let result: unknown = null;
      if (header.kind === "ddl") result = await this.applyDdl(header);
      else if (header.kind === "write") result = this.applyWrite(header, chunks);
      waiter?.resolve(result);
    } catch (e) {
      if (waiter) waiter.reject(e);
      else if (header.kind !== "ddl") this.log("replica_write_rejected", { seq: m.seq, reason: (e as Error).message }); // as its leader rejected it
    } finally {
      this.position.applying = undefined;
      this.finished(m.seq);
    }
  }

  /** A large message's body; waits while NATS is away (the log cannot be applied past it without it). */
  private async fetchBlob(object: string): Promise<Uint8Array> {
    for (;;) {
      try {
        const bytes = await this.backbone.objects.get(object);
        if (bytes === null) throw new Error(`the object ${object} of a large input-log message is missing`);
        return bytes;
      } catch (e) {
        if (!(e instanceof BackboneUnavailableError) || this.closed) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private finished(seq: number): void {
    this.position.applied(seq);
    for (const l of [...this.seqListeners]) l();
  }

  private engine(database: string): Database {
    const engine = this.db.cluster.all().find((e) => e.name === database);
    if (!engine) throw new SqlError(SqlState.InvalidCatalogName, `database "${database}" does not exist`);
    return engine;
  }

  private async applyDdl(h: Extract<Header, { kind: "ddl" }>): Promise<StatementResult> {
    const session = this.engine(h.database).connect({ user: h.user, superuser: h.superuser });
    this.appliers.add(session);
    try {
      session.settings.set("search_path", h.searchPath);
      if (h.role !== h.user) await session.execute(`SET ROLE "${h.role.replace(/"/g, '""')}"`);
      // statements that refuse to run in a transaction block (CREATE DATABASE) see the leader session's block
      if (h.inTransaction) await session.execute("BEGIN");
      const results = await session.execute(h.sql);
      return results[results.length - 1];
    } finally {
      session.close();
    }
  }

  private applyWrite(h: Extract<Header, { kind: "write" }>, chunks: Chunk[]): AppliedWrite {
    const engine = this.engine(h.database);
    const entry = engine.catalog.findRelation(h.relation);
    if (!entry) throw new SqlError(SqlState.UndefinedTable, `relation "${h.relation.join(".")}" does not exist`);
    return applyPlannedWrite(engine, { kind: h.op, relation: entry.id, skipConflicts: h.skipConflicts }, chunks);
  }

  // ---- leading

  private async takeOver(term: number): Promise<void> {
    this.role = "taking_over";
    this.log("coordinator_elected", { term });
    // the term marker fences the previous leader: nothing it appends after it is applied
    for (;;) {
      if (this.closed || this.lease.term !== term) return;
      try {
        const seq = await this.backbone.log.append(TERM_SUBJECT, encodeMessage({ kind: "term", term, id: `${this.node}.term.${term}` }, []), `${this.node}.term.${term}`);
        await this.caughtUp(seq);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    if (this.lease.term !== term || this.closed) return;
    this.role = "leader";
    this.log("coordinator_leading", { term, appliedSeq: this.position.seq });
  }

  refusal(): SqlError | null {
    if (this.role === "leader") return null;
    if (this.role === "taking_over") return new SqlError(CANNOT_CONNECT_NOW, "this coordinator is taking over as the leader; retry in a moment");
    const leader = this.lease.leader?.address;
    return new SqlError(CANNOT_CONNECT_NOW, `this coordinator is a standby; the leader is ${leader ?? "not elected yet"}`);
  }

  isApplier(session: Session): boolean {
    return this.appliers.has(session);
  }

  lock(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const before = this.writeLock;
    this.writeLock = before.then(() => mine);
    return before.then(() => release);
  }

  private requireLeader(): number {
    const term = this.lease.term;
    if (this.role !== "leader" || term === 0) throw this.refusal() ?? new SqlError(CANNOT_CONNECT_NOW, "this coordinator is not the leader");
    return term;
  }

  async write(session: Session, w: PlannedWrite, chunks: readonly Chunk[]): Promise<AppliedWrite> {
    const term = this.requireLeader();
    const entry = session.db.catalog.relationById(w.relation);
    if (!entry) throw new SqlError(SqlState.UndefinedTable, `relation ${w.relation} does not exist`);
    const live = chunks.filter((c) => c.length > 0);
    const header: Header = { kind: "write", term, id: this.nextId(), database: session.db.name, relation: [entry.schema, entry.name], op: w.kind, skipConflicts: w.skipConflicts, chunks: live.length };
    return (await this.submit(`coord.w.${subjectToken(entry.schema)}.${subjectToken(entry.name)}`, header, live)) as AppliedWrite;
  }

  async ddl(session: Session, _st: A.Statement, sql: string): Promise<StatementResult> {
    const release = await this.lock();
    try {
      const term = this.requireLeader();
      const header: Header = {
        kind: "ddl",
        term,
        id: this.nextId(),
        database: session.db.name,
        user: session.user,
        role: session.role,
        superuser: session.options.superuser !== false,
        searchPath: session.settings.get("search_path"),
        inTransaction: session.transactionStatus !== "I",
        sql,
      };
      return (await this.submit(DDL_SUBJECT, header, [])) as StatementResult;
    } finally {
      release();
    }
  }

  private nextId(): string {
    return `${this.node}.${++this.counter}`;
  }

  /**
   * Appends a message and resolves with what this replica's application of it returned. An append
   * that fails (NATS away) is retried with the same message id for a moment (JetStream drops the
   * duplicate if an earlier try was stored), then fails with 08006: nothing was acknowledged.
   */
  private async submit(subject: string, header: Header, chunks: readonly Chunk[]): Promise<unknown> {
    let data = encodeMessage(header, chunks);
    if (data.length > INLINE_LIMIT) {
      // stored before the log names it: a replica that reads the message finds its body
      const object = `replica/${header.id}`;
      await this.backbone.objects.put(object, data);
      data = encodeMessage({ kind: "blob", term: header.term, id: header.id, object }, []);
    }
    const applied = new Promise<unknown>((resolve, reject) => this.waiters.set(header.id, { resolve, reject }));
    applied.catch(() => {});
    const deadline = Date.now() + 2000;
    for (;;) {
      try {
        await this.backbone.log.append(subject, data, header.id);
        break;
      } catch (e) {
        if (!(e instanceof BackboneUnavailableError) || Date.now() >= deadline) {
          this.waiters.delete(header.id);
          throw e;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const timeoutMs = this.options.applyTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.waiters.delete(header.id);
        reject(new BackboneUnavailableError(`the statement was appended to the input log but not applied within ${timeoutMs} ms (NATS unreachable?); it may still take effect`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([applied, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- sage_catalog.workers

  private async pollWorkers(): Promise<void> {
    if (this.closed || !this.workersBucket) return;
    try {
      const seen = new Map(this.workerRows.map((w) => [w.id, w]));
      // a record that does not carry its heartbeat's time (the protocol's workers): when its revision last changed
      this.workerRows = (await readWorkers(this.workersBucket)).map((w) => {
        if (w.heartbeat !== null) return w;
        const before = seen.get(w.id);
        return { ...w, heartbeat: before && before.revision === w.revision ? before.heartbeat : Date.now() };
      });
    } catch {
      // NATS away: keep the last list
    } finally {
      if (!this.closed) this.workersTimer = setTimeout(() => void this.pollWorkers(), 500);
    }
  }
}

/** A name as one subject token: letters, digits, _ and - as they are, anything else as =XX bytes. */
function subjectToken(name: string): string {
  let out = "";
  for (const ch of name) {
    if (/^[A-Za-z0-9_-]$/.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, "utf8")) out += "=" + b.toString(16).padStart(2, "0");
  }
  return out || "=";
}

// A message: u32 header length, the header as JSON, then per chunk u32 length + Arrow IPC bytes.
function encodeMessage(header: Header, chunks: readonly Chunk[]): Uint8Array {
  const head = Buffer.from(JSON.stringify(header), "utf8");
  const parts: Buffer[] = [u32(head.length), head];
  for (const c of chunks) {
    const bytes = encodeChunk(c);
    parts.push(u32(bytes.length), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  return Buffer.concat(parts);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function decodeMessage(data: Uint8Array): { header: Header; chunks: Chunk[] } {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const headLength = buf.readUInt32BE(0);
  const header = JSON.parse(buf.subarray(4, 4 + headLength).toString("utf8")) as Header;
  const chunks: Chunk[] = [];
  let at = 4 + headLength;
  const n = header.kind === "write" ? header.chunks : 0;
  for (let i = 0; i < n; i++) {
    const len = buf.readUInt32BE(at);
    chunks.push(decodeChunk(new Uint8Array(buf.buffer, buf.byteOffset + at + 4, len)));
    at += 4 + len;
  }
  return { header, chunks };
}
