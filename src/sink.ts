// CREATE SINK name FROM relation | AS query WITH (connector = ..., ...): the changes of a
// materialized view (or table, stream, or query) delivered to an outside target. One runtime, one
// writer per target (src/connectors: 'file' writes rolling files, 'postgres' a table):
//
// - changes are gathered and, every flush interval (and at FLUSH), their net effect is handed to
//   the writer as one batch, after any batch in flight (batches are written in order);
// - a batch whose write fails for a passing reason (target down) is kept and retried with
//   exponential backoff, while the view keeps computing and new changes gather behind it; a
//   failure a retry cannot fix stops the sink. Both show in sage_catalog.sink_status, and FLUSH
//   reports them: nothing is dropped silently;
// - type = 'append-only' refuses a deletion (the sink fails, naming the fix);
// - a sink created over an existing relation starts with its current rows.
//
// Exactly-once: every change is tagged with the log position that made it (db.logPosition). A
// writer that stores its progress with its data (Postgres) is also handed the changes re-made
// while the log replays after a crash, and skips those at or before what it committed. A writer
// that does not (files) sees only changes made after the restart: what it had gathered but not
// written when the process died (at most one flush interval) is not rewritten.
//
// Cluster mode (several coordinators replicating one input log, log-replica.ts): every coordinator
// runs the sink's dataflow, but only the LEADER writes. Replica-local positions (db.logPosition)
// and epoch counts differ between coordinators, so each epoch of changes is numbered instead from
// the input log's sequence of the message that made it: sequence × 1024 + its index among that
// message's epochs (the same on every coordinator: each applies the same log in the same order, and
// a view's changes follow synchronously from the message applied; strictly increasing, so an epoch
// accepted after a batch was cut is never taken as covered by it). That number is the change's
// position, and every change counts as possibly written already: the target's progress (Postgres:
// the progress row's log_position, which then holds such a number; NATS: the message ids) decides. The sink's instance (progress row owner, message id prefix) is named by the
// log sequence of its CREATE SINK, also the same everywhere. A standby keeps the changes, trimming
// what the target confirms written, and writes the rest once it leads. A writer without progress
// (files) on a standby drops its changes: at-most-once across a change of leader, as across a
// single node's crash.
//
// Checkpoints: the log before a checkpoint is not replayed, so an exactly-once sink's changes not
// yet confirmed written (the batch in flight or failed, and those gathered) are stored in each
// checkpoint with their log positions and epoch numbers (checkpointState), and come back as
// replayed changes when recovery restores it: the writer then skips what its target already has
// (Postgres: by its progress row; NATS: by message id) and writes the rest.

import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type * as A from "./parser/index.js";
import type { Database } from "./database.js";
import type { CheckpointedTask } from "./checkpointed-task.js";
import type { Session } from "./session.js";
import { commandResult } from "./session.js";
import { continuousPlan } from "./ddl.js";
import { connectorOptionMap, connectorSecrets } from "./secrets.js";
import type { RelationEntry } from "./catalog/index.js";
import { ChangeCollector, netChanges } from "./executor/index.js";
import { startDataflow } from "./continuous-query.js";
import {
  ConnectorOptions,
  FILE_CONNECTOR,
  FileSinkWriter,
  NATS_CONNECTOR,
  NATS_SINK_FORMATS,
  NatsSinkWriter,
  PG_CONNECTOR,
  PgSinkWriter,
  readFileFormat,
  readMessageFormat,
  readNatsOptions,
  readPgTarget,
  type SinkBatch,
  type SinkWriter,
} from "./connectors/index.js";
import { QueryContext, bindQuery } from "./planner/index.js";
import { Chunk, SqlError, SqlState, Types, formatValue, parseValue, type DataType, type StatementResult } from "./types/index.js";

const sinksOf = new WeakMap<Database, Set<Sink>>();
/** cluster mode: an epoch number is the log sequence times this plus its index among that message's epochs */
const EPOCHS_PER_MESSAGE = 1024;
/** cluster mode: how often a standby asks the target what it confirms written, ms */
const TRIM_EVERY_MS = 2000;
const FILE_SINK_OPTIONS = ["connector", "path", "format", "header", "delimiter", "null", "type", "rollover_interval_ms"];
const PG_SINK_OPTIONS = ["connector", "hostname", "host", "port", "username", "user", "password", "password_secret", "database", "dbname", "table", "type", "primary_key", "progress_table", "flush_interval_ms", "retry_max_ms"];

