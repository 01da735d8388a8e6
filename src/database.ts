// Database: the public entry every caller goes through (REPL, server, tests). It owns the
// catalog and the stored relations; a Session holds per-connection settings and runs statements.

import { Catalog } from "./catalog/index.js";
import { StreamRuntime, type RelationReader, type VectorIndexReader } from "./executor/index.js";
import { Session } from "./session.js";
import { registerSageCatalog } from "./sage-catalog.js";
import { registerReplicaCatalog } from "./replica-catalog.js";
import { JobRegistry } from "./jobs.js";
import { registerJobsCatalog } from "./job-statements.js";
import { ModelFunctions } from "./model-functions.js";
import { UserFunctions } from "./user-functions.js";
import { loadPlugins } from "./plugins.js";
import { StoredRelation } from "./stored-relation.js";
import { TableVectorIndexes } from "./table-vector-index.js";
import { Chunk, SqlError, SqlState, formatValue, parseValue, type DataType } from "./types/index.js";
import { CheckpointStore, DataDirectory, LogSegments, SecretCipher, type LogRecord } from "./storage/index.js";
import { Secrets } from "./secrets.js";
import { AuditLog, registerAuditLogRelation, type AuditRecord } from "./audit-log.js";
import { Checkpointer, type BeforeCommitHook, type CheckpointEvent } from "./checkpointer.js";
import type { SourceTask } from "./source-task.js";
import type { CheckpointedTask } from "./checkpointed-task.js";
import type { RelationEntry } from "./catalog/index.js";
import { collectEngineMetrics } from "./engine-metrics.js";
import { webhookEndpoint } from "./webhook-table.js";
import { DatabaseCluster } from "./database-cluster.js";
import type { DatabaseEntry } from "./catalog/index.js";
import type { EngineMetrics, WebhookEndpoint } from "./server/index.js";
import type { StatementReplication } from "./statement-replication.js";
import { REPLICA_POSITION_TASK, type ReplicaPosition } from "./replica-position.js";

export interface DatabaseOptions {
  /** data directory; ignored when `memory` is set */
  dataDir?: string;
  /** keep everything in memory (tests, `sage-sql --memory`) */
  memory?: boolean;
  /** milliseconds between checkpoints, also taken on a clean close (default 1000; 0 = only on CHECKPOINT) */
  checkpointInterval?: number;
  /** tests: called after a checkpoint's state is written, before it commits */
  beforeCheckpointCommit?: BeforeCommitHook;
  /** npm packages (or module paths) that add connectors and model providers (see src/plugins.ts) */
  plugins?: string[];
  /**
   * concurrent statements share log fsyncs (default true); false: each statement's records are
   * fsync'd on their own (also `SET group_commit = off`)
   */
  groupCommit?: boolean;
  /** the server's default max_query_memory in bytes (config system.max_memory; absent: no limit) */
  maxQueryMemory?: number;
  /** cluster mode: where this replica is in the input log, kept in the log and checkpoints (see log-replica.ts) */
  replicaPosition?: ReplicaPosition;
}

export interface SessionOptions {
  user?: string;
  database?: string;
  applicationName?: string;
  /** may create javascript functions and the like (default true: the built-in sage role is one) */
  superuser?: boolean;
  /** the client's address (the server's connections), recorded in sage_catalog.audit_log */
  clientAddress?: string;
  /**
   * a client logging in (pgwire, HTTP): the role must exist (or be vouched for with `superuser`),
   * have LOGIN, and be under its CONNECTION LIMIT; see src/role-login.ts
   */
  login?: boolean;
  /** called once when the session closes (a client session counts against its database's connection limit) */
  onClose?: () => void;
}

