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
// Leadership is the cluster protocol's (src/cluster/coordinator.ts): this process runs a
// ClusterCoordinator, whose lease term fences both the protocol's shared keys and this log's
// messages. Materialized views over tables run on the cluster's workers (src/cluster-views.ts);
// each coordinator keeps a local copy of them, which the leader feeds with what the workers
// computed.

import { randomUUID } from "node:crypto";
import type * as A from "./parser/index.js";
import { Session, commandResult } from "./session.js";
import { truncateTargets, truncatedRows } from "./truncate-writes.js";
import type { Database } from "./database.js";
import { admitPlannedWrite, applyPlannedWrite, type AppliedWrite, type PlannedWrite } from "./planned-write.js";
import type { InputLogRow, ReplicaStatus, StatementReplication, WorkerRow } from "./statement-replication.js";
import { DEFAULT_LOG_SNAPSHOTS, LogSnapshots, holdLogPosition, type LogSnapshotOptions } from "./log-snapshots.js";
import type { ReplicaPosition } from "./replica-position.js";
import { ClusterViews } from "./cluster-views.js";
import { leadSources } from "./replicated-source.js";
import {
  BackboneUnavailableError,
  CONNECTION_FAILURE,
  ClusterCoordinator,
  DDL_SUBJECT,
  INPUT_SUBJECT_PREFIX,
  MARKER_SUBJECT,
  TERM_SUBJECT,
  decodeInputMessage,
  encodeInputMessage,
  replicaInputScheme,
  systemClock,
  writeSubject,
  WsNetwork,
  type Backbone,
  type Clock,
  type ClusterTiming,
  type InputHeader,
  type LogFollower,
  type LogMessage,
  type Network,
} from "./cluster/index.js";
import { Chunk, SqlError, SqlState, type StatementResult } from "./types/index.js";

/** every subject this replica reads starts with it */
export const REPLICA_SUBJECT_PREFIX = INPUT_SUBJECT_PREFIX;
/** SQLSTATE cannot_connect_now: what a standby answers */
export const CANNOT_CONNECT_NOW = "57P03";

type Header = InputHeader;
/** messages larger than this go through the object store (NATS's default max_payload is 1 MB) */
const INLINE_LIMIT = 512 * 1024;

export interface LogReplicaOptions {
  /** where clients reach this coordinator (host:port, known once it listens), told to clients of a standby */
  address: () => string;
  /** the protocol's clock and data-plane network (default: the system clock, ws on 127.0.0.1 and a free port) and the cluster token workers must present (default none) */
  clock?: Clock;
  network?: Network;
  token?: string;
  /** the protocol's timing (default DEFAULT_TIMING) */
  timing?: Partial<ClusterTiming>;
  /** the leader lease's TTL (default: the protocol's, 5000 ms); shorthand for timing.leaderTtlMs */
  leaseTtlMs?: number;
  /** how long a statement waits for its own replica to apply what it appended (default 10 s) */
  applyTimeoutMs?: number;
  /** one line per significant event (elected, deposed, a replica-side failure) */
  log?: (event: string, fields: Record<string, unknown>) => void;
  /** how often the leader snapshots the tables so the log can be cut (default DEFAULT_LOG_SNAPSHOTS) */
  snapshots?: Partial<LogSnapshotOptions>;
  /**
   * the log was cut past what this replica applied (it was away or slow): it stops applying; the
   * process must start again, bootstrapping from the snapshot (default: logged only)
   */
  behindCut?: (why: string) => void;
}

interface Waiter {
  resolve(value: unknown): void;
  reject(e: unknown): void;
}