/** Writes what every sink of `db` has gathered (FLUSH); throws a sink's failure or a failed attempt. */
export async function flushSinks(db: Database): Promise<void> {
  for (const sink of sinksOf.get(db) ?? []) await sink.flush();
}

/** Rows of sage_catalog.sink_status. */
export function sinkStatusRows(db: Database): unknown[][] {
  const now = Date.now();
  return [...(sinksOf.get(db) ?? [])].map((s) => [
    s.entry.name,
    s.writer.connector,
    s.state,
    BigInt(s.pendingRows),
    s.oldestPendingAt === null ? 0n : BigInt(now - s.oldestPendingAt),
    BigInt(s.batchesWritten),
    BigInt(s.rowsWritten),
    BigInt(s.retries),
    BigInt(s.committedPosition),
    s.error?.message ?? s.lastFailure,
  ]);
}

export const SINK_STATUS_COLUMNS: { name: string; type: DataType }[] = [
  { name: "sink", type: Types.text },
  { name: "connector", type: Types.text },
  { name: "state", type: Types.text },
  { name: "pending_rows", type: Types.bigint },
  { name: "lag_ms", type: Types.bigint },
  { name: "batches_written", type: Types.bigint },
  { name: "rows_written", type: Types.bigint },
  { name: "retries", type: Types.bigint },
  { name: "log_position", type: Types.bigint },
  { name: "error", type: Types.text },
];

interface Pending {
  /** the log position being replayed when the change was re-made; null for a live change */
  replayed: number | null;
  /**
   * the log position that made it, as a checkpoint stores it: null for a live change at a position
   * a batch already cut covers (a clock's, made by no log record), which a restore always writes
   */
  at: number | null;
  /** the sink's input epochs counted from its creation */
  seq: number;
  chunk: Chunk;
}

/** What a checkpoint stores of an exactly-once sink: its epoch count and the changes not yet confirmed written. */
interface SinkCheckpoint {
  seq: number;
  pending: { at: number | null; seq: number; rows: (string | null)[][]; ops: number[] }[];
}

class Sink implements CheckpointedTask {
  private pending: Pending[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => void) | null = null;
  private backoffMs = 0;
  /** the batch whose write failed for a passing reason, to be tried again as it was */
  private failed: { batch: SinkBatch; taken: Pending[] } | null = null;
  private batchIds = 0;
  private nextAttemptAt = 0;
  /** a failure a retry cannot fix: the sink has stopped */
  error: SqlError | null = null;
  /** the last passing failure, while retrying */
  lastFailure: string | null = null;
  pendingRows = 0;
  oldestPendingAt: number | null = null;
  batchesWritten = 0;
  rowsWritten = 0;
  retries = 0;
  committedPosition = 0;
  private readonly unregister: () => void;
  /** a batch is being written */
  private busy = false;
  /** the batch being written: until it is confirmed, a checkpoint keeps its changes */
  private inFlight: { batch: SinkBatch; taken: Pending[] } | null = null;
  /** input epochs so far (numbers the epochs: NATS message ids) */
  private seq = 0;
  /** the log position the last cut batch covers */
  private cutUpTo = 0;
  private lastTrim = 0;

  constructor(
    private readonly db: Database,
    readonly entry: RelationEntry,
    readonly writer: SinkWriter,
    private readonly appendOnly: boolean,
    private readonly types: DataType[],
    flushMs: number,
    private readonly retryMaxMs = 30_000,
  ) {
    // an exactly-once writer's unconfirmed changes are part of each checkpoint
    this.unregister = writer.exactlyOnce ? db.addCheckpointedTask(entry.id, this) : () => undefined;
    this.timer = setInterval(() => {
      // one attempt at a time: a slow failure (a publish timing out) must not queue more behind it
      if (Date.now() >= this.nextAttemptAt && !this.busy) void this.flush().catch(() => undefined);
    }, flushMs);
    this.timer.unref();
  }

  get state(): string {
    return this.error ? "failed" : this.lastFailure ? "retrying" : "running";
  }

  setSource(unlisten: () => void): void {
    this.unlisten = unlisten;
  }