export class Database implements RelationReader {
  readonly catalog = new Catalog();
  /** running continuous queries (materialized views, subscriptions) */
  readonly streams = new StreamRuntime();
  /** long work of statements (COPY, view backfill): SHOW JOBS, CANCEL JOB */
  readonly jobs = new JobRegistry();
  private readonly stored = new Map<string, StoredRelation>();
  private readonly systemRows = new Map<string, () => unknown[][]>();
  private readonly tasks = new Map<string, { stop(): void }[]>();
  private readonly sources = new Map<string, SourceTask>();
  private readonly checkpointBlockers = new Set<() => string | null>();
  private readonly checkpointed = new Map<string, CheckpointedTask>();
  private dataDir: DataDirectory | null = null;
  private wal: LogSegments | null = null;
  /** periodic checkpoints of a data directory (null in memory) */
  checkpoints: Checkpointer | null = null;
  private replaying = false;
  private logFailure: SqlError | null = null;
  private deferredStarts: (() => void)[] = [];
  private closed = false;
  private position = 0;

  /** HNSW indexes (CREATE INDEX ... USING hnsw), by catalog index id */
  readonly vectorIndexes = new TableVectorIndexes();

  /** EMBED / GENERATE: the models of this database */
  readonly models: ModelFunctions;
  /** CREATE SECRET values, sealed with the master key */
  readonly secrets: Secrets;
  /** sage_catalog.audit_log (see audit-log.ts) */
  readonly audit: AuditLog;
  /** CREATE FUNCTION: user-defined functions and the JavaScript worker pool */
  functions!: UserFunctions;
  /** the process's databases (CREATE DATABASE); this one is among them */
  readonly cluster: DatabaseCluster;
  /** cluster mode (on the first database): DDL and writes go through the input log; null in single-node mode */
  replication: StatementReplication | null = null;

  private constructor(
    readonly options: DatabaseOptions,
    cluster?: DatabaseCluster,
  ) {
    const dir = options.memory ? undefined : (options.dataDir ?? "./sage-data");
    this.secrets = new Secrets(new SecretCipher(dir));
    // the audit log is the cluster's, as Postgres's server log is: one file, in the first database's directory
    this.audit = cluster ? cluster.root.audit : new AuditLog(options.memory ? 10_000 : 100_000);
    this.models = new ModelFunctions(this.catalog, dir, (name) => this.openSecret(name, "model"));
    this.cluster = cluster ?? new DatabaseCluster(this, dir ?? null, (entry) => Database.openMember(this, entry));
  }

  static async open(options: DatabaseOptions = {}): Promise<Database> {
    // before recovery: replayed CREATE STREAM / CREATE MODEL statements may name a plugin's kinds
    if (options.plugins?.length) await loadPlugins(options.plugins);
    const db = new Database(options);
    Database.equip(db);
    if (options.replicaPosition) db.addCheckpointedTask(REPLICA_POSITION_TASK, options.replicaPosition);
    if (!options.memory) await db.recover(options.dataDir ?? "./sage-data");
    await db.cluster.openAll();
    return db;
  }

  /** What every database has before its log replays (the first one and those CREATE DATABASE makes). */
  private static equip(db: Database): void {
    registerSageCatalog(db);
    registerReplicaCatalog(db);
    registerAuditLogRelation(db);
    registerJobsCatalog(db);
    db.functions = new UserFunctions(db);
  }

  /** Another database of `root`'s cluster (CREATE DATABASE): its own catalog and log, the shared roles. */
  private static async openMember(root: Database, entry: DatabaseEntry): Promise<Database> {
    const dataDir = root.cluster.dataDir(entry);
    const db = new Database({ ...root.options, dataDir, memory: dataDir === undefined }, root.cluster);
    db.catalog.joinCluster(root.catalog, entry);
    db.catalog.roles = DatabaseCluster.replayRoles(root.catalog.roles);
    Database.equip(db);
    // its checkpoints drop its log (whose records carry input-log sequences): they keep the position too
    if (root.options.replicaPosition) db.addCheckpointedTask(REPLICA_POSITION_TASK, root.options.replicaPosition);
    try {
      if (dataDir !== undefined) await db.recover(dataDir);
    } finally {
      db.catalog.roles = root.catalog.roles;
    }
    return db;
  }

  /** This database's name (current_database()). */
  get name(): string {
    return this.cluster.entryOf(this).name;
  }