export class LogReplica implements StatementReplication {
  readonly node = randomUUID();
  readonly coordinator: ClusterCoordinator;
  /** the data plane the coordinator listens on for workers */
  private readonly network: Network;
  readonly views: ClusterViews;
  /** the leader's snapshots of the log and the cut (log-snapshots.ts) */
  readonly snapshots: LogSnapshots;
  private leaderAddress: string | null = null;
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
  private workerRows: WorkerRow[] = [];
  /** worker id -> its last lease count and when this process saw it change */
  private readonly seenLeases = new Map<string, { lease: number; at: number }>();
  private workersTimer: NodeJS.Timeout | null = null;
  private releasePosition: (() => void) | null = null;

  constructor(
    readonly db: Database,
    private readonly backbone: Backbone,
    private readonly position: ReplicaPosition,
    private readonly options: LogReplicaOptions,
  ) {
    this.delivered = position.seq;
    // from now on the database's DDL and writes go through the log (and clients are refused until this leads)
    db.replication = this;
    this.views = new ClusterViews(db, backbone, (event, fields) => this.log(event, fields), () => this.workerRows.length > 0, () => this.coordinator.requestBarrier());
    const views = this.views;
    this.coordinator = new ClusterCoordinator(
      this.node,
      { clock: options.clock ?? systemClock, backbone, network: (this.network = options.network ?? new WsNetwork({ token: options.token ?? "" })), trace: (line) => this.log("cluster_protocol", { line }) },
      {
        token: options.token ?? "",
        jobs: views,
        input: replicaInputScheme,
        timing: { ...(options.leaseTtlMs !== undefined ? { leaderTtlMs: options.leaseTtlMs } : {}), ...options.timing },
        clientAddress: options.address,
        observer: {
          leading: (term) => {
            views.leading(term);
            void this.takeOver(term);
          },
          steppedDown: (why) => {
            views.steppedDown();
            this.role = "standby";
            leadSources(db, false);
            this.log("coordinator_deposed", { why });
          },
          tookOver: (c) => views.tookOver(c),
          generation: (a) => views.generation(a),
          changes: (c) => views.changes(c),
          committed: (view, record) => views.committed(view, record),
        },
      },
    );
    this.snapshots = new LogSnapshots(db, backbone, this.coordinator, () => this.lock(), { ...DEFAULT_LOG_SNAPSHOTS, ...options.snapshots }, (event, fields) => this.log(event, fields), () => this.views.running().map((v) => v.relationId));
  }