  /** cluster mode: where this coordinator is in the input log (also while its local log replays), else undefined */
  private clusterSequence(): number | undefined {
    const p = this.db.cluster.root.options.replicaPosition;
    return p === undefined ? undefined : (p.applying ?? p.seq);
  }

  /** Changes of one epoch. */
  accept(changes: Chunk | null): void {
    if (changes === null || changes.length === 0 || this.error) return;
    const replaying = this.db.isReplaying;
    if (replaying && !this.writer.exactlyOnce) return;
    const tag = this.clusterSequence();
    if (this.appendOnly && changes.ops?.some((o) => o < 0)) {
      this.error = new SqlError(SqlState.FeatureNotSupported, `sink "${this.entry.name}" is append-only, but its input deleted or updated a row`, {
        hint: this.writer.connector === FILE_CONNECTOR ? "Use type = 'changes' (the default), which writes each change with its __op." : "Use type = 'upsert' with a primary_key, or an input that only inserts.",
      });
      return;
    }
    if (tag !== undefined) {
      // every coordinator numbers the epoch alike, and the number is its position (strictly
      // increasing: an epoch after a batch was cut is never taken as covered by it); any
      // coordinator may have written it already
      this.seq = Math.max(this.seq + 1, tag * EPOCHS_PER_MESSAGE);
      this.pending.push({ replayed: this.seq, at: this.seq, seq: this.seq, chunk: changes });
    } else {
      const position = this.db.logPosition;
      this.pending.push({ replayed: replaying ? position : null, at: replaying || position > this.cutUpTo ? position : null, seq: ++this.seq, chunk: changes });
    }
    this.pendingRows += changes.length;
    this.oldestPendingAt ??= Date.now();
  }

  /** Hands the gathered changes to the writer as one batch (after any batch in flight). */
  flush(): Promise<void> {
    /** writes one batch; true when it was a failed batch tried again */
    const once = async (): Promise<boolean> => {
      if (this.error) throw this.error;
      if (this.db.isReplaying) return false; // the batch is cut once the log has replayed
      const tag = this.clusterSequence();
      if (tag !== undefined && !(this.db.cluster.root.replication?.leads() ?? false)) {
        // cluster mode, not the leader: only the leader writes
        await this.trim();
        return false;
      }
      const retried = this.failed !== null;
      // a batch that failed is tried again as it was (its commit may have happened, unseen: the
      // writer recognises its id), before anything gathered since
      let attempt = this.failed;
      if (attempt === null) {
        const taken = this.pending;
        if (taken.length === 0) return false;
        this.pending = [];
        const types = this.types;
        const batch: SinkBatch = {
          id: ++this.batchIds,
          upTo: tag !== undefined ? this.seq : this.db.logPosition,
          epochs: (committed) => taken.filter((p) => p.replayed === null || p.replayed > committed).map((p) => p.chunk),
          changes: (committed) => netChanges(types, batch.epochs(committed)),
          numbered: () => taken.map((p) => ({ seq: p.seq, chunk: p.chunk })),
        };
        this.cutUpTo = batch.upTo;
        attempt = { batch, taken };
      }
      const { batch, taken } = attempt;
      const upTo = batch.upTo;
      this.inFlight = attempt;
      try {
        await this.writer.write(batch);
      } catch (e) {
        this.inFlight = null;
        if (this.writer.retryable(e)) {
          // keep the batch; try it again later
          this.failed = attempt;
          this.retries++;
          this.lastFailure = e instanceof Error ? e.message : String(e);
          this.backoffMs = Math.min(this.retryMaxMs, this.backoffMs === 0 ? 100 : this.backoffMs * 2);
          this.nextAttemptAt = Date.now() + this.backoffMs;
          throw new SqlError("08006", `sink "${this.entry.name}" could not write (retrying in ${this.backoffMs} ms): ${this.lastFailure}`);
        }
        this.failed = null;
        this.error = e instanceof SqlError ? e : new SqlError(SqlState.IoError, String(e));
        throw this.error;
      }
      this.inFlight = null;
      this.failed = null;
      this.backoffMs = 0;
      this.lastFailure = null;
      this.batchesWritten++;
      this.committedPosition = upTo;
      for (const p of taken) this.rowsWritten += p.chunk.length;
      for (const p of taken) this.pendingRows -= p.chunk.length;
      this.oldestPendingAt = this.pending.length > 0 ? Date.now() : null;
      return retried;
    };
    // a retried batch succeeded: what gathered while it waited goes next
    const run = async () => {
      this.busy = true;
      try {
        if ((await once()) && this.pending.length > 0) await once();
      } finally {
        this.busy = false;
      }
    };
    this.writing = this.writing.catch(() => undefined).then(run);
    return this.writing;
  }