  /** Opens the data directory and replays its log: catalog, tables and views come back as they were. */
  private async recover(path: string): Promise<void> {
    const dir = DataDirectory.open(path);
    this.dataDir = dir;
    let opened: ReturnType<typeof LogSegments.open>;
    let store: CheckpointStore;
    let manifest: ReturnType<CheckpointStore["readManifest"]>;
    try {
      store = new CheckpointStore(dir.file("checkpoints"));
      manifest = store.readManifest();
      opened = LogSegments.open(dir.path, manifest?.walSegment ?? 0);
    } catch (e) {
      dir.close();
      throw e;
    }
    this.replaying = true;
    const session = this.connect();
    const checkpoints = new Checkpointer(this, store, opened.log, this.options.beforeCheckpointCommit);
    this.checkpoints = checkpoints;
    try {
      if (manifest) {
        try {
          await checkpoints.restore(manifest, session);
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          throw new SqlError(SqlState.DataCorrupted, `the checkpoint in "${path}" (epoch ${manifest.epoch}) cannot be restored: ${why}`);
        }
      }
      // log positions continue from the checkpoint's: they never restart lower than they were
      const base = manifest?.logPosition ?? 0;
      this.position = base;
      for (let i = 0; i < opened.records.length; i++) {
        const rec = opened.records[i];
        this.position = base + i + 1;
        try {
          await this.replay(session, rec);
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          throw new SqlError(SqlState.DataCorrupted, `the log in "${path}" cannot be replayed at record ${i + 1} (${rec.t}): ${why}`);
        }
      }
    } catch (e) {
      this.checkpoints = null;
      opened.log.close();
      dir.close();
      throw e;
    } finally {
      this.replaying = false;
    }
    if (this.cluster.root === this) this.audit.open(path);
    this.wal = opened.log;
    this.wal.groupCommit = this.options.groupCommit ?? true;
    for (const start of this.deferredStarts.splice(0)) start();
    checkpoints.setInterval(this.options.checkpointInterval ?? 1000);
  }

  private async replay(session: Session, rec: LogRecord): Promise<void> {
    if (rec.logSeq !== undefined) this.options.replicaPosition?.replayed(rec.logSeq, rec.logTerm);
    if (rec.t === "ddl") {
      await session.execute(rec.sql);
      this.checkpoints?.noteDdl(rec.sql);
    } else if (rec.t === "write") {
      const stored = this.relation(this.loggedRelation(rec));
      const types = stored.entry.columns.map((c) => c.type);
      const rows = rec.ins.map((r) => r.map((v, c) => (v === null ? null : parseValue(types[c], v))));
      const change = stored.write(rec.del, rows);
      this.publishChanges(stored.entry.id, change.inserted, change.deleted, change.watermark);
    } else {
      const runner = this.sources.get(this.loggedRelation(rec));
      if (!runner) throw new Error(`no source for stream ${rec.name ? rec.name.join(".") : rec.rel}`);
      // cluster mode: the position of a batch read back from the input log (its rows are write records before it)
      if (rec.position !== undefined) runner.restorePosition(rec.position);
      else await runner.replay(rec);
    }
  }

  /** The id, in this run, of the relation a write or source record names. */
  private loggedRelation(rec: { rel: string; name?: [string, string] }): string {
    if (!rec.name) return rec.rel;
    const entry = this.catalog.findRelation(rec.name);
    if (!entry) throw new Error(`relation "${rec.name.join(".")}" does not exist at this point of the log`);
    return entry.id;
  }

  /**
   * Appends records to the log (in the order their changes were applied in memory); they are
   * durable once durable() resolves, which every statement awaits before it reports (group commit).
   */
  log(records: LogRecord[]): void {
    if (this.replaying || records.length === 0) return;
    this.position += records.length;
    if (this.wal === null) return;
    if (this.logFailure) throw this.logFailure;
    this.options.replicaPosition?.stamp(records);
    for (const r of records) {
      if (r.t === "ddl" || r.name) continue;
      const entry = this.catalog.relationById(r.rel);
      if (entry) r.name = [entry.schema, entry.name];
    }
    try {
      this.wal.append(records);
      for (const r of records) if (r.t === "ddl") this.checkpoints?.noteDdl(r.sql);
    } catch (e) {
      // memory now holds a change the log does not: refuse further writes until a restart recovers
      this.stopWrites(e);
      throw e;
    }
  }