  /** Catches up with the log, then races for the lease; serves (refusal() null) once it leads and has caught up. */
  async start(): Promise<void> {
    // the leader cuts the log no further than what this coordinator applied while it lives
    this.releasePosition = await holdLogPosition(this.backbone, this.coordinator.options.timing.leaderTtlMs, this.node, () => this.position.seq);
    this.follow();
    // a standby is hot: it has applied everything before it may lead
    await this.caughtUp(await this.backbone.log.lastSeq());
    // the first statement of a process builds the parser and compiles much code, which can hold the
    // event loop for seconds on a loaded machine: done before leading, it cannot starve the lease
    await this.db.execute("SELECT 1");
    await this.coordinator.start();
    void this.pollWorkers();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.role === "leader") leadSources(this.db, false);
    this.role = "standby";
    this.coordinator.close();
    this.releasePosition?.();
    if (this.options.network === undefined) await this.network.close();
    this.follower?.close();
    if (this.followRetry) clearTimeout(this.followRetry);
    if (this.workersTimer) clearTimeout(this.workersTimer);
    for (const w of this.waiters.values()) w.reject(new SqlError(SqlState.AdminShutdown, "the coordinator is shutting down"));
    this.waiters.clear();
  }

  status(): ReplicaStatus {
    return { node: this.node, role: this.role, leader: this.role === "leader" ? this.options.address() : this.leaderAddress, term: this.role === "leader" ? this.coordinator.term : this.position.term, appliedSeq: this.position.seq };
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
    if (m.seq <= this.delivered || this.closed) return;
    // every message of the stream is under coord.: a gap is the cut, past what this replica applied
    if (m.seq > this.delivered + 1) {
      const why = `the input log was cut at ${m.seq} past this coordinator's sequence ${this.delivered}: start it again to bootstrap from the latest snapshot`;
      this.log("replica_behind_cut", { delivered: this.delivered, next: m.seq });
      this.follower?.close();
      this.closed = true;
      this.options.behindCut?.(why);
      return;
    }
    this.delivered = m.seq;
    this.queue.push(m);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        while (this.queue.length > 0 && !this.closed) {
          await this.apply(this.queue.shift()!);
          // between two messages: the state is exactly the log up to position.seq
          if (this.role === "leader") this.snapshots.maybeTake(this.position.seq, this.coordinator.term);
        }
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
    // the protocol's epoch markers are for the workers
    if (m.subject === MARKER_SUBJECT) {
      this.snapshots.applied(m.seq, m.data.length, null);
      return this.finished(m.seq);
    }
    let header: Header;
    let chunks: Chunk[];
    try {
      ({ header, chunks } = decodeInputMessage(m.data));
      this.snapshots.applied(m.seq, m.data.length, header.kind === "blob" ? header.object : null);
      if (header.kind === "blob") ({ header, chunks } = decodeInputMessage(await this.fetchBlob(header.object)));
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
        // our own write, fenced by a newer term in the log: another coordinator leads, stop serving
        if (this.role === "leader" && header.term === this.coordinator.term) this.coordinator.resign(`the input log is at term ${this.position.term}`);
        throw new SqlError(CONNECTION_FAILURE, `this coordinator was deposed (term ${header.term}; the cluster is at term ${this.position.term}): the statement was not applied`);
      }
      this.position.term = header.term;
      let result: unknown = null;
      if (header.kind === "ddl") result = await this.applyDdl(header);
      else if (header.kind === "write" && header.source !== undefined) this.applySourceBatch(header, chunks.slice(0, header.chunks), header.source.position);
      else if (header.kind === "write") result = this.applyWrite(header, chunks.slice(0, header.chunks), m.seq);
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
      for (const [name, value] of Object.entries(h.settings ?? {})) session.settings.set(name, value);
      if (h.role !== h.user) await session.execute(`SET ROLE "${h.role.replace(/"/g, '""')}"`);
      // statements that refuse to run in a transaction block (CREATE DATABASE) see the leader session's block
      if (h.inTransaction) await session.execute("BEGIN");
      const results = await session.execute(h.sql);
      return results[results.length - 1];
    } finally {
      session.close();
    }
  }

  private applyWrite(h: Extract<Header, { kind: "write" }>, chunks: Chunk[], seq: number): AppliedWrite {
    const engine = this.engine(h.database);
    const entry = engine.catalog.findRelation(h.relation);
    if (!entry) throw new SqlError(SqlState.UndefinedTable, `relation "${h.relation.join(".")}" does not exist`);
    const applied = applyPlannedWrite(engine, { kind: h.op, relation: entry.id, skipConflicts: h.skipConflicts }, chunks);
    if (engine === this.db) this.views.wrote(entry.id, seq);
    return applied;
  }

  /** a source's batch: its runner applies the rows and takes the position (a dropped source's batch is passed over) */
  private applySourceBatch(h: Extract<Header, { kind: "write" }>, chunks: Chunk[], position: unknown): void {
    const engine = this.engine(h.database);
    const entry = engine.catalog.findRelation(h.relation);
    const runner = entry && engine.sourceRunners().get(entry.id);
    if (!runner) return;
    runner.applyReplicated(chunks, position);
  }

  // ---- leading

  private async takeOver(term: number): Promise<void> {
    this.role = "taking_over";
    this.log("coordinator_elected", { term });
    // the term marker fences the previous leader: nothing it appends after it is applied
    for (;;) {
      if (this.closed || this.coordinator.term !== term) return;
      try {
        const seq = await this.backbone.log.append(TERM_SUBJECT, encodeInputMessage({ kind: "term", term, id: `${this.node}.term.${term}` }, []), `${this.node}.term.${term}`);
        await this.caughtUp(seq);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    if (this.coordinator.term !== term || this.closed) return;
    this.role = "leader";
    this.log("coordinator_leading", { term, appliedSeq: this.position.seq });
    // sources resume where the log says they were (every batch's position came with it)
    leadSources(this.db, true);
  }

  leads(): boolean {
    return this.role === "leader" && !this.closed;
  }

  logSequence(): number {
    return this.position.applying ?? this.position.seq;
  }

  async appendSourceBatch(db: Database, relation: string, chunks: readonly Chunk[], position: unknown): Promise<void> {
    const release = await this.lock();
    try {
      const term = this.requireLeader();
      const entry = db.catalog.relationById(relation);
      if (!entry) throw new SqlError(SqlState.UndefinedTable, `relation ${relation} does not exist`);
      // rows every replica would refuse (a key or CHECK violation) are refused before they are appended
      const plain = chunks.every((c) => c.ops === null);
      const live = (plain ? admitPlannedWrite(db, { kind: "insert", relation, skipConflicts: false }, chunks) : chunks).filter((c) => c.length > 0);
      const header: Header = { kind: "write", term, id: this.nextId(), database: db.name, relation: [entry.schema, entry.name], relationId: entry.id, op: "insert", skipConflicts: false, chunks: live.length, source: { position } };
      await this.submit(writeSubject(entry.schema, entry.name), header, live);
    } finally {
      release();
    }
  }

  refusal(): SqlError | null {
    if (this.role === "leader") return null;
    if (this.role === "taking_over") return new SqlError(CANNOT_CONNECT_NOW, "this coordinator is taking over as the leader; retry in a moment");
    const leader = this.leaderAddress;
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
    const term = this.coordinator.term;
    if (this.role !== "leader" || term === 0) throw this.refusal() ?? new SqlError(CANNOT_CONNECT_NOW, "this coordinator is not the leader");
    return term;
  }

  async write(session: Session, w: PlannedWrite, chunks: readonly Chunk[]): Promise<AppliedWrite> {
    const term = this.requireLeader();
    const entry = session.db.catalog.relationById(w.relation);
    if (!entry) throw new SqlError(SqlState.UndefinedTable, `relation ${w.relation} does not exist`);
    // checked here first: a write every replica would reject is refused before it is appended (workers
    // read every appended write), and ON CONFLICT DO NOTHING appends only the rows it inserts
    const live = admitPlannedWrite(session.db, w, chunks).filter((c) => c.length > 0);
    // an update carries the rows it replaces too: workers hold no table, they read changes
    const old = w.kind === "update" ? this.rowsBefore(session.db, w.relation, live) : [];
    const header: Header = { kind: "write", term, id: this.nextId(), database: session.db.name, relation: [entry.schema, entry.name], relationId: entry.id, op: w.kind, skipConflicts: w.skipConflicts, chunks: live.length, oldChunks: old.length };
    return (await this.submit(writeSubject(entry.schema, entry.name), header, [...live, ...old])) as AppliedWrite;
  }

  /** the current rows of an update's row ids (column 0 of each chunk), in order */
  private rowsBefore(db: Database, relation: string, chunks: readonly Chunk[]): Chunk[] {
    const stored = db.relation(relation);
    const types = stored.entry.columns.map((c) => c.type);
    return chunks.map((c) => {
      const rows: unknown[][] = [];
      for (let i = 0; i < c.length; i++) rows.push(stored.store.row(Number(c.columns[0].get(i))));
      return Chunk.fromRows(types, rows);
    });
  }

  async ddl(session: Session, st: A.Statement, sql: string): Promise<StatementResult> {
    if (st.kind === "truncate") return this.truncate(session, st);
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
        // the leader session's SET streaming_parallelism is what a view without WITH (parallelism) gets
        settings: { streaming_parallelism: session.settings.get("streaming_parallelism") },
        inTransaction: session.transactionStatus !== "I",
        sql,
      };
      return (await this.submit(DDL_SUBJECT, header, [])) as StatementResult;
    } finally {
      release();
    }
  }

  /**
   * TRUNCATE: a table's as the DELETE of every row it holds (truncate-writes.ts says why), a
   * stream's (never read by views on workers) as its SQL text. One message per relation.
   */
  private async truncate(session: Session, st: A.TruncateStatement): Promise<StatementResult> {
    const targets = truncateTargets(session.db, st);
    for (const t of targets) {
      if (t.kind === "stream") {
        await this.ddl(session, { ...st, tables: [{ parts: [t.schema, t.name], pos: st.pos }] }, `TRUNCATE ${[t.schema, t.name].map((p) => `"${p.replace(/"/g, '""')}"`).join(".")}`);
        continue;
      }
      const release = await this.lock();
      try {
        this.requireLeader();
        // read under the lock: the rows every replica holds when it applies this message
        await this.write(session, { kind: "delete", relation: t.relation, skipConflicts: false }, truncatedRows(session.db, t.relation));
      } finally {
        release();
      }
    }
    return commandResult("TRUNCATE TABLE");
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
    let data = encodeInputMessage(header, chunks);
    if (data.length > INLINE_LIMIT) {
      // stored before the log names it: a replica that reads the message finds its body
      const object = `replica/${header.id}`;
      await this.backbone.objects.put(object, data);
      data = encodeInputMessage({ kind: "blob", term: header.term, id: header.id, object }, []);
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
    if (this.closed) return;
    try {
      this.leaderAddress = (await this.coordinator.leader())?.clientAddress || null;
      const assignment = this.coordinator.assignment;
      const placed = new Map<string, number>();
      for (const byFragment of Object.values(assignment?.placement ?? {})) for (const owners of Object.values(byFragment)) for (const m of owners) placed.set(m, (placed.get(m) ?? 0) + 1);
      const now = Date.now();
      const rows: WorkerRow[] = [];
      for (const { id, record, admitted } of await this.coordinator.members()) {
        // a record in KV is only a claim (anyone who reaches NATS can write one): a worker is listed once it proved the cluster token to this coordinator
        if (!admitted) continue;
        const seen = this.seenLeases.get(id);
        if (seen === undefined || seen.lease !== record.lease) this.seenLeases.set(id, { lease: record.lease, at: now });
        const instances = placed.get(record.member) ?? 0;
        const state = instances > 0 ? "running" : "idle";
        rows.push({ id, address: record.address, vnodes: instances, state, heartbeat: this.seenLeases.get(id)!.at });
      }
      this.workerRows = rows;
      await this.snapshots.refresh();
    } catch {
      // NATS away: keep the last list
    } finally {
      if (!this.closed) this.workersTimer = setTimeout(() => void this.pollWorkers(), 500);
    }
  }

  inputLog(): InputLogRow | null {
    const info = this.snapshots.logInfo;
    if (info === null) return null;
    const s = this.snapshots.latest;
    return { firstSeq: info.firstSeq, lastSeq: info.lastSeq, messages: info.messages, bytes: info.bytes, snapshotSeq: s?.seq ?? null, snapshotAt: s?.at ?? null, snapshotBytes: s?.bytes ?? null };
  }

  fragments(): unknown[][] {
    return this.views.fragmentRows(this.coordinator.assignment);
  }

  /** FLUSH: every write applied here is in the views on workers' copies */
  async flush(): Promise<void> {
    await this.views.caughtUp(this.position.seq);
  }

  /** read-your-writes: the views on workers a query reads hold every write applied here before it */
  async beforeRead(session: Session, relationIds: Iterable<string>): Promise<void> {
    if (session.db === this.db) await this.views.readable(relationIds);
  }
}