  /** Cluster mode, on a standby: drops the changes the target confirms written (all of them for a writer without progress). */
  private async trim(): Promise<void> {
    if (!this.writer.exactlyOnce) {
      this.drop(() => true);
      return;
    }
    if (this.pending.length === 0 || this.writer.confirmed === undefined || Date.now() - this.lastTrim < TRIM_EVERY_MS) return;
    this.lastTrim = Date.now();
    let confirmed: Awaited<ReturnType<NonNullable<SinkWriter["confirmed"]>>>;
    try {
      confirmed = await this.writer.confirmed();
    } catch {
      return; // the target away: try again later
    }
    if (confirmed === null) return;
    if ("position" in confirmed) this.drop((p) => p.at !== null && p.at <= confirmed.position);
    // the newest epoch found may be partly published: the writer skips what is there
    else this.drop((p) => p.seq < confirmed.epoch);
  }

  private drop(written: (p: Pending) => boolean): void {
    const kept: Pending[] = [];
    for (const p of this.pending) {
      if (written(p)) this.pendingRows -= p.chunk.length;
      else kept.push(p);
    }
    this.pending = kept;
    if (kept.length === 0) this.oldestPendingAt = null;
  }

  checkpointState(): SinkCheckpoint {
    const unconfirmed = [...((this.inFlight ?? this.failed)?.taken ?? []), ...this.pending];
    const pending = unconfirmed.map((p) => {
      const rows: (string | null)[][] = [];
      const ops: number[] = [];
      for (let i = 0; i < p.chunk.length; i++) {
        rows.push(p.chunk.row(i).map((v, c) => (v === null ? null : formatValue(this.types[c], v))));
        ops.push(p.chunk.op(i));
      }
      return { at: p.at, seq: p.seq, rows, ops };
    });
    return { seq: this.seq, pending };
  }

  /** Recovery: the changes the checkpoint had not seen written go first, as replayed changes (the writer skips what its target has). */
  restoreCheckpointState(state: unknown): void {
    const s = state as SinkCheckpoint;
    this.seq = s.seq;
    const restored: Pending[] = s.pending.map((p) => {
      const rows = p.rows.map((r) => r.map((v, c) => (v === null ? null : parseValue(this.types[c], v))));
      // an untagged change (made by no log record) is always written again
      return { replayed: p.at ?? Number.MAX_SAFE_INTEGER, at: p.at, seq: p.seq, chunk: Chunk.fromRows(this.types, rows, p.ops) };
    });
    for (const p of restored) this.pendingRows += p.chunk.length;
    if (restored.length > 0) this.oldestPendingAt ??= Date.now();
    this.pending = [...restored, ...this.pending];
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unlisten?.();
    this.unregister();
    sinksOf.get(this.db)?.delete(this);
    void this.writing.catch(() => undefined).then(() => this.writer.close());
  }
}