  /**
   * Resolves once everything logged so far is durable (fsync'd). A statement awaits it before
   * reporting, a read included: what it saw in memory was logged before it, so nothing a client
   * is shown can vanish in a crash. A failed fsync stops the database: writes, and reads that
   * would show what it may have lost, fail until a restart recovers from the log.
   */
  async durable(): Promise<void> {
    // statements on the cluster's roles and databases are logged by the first database
    if (this.cluster.root !== this) await this.cluster.root.durable();
    if (this.replaying || this.wal === null) return;
    if (this.wal.failed) throw this.logFailure ?? this.wal.failed;
    try {
      await this.wal.flush();
    } catch (e) {
      this.stopWrites(e);
      throw e;
    }
  }

  private stopWrites(e: unknown): void {
    this.logFailure ??= new SqlError(SqlState.IoError, "the database stopped accepting writes after a log write failed; restart it to recover", { detail: e instanceof Error ? e.message : String(e) });
  }

  /** Log fsyncs so far and whether group commit is on (tests, benchmarks); null in memory. */
  logStats(): { fsyncs: number; groupCommit: boolean } | null {
    return this.wal ? { fsyncs: this.wal.fsyncs, groupCommit: this.wal.groupCommit } : null;
  }

  /** SET group_commit: on shares fsyncs among concurrent statements, off syncs each on its own. */
  setGroupCommit(on: boolean): void {
    if (this.wal) this.wal.groupCommit = on;
  }

  /** The log record of a write: deleted row ids and inserted rows in Postgres text form. */
  logWrite(relation: string, deletedIds: readonly number[], inserted: readonly unknown[][]): void {
    if (this.replaying || this.wal === null) return;
    const types = this.relation(relation).entry.columns.map((c) => c.type);
    const ins = inserted.map((r) => r.map((v, c) => (v === null ? null : formatValue(types[c], v))));
    this.log([{ t: "write", rel: relation, del: [...deletedIds], ins }]);
  }

  /** logWrite for an INSERT's rows held as a chunk: the same record, formatted column by column. */
  logInsertChunk(relation: string, chunk: Chunk): void {
    if (this.replaying || this.wal === null) return;
    const types = this.relation(relation).entry.columns.map((c) => c.type);
    const ins: (string | null)[][] = Array.from({ length: chunk.length }, () => new Array<string | null>(types.length));
    for (let c = 0; c < types.length; c++) {
      const col = chunk.columns[c];
      for (let i = 0; i < chunk.length; i++) {
        const v = col.get(i);
        ins[i][c] = v === null ? null : formatValue(types[c], v);
      }
    }
    this.log([{ t: "write", rel: relation, del: [], ins }]);
  }

  /** Runs `start` now, or after recovery when the log is being replayed (connectors resume then). */
  whenRecovered(start: () => void): void {
    if (this.replaying) this.deferredStarts.push(start);
    else start();
  }

  registerSource(relation: string, runner: SourceTask): void {
    this.sources.set(relation, runner);
  }

  /**
   * Registers a reason checkpoints must be skipped while it returns non-null (a connector whose
   * exactly-once or position relies on the whole log); returns the unregister function.
   */
  addCheckpointBlocker(why: () => string | null): () => void {
    this.checkpointBlockers.add(why);
    return () => this.checkpointBlockers.delete(why);
  }

  /** A task whose state each checkpoint stores (a sink), by relation id; returns the unregister function. */
  addCheckpointedTask(relation: string, task: CheckpointedTask): () => void {
    this.checkpointed.set(relation, task);
    return () => {
      if (this.checkpointed.get(relation) === task) this.checkpointed.delete(relation);
    };
  }

  checkpointedTasks(): ReadonlyMap<string, CheckpointedTask> {
    return this.checkpointed;
  }

  /** Why a checkpoint cannot be taken now (a source or sink that needs the whole log), or null. */
  checkpointBlocker(): string | null {
    for (const runner of this.sources.values()) {
      const why = runner.checkpointBlocker?.();
      if (why) return why;
    }
    for (const why of this.checkpointBlockers) {
      const w = why();
      if (w) return w;
    }
    return null;
  }

  /** The sources (generators, files) feeding streams and tables, by relation id. */
  /** the engine's figures for /metrics (see engine-metrics.ts) */
  metrics(): EngineMetrics {
    return collectEngineMetrics(this);
  }

  /** calls `listener` after each checkpoint or failed one (an in-memory database takes none) */
  onCheckpoint(listener: (e: CheckpointEvent) => void): () => void {
    return this.checkpoints ? this.checkpoints.onCheckpoint(listener) : () => {};
  }

  /** the webhook table at POST /webhook/<path> (see webhook-table.ts); 42P01 when there is none */
  webhook(path: readonly string[]): WebhookEndpoint {
    return webhookEndpoint(this, path);
  }

  /** calls `listener` with each barrier's latency, ms */
  onBarrier(listener: (ms: number) => void): () => void {
    return this.streams.onBarrier(listener);
  }

  sourceRunners(): ReadonlyMap<string, SourceTask> {
    return this.sources;
  }

  /**
   * How many log records have been appended (or, while replaying, replayed up to and including the
   * one being replayed): changes made by a record are made again at the same position on replay,
   * so exactly-once sinks store it as their progress.
   */
  get logPosition(): number {
    return this.position;
  }

  get isReplaying(): boolean {
    return this.replaying;
  }

  /** A secret's value for a model or connector (`use`), recorded in the audit log; undefined when there is none. */
  openSecret(name: string, use: string): string | undefined {
    try {
      const v = this.secrets.resolve(name);
      if (v !== undefined) this.audit.secretOpened(name, use);
      return v;
    } catch (e) {
      this.audit.secretOpened(name, use, e);
      throw e;
    }
  }

  /** Records a server event (a login, a failed or throttled one) in sage_catalog.audit_log. */
  recordAudit(record: Omit<AuditRecord, "time">): void {
    this.audit.record(record);
  }

  /** A new session (one per client connection). */
  connect(options: SessionOptions = {}): Session {
    if (this.closed) throw new SqlError(SqlState.AdminShutdown, "the database is closed");
    if (options.login) {
      const refused = this.refuseConnection();
      if (refused) throw refused;
    }
    // a client naming a database: the cluster resolves it and checks CONNECT and the connection limit
    if (options.database !== undefined) return this.cluster.connect(options);
    return new Session(this, options);
  }

  /** Why clients may not connect now (a standby coordinator: 57P03), or null. */
  refuseConnection(): SqlError | null {
    return this.cluster.root.replication?.refusal() ?? null;
  }