/** The sink's writer and settings from its WITH options; 22023 on an unknown or bad option. */
function sinkWriter(db: Database, name: string, options: Record<string, string>, columns: { name: string; type: DataType }[], st: A.CreateSinkStatement) {
  const o = new ConnectorOptions(options);
  const connector = o.raw("connector")?.value.trim().toLowerCase();
  if (connector === NATS_CONNECTOR) return natsSinkWriter(db, name, options, columns, st);
  const allowed = connector === FILE_CONNECTOR ? FILE_SINK_OPTIONS : connector === PG_CONNECTOR ? PG_SINK_OPTIONS : null;
  if (allowed === null) {
    throw new SqlError(SqlState.FeatureNotSupported, connector === undefined ? "CREATE SINK needs a connector" : `sink connector "${connector}" is not supported yet`, {
      hint: "Built-in: connector = 'file' (path = a directory, format = 'parquet' | 'csv' | 'json'), connector = 'postgres' (hostname, port, username, password, database, table), connector = 'nats' (servers, subject, stream).",
    });
  }
  const unknown = Object.keys(options).find((k) => !allowed.includes(k.toLowerCase()));
  if (unknown !== undefined) {
    throw new SqlError(SqlState.InvalidParameterValue, `unknown option "${unknown}" for a ${connector} sink`, { hint: `Options: ${allowed.slice(1).join(", ")}.` });
  }
  const names = columns.map((c) => c.name);
  const types = columns.map((c) => c.type);
  if (connector === FILE_CONNECTOR) {
    const path = o.raw("path")?.value;
    if (!path) throw new SqlError(SqlState.InvalidParameterValue, `option "path" is required for a file sink`, { hint: "Give the directory the files go to." });
    const dir = resolve(path);
    const format = readFileFormat({ format: "parquet", ...options }, dir, { header: true });
    const type = o.choice("type", ["changes", "append-only"], "changes");
    const flushMs = o.number("rollover_interval_ms", 1000, { min: 10, max: 86_400_000 });
    if (type !== "append-only" && names.includes("__op")) throw new SqlError(SqlState.DuplicateColumn, `a changes sink adds column "__op", and its input already has one`);
    return { writer: new FileSinkWriter(dir, format, type === "append-only", names, types), appendOnly: type === "append-only", flushMs, retryMaxMs: 30_000, prepare: () => mkdirSync(dir, { recursive: true }) };
  }
  const target = readPgTarget(o, connectorSecrets(db, options));
  const table = o.raw("table")?.value.trim();
  if (!table) throw new SqlError(SqlState.InvalidParameterValue, `option "table" is required for a postgres sink`, { hint: "Name the target table, e.g. table = 'public.orders_summary' (created if missing)." });
  const type = o.choice("type", ["upsert", "append-only"], undefined);
  const pk = o.raw("primary_key")?.value;
  let key: number[] = [];
  if (type === "upsert") {
    if (!pk) throw new SqlError(SqlState.InvalidParameterValue, `a postgres sink of type 'upsert' needs option "primary_key"`, { hint: `Name the key columns, e.g. primary_key = '${names[0] ?? "id"}'.` });
    key = pk.split(",").map((k) => {
      const i = names.findIndex((n) => n.toLowerCase() === k.trim().toLowerCase());
      if (i < 0) throw new SqlError(SqlState.UndefinedColumn, `primary_key column "${k.trim()}" is not a column of sink "${name}"`, { hint: `Columns: ${names.join(", ")}.` });
      return i;
    });
  }
  const flushMs = o.number("flush_interval_ms", 500, { min: 10, max: 86_400_000 });
  const retryMaxMs = o.number("retry_max_ms", 30_000, { min: 10, max: 3_600_000 });
  const progressTable = o.string("progress_table", "sage_sink_progress");
  // cluster mode: the instance every coordinator names alike owns the progress row
  const instance = db.cluster.root.options.replicaPosition !== undefined ? markInstance(db, st) : undefined;
  const writer = new PgSinkWriter({ target, table, upsert: type === "upsert", key, progressTable, sinkName: name, fresh: !db.isReplaying, ...(instance !== undefined ? { instance: `sage-sink-instance ${instance}` } : {}) }, names, types);
  return { writer, appendOnly: type === "append-only", flushMs, retryMaxMs, prepare: () => undefined };
}

const INSTANCE_MARK = / ?\/\* sage-sink-instance ([0-9a-z]+) \*\//;

/**
 * Names the sink's instance in its statement text (which the log keeps), when it is created now
 * (not replayed); returns the instance named. Single node: a random name. Cluster mode: `c` and
 * the input-log sequence of the CREATE SINK, which every coordinator applies at the same sequence,
 * so all of them name it alike (message ids, the Postgres progress row's owner).
 */
function markInstance(db: Database, st: A.CreateSinkStatement): string | undefined {
  if (st.text === undefined) return undefined;
  if (db.isReplaying) return INSTANCE_MARK.exec(st.text)?.[1];
  const p = db.cluster.root.options.replicaPosition;
  const instance = p !== undefined ? `c${(p.applying ?? p.seq).toString(36)}` : `${Date.now().toString(36)}${randomBytes(4).toString("hex")}`;
  // inside the statement (after CREATE SINK), so that the replayed statement's text keeps it
  st.text = st.text.replace(INSTANCE_MARK, "").replace(/^\s*CREATE\s+SINK\b/i, (m) => `${m} /* sage-sink-instance ${instance} */`);
  return instance;
}