  /** Runs statements on a fresh session; see Session.execute. */
  async execute(sql: string, params: unknown[] = []): Promise<import("./types/index.js").StatementResult[]> {
    return this.connect().execute(sql, params);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.cluster.root === this) for (const other of this.cluster.all()) if (other !== this) await other.close();
    // a clean close leaves a fresh checkpoint (when checkpoints are on), so the next open replays nothing
    try {
      if (this.checkpoints && this.checkpoints.interval > 0) this.checkpoints.checkpoint();
    } catch {
      /* the log still holds everything */
    }
    this.checkpoints?.stop();
    this.checkpoints = null;
    this.streams.stop();
    this.functions.close();
    for (const list of this.tasks.values()) for (const t of list) t.stop();
    this.tasks.clear();
    for (const df of this.streams.all()) df.close(); // model calls in flight are cancelled
    await this.wal?.close();
    this.wal = null;
    this.models.close();
    if (this.cluster.root === this) this.audit.close();
    this.dataDir?.close();
    this.dataDir = null;
  }

  /** The stored rows of a table or stream (created with it). */
  relation(id: string): StoredRelation {
    const r = this.stored.get(id);
    if (!r) throw new SqlError(SqlState.InternalError, `no storage for relation ${id}`);
    return r;
  }

  /** Every stored relation (tables, streams, views' contents), by id. */
  storedRelations(): ReadonlyMap<string, StoredRelation> {
    return this.stored;
  }

  addStored(r: StoredRelation): void {
    this.stored.set(r.entry.id, r);
  }

  dropStored(id: string): void {
    for (const t of this.tasks.get(id) ?? []) t.stop();
    this.tasks.delete(id);
    this.sources.delete(id);
    this.vectorIndexes.dropRelation(id);
    this.stored.delete(id);
  }

  /**
   * A relation changed (a write committed): its changes flow to the continuous queries reading
   * it, and a barrier makes them visible everywhere before the writing statement returns.
   */
  publishChanges(relation: string, inserted: unknown[][], deleted: unknown[][], watermark?: unknown): void {
    if (!this.streams.hasConsumers(relation)) return;
    const stored = this.relation(relation);
    if (inserted.length + deleted.length > 0) this.streams.publish(relation, stored.changes(inserted, deleted));
    if (watermark !== undefined && stored.watermark) this.streams.publishWatermark(relation, stored.watermark.column, watermark);
    this.streams.barrier();
  }

  /** publishChanges for an INSERT's rows held as a chunk (inserts only): published as they are, no row arrays. */
  publishInsertedChunk(relation: string, chunk: Chunk, watermark?: unknown): void {
    if (!this.streams.hasConsumers(relation)) return;
    const stored = this.relation(relation);
    if (chunk.length > 0) this.streams.publish(relation, chunk);
    if (watermark !== undefined && stored.watermark) this.streams.publishWatermark(relation, stored.watermark.column, watermark);
    this.streams.barrier();
  }

  /** Publishes an appended chunk (a connector's rows); the caller ends the epoch with publishChanges. */
  publishChunk(relation: string, chunk: Chunk): void {
    if (chunk.length > 0 && this.streams.hasConsumers(relation)) this.streams.publish(relation, chunk);
  }

  /** Background work tied to a relation (a connector, an idle-watermark clock); stopped on DROP and close. */
  attachTask(relation: string, task: { stop(): void }): void {
    const list = this.tasks.get(relation);
    if (list) list.push(task);
    else this.tasks.set(relation, [task]);
  }

  /** A read-only relation computed on demand (sage_catalog.*, pg_catalog.*). */
  registerSystemRelation(schema: string, name: string, columns: { name: string; type: DataType }[], rows: () => unknown[][], id = this.catalog.newId("sys")): void {
    const existing = this.catalog.findRelation([schema, name]);
    if (existing) this.catalog.removeRelation(existing.id);
    const entry: RelationEntry = { id, kind: "system", schema, name, columns: columns.map((c) => ({ ...c, notNull: false })) };
    this.catalog.addRelation(entry);
    this.systemRows.set(entry.id, rows);
  }

  lookup(relation: string, columns: number[], keyColumn: number, value: unknown): Chunk[] | undefined {
    if (this.systemRows.has(relation)) return undefined;
    const stored = this.relation(relation);
    if (stored.entry.retain === false) return undefined;
    const chunk = stored.lookup(columns, keyColumn, value);
    return chunk === undefined ? undefined : [chunk];
  }

  vectorIndex(index: string): VectorIndexReader | undefined {
    return this.vectorIndexes.get(index);
  }

  scan(relation: string, columns: number[]): Iterable<Chunk> {
    const system = this.systemRows.get(relation);
    if (system) {
      const entry = this.catalog.relationById(relation)!;
      const rows = system().map((r) => columns.map((c) => r[c]));
      return [Chunk.fromRows(columns.map((c) => entry.columns[c].type), rows)];
    }
    const stored = this.relation(relation);
    if (stored.entry.retain === false) {
      throw new SqlError(SqlState.FeatureNotSupported, `stream "${stored.entry.name}" keeps no rows (retention = 'none'), so it cannot be read directly`, {
        hint: "Create a materialized view over it, or SUBSCRIBE to it.",
      });
    }
    return stored.store.scan(columns);
  }
}

export { Session };