/**
 * The NATS sink's writer from its options and FORMAT. A sink created now (not replayed) gets a
 * comment naming this instance put into its statement text, which the log keeps: its message ids
 * (which hash the definition) differ from those of a dropped sink of the same name and
 * definition, whose messages must not be taken as sent.
 */
function natsSinkWriter(db: Database, name: string, options: Record<string, string>, columns: { name: string; type: DataType }[], st: A.CreateSinkStatement) {
  const nats = readNatsOptions(options, "sink", ["format", "flush_interval_ms", "retry_max_ms"]);
  const format = readMessageFormat(st.format?.format ?? options.format, NATS_SINK_FORMATS, "sink");
  const o = new ConnectorOptions(options);
  const flushMs = o.number("flush_interval_ms", 20, { min: 10, max: 86_400_000 });
  const retryMaxMs = o.number("retry_max_ms", 2000, { min: 10, max: 3_600_000 });
  markInstance(db, st);
  const writer = new NatsSinkWriter(name, st.text ?? "", { ...nats, stream: nats.stream! /* readNatsOptions requires it for a sink */ }, columns, format);
  return { writer, appendOnly: false, flushMs, retryMaxMs, prepare: () => undefined };
}

export function createSink(session: Session, st: A.CreateSinkStatement, sql: string): StatementResult {
  const db = session.db;
  const cat = db.catalog;
  const { schema, name } = cat.schemaFor(st.name.parts);
  if (cat.nameTaken(schema, name)) {
    if (st.ifNotExists) return { ...commandResult("CREATE SINK"), notices: [`relation "${name}" already exists, skipping`] };
    throw new SqlError(SqlState.DuplicateTable, `relation "${name}" already exists`, { position: st.name.pos });
  }
  const options = connectorOptionMap(st.with);

  // what the sink reads: a stored relation's changes, or a query's (a plain view is a query)
  const from = st.from ? cat.getRelation(st.from.parts, st.from.pos) : undefined;
  if (from?.kind === "sink") throw new SqlError(SqlState.WrongObjectType, `cannot create a sink from sink "${from.name}"`, { position: st.pos });
  const env = session.binderEnv(sql);
  const stored = from !== undefined && from.kind !== "view" && from.kind !== "system";
  const query: A.Query | undefined = stored
    ? undefined
    : (st.query ?? { kind: "query", body: { kind: "select", items: [{ expr: { kind: "star" } as A.Expr }], from: [{ kind: "table", name: st.from! }], groupBy: [], windows: [] }, orderBy: [] });
  const bound = query ? bindQuery(query, new QueryContext(env)) : undefined;
  const columns = from && stored ? from.columns.map((c) => ({ ...c })) : bound!.names.map((n, i) => ({ name: n, type: bound!.types[i].id === "unknown" ? Types.text : bound!.types[i], notNull: false }));
  let made: ReturnType<typeof sinkWriter>;
  try {
    made = sinkWriter(db, name, options, columns, st);
  } catch (e) {
    if (e instanceof SqlError && e.position === undefined) e.position = st.pos;
    throw e;
  }
  made.prepare();

  const entry: RelationEntry = { id: cat.newId("k"), kind: "sink", schema, name, columns, definition: st.text, options, dependsOn: stored ? [from!.id] : [...env.readRelations] };
  const types = columns.map((c) => c.type);
  const sink = new Sink(db, entry, made.writer, made.appendOnly, types, made.flushMs, made.retryMaxMs);
  cat.addRelation(entry);
  if (stored) {
    // the relation's current rows first, then its changes as they commit
    if (db.relation(from!.id).entry.retain !== false && (!db.isReplaying || made.writer.exactlyOnce)) {
      for (const chunk of db.relation(from!.id).store.scan(columns.map((_, i) => i))) sink.accept(chunk);
    }
    sink.setSource(db.streams.listen(from!.id, (changes) => sink.accept(changes)));
  } else {
    const plan = continuousPlan(session, bound!.plan, false);
    const collector = new ChangeCollector(plan.types, (changes) => sink.accept(changes));
    startDataflow(db, entry.id, plan, session.executionContext([]), collector);
    sink.setSource(() => db.streams.remove(entry.id));
  }
  db.attachTask(entry.id, sink);
  let set = sinksOf.get(db);
  if (!set) sinksOf.set(db, (set = new Set()));
  set.add(sink);
  return commandResult("CREATE SINK");
}
