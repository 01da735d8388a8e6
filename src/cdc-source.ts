// Postgres CDC: CREATE SOURCE pg WITH (connector = 'postgres-cdc', hostname, port, username,
// password, database, slot, publication) then CREATE TABLE orders (..., PRIMARY KEY (id)) FROM pg
// TABLE 'public.orders': a table mirrored from a live PostgreSQL through logical replication
// (pgoutput). One slot feeds every table of the source.
//
// A table starts with a snapshot of its upstream rows (one REPEATABLE READ read while the stream
// is paused), then follows the stream, skipping the transactions that snapshot already includes
// (by xid, against pg_current_snapshot()), so its rows move from one consistent upstream state to
// the next. Changes are applied by primary key (an INSERT or UPDATE replaces the key's row, a
// DELETE removes it), so even applying a change twice converges to the upstream state.
//
// Durability: whole upstream transactions are applied in batches; a batch's rows are logged as
// `write` records, then a `source` record with the end LSN of its last transaction. Checkpoints
// store the LSN up to which changes are applied and each table's snapshot state (position()), in
// the same synchronous step as the rows themselves; only once such a checkpoint is durable is its
// LSN acknowledged to Postgres (checkpointCommitted: the slot's confirmed_flush_lsn never passes
// the last committed checkpoint, and the slot keeps everything after it). After a crash the
// checkpoint restores the rows and its LSN, the log after it restores the rows and LSNs logged
// since, and the stream restarts at the last of those; transactions at or before it are skipped:
// no gap, no duplicate. (In memory, with no checkpoints, an applied batch is acknowledged at once.)

import type * as A from "./parser/index.js";
import type { Database } from "./database.js";
import type { Session } from "./session.js";
import { commandResult } from "./session.js";
import { executeDdl } from "./ddl.js";
import { connectorOptionMap, connectorSecrets } from "./secrets.js";
import type { RelationEntry } from "./catalog/index.js";
import {
  CDC_CONNECTOR,
  ConnectorOptions,
  ReplicationStream,
  UNCHANGED,
  checkUpstreamTable,
  formatLsn,
  parseLsn,
  prepareUpstream,
  readCdcOptions,
  readSnapshot,
  snapshotIncludes,
  type CdcConfig,
  type PgOutputMessage,
  type RelationMessage,
  type TupleValue,
} from "./connectors/index.js";
import type { SourceRecord, SourceTask } from "./source-task.js";
import { SqlError, SqlState, parseValue, type StatementResult } from "./types/index.js";

/** how long completed upstream transactions gather before they are applied and logged together */
const BATCH_MS = 20;
const BATCH_CHANGES = 20_000;
const RETRY_MAX_MS = 10_000;

type Change =
  | { kind: "upsert"; relid: number; old: TupleValue[] | null; row: TupleValue[] }
  | { kind: "delete"; relid: number; old: TupleValue[] }
  | { kind: "truncate"; relids: number[] };

interface MirrorTable {
  relation: string;
  /** our column index → upstream column position, per upstream relation message */
  positions: number[] | null;
  /** the upstream snapshot its initial rows were read in: transactions it includes are skipped */
  snapshot: string | null;
  /** its snapshot has been loaded (or is being loaded); false after a crash mid-snapshot */
  loaded: boolean;
  /** its snapshot is being read: a checkpoint now holds part of it, so records it as not loaded */
  loading: boolean;
}

/** What a checkpoint stores of a CDC source: its LSN, and per upstream table its snapshot state. */
interface CdcPosition {
  lsn: string;
  /** rows produced so far (sage_catalog.sources) */
  produced: number;
  tables: Record<string, { loaded: boolean; snapshot: string | null }>;
}

export class CdcSource implements SourceTask {
  /** upstream "schema.table" → mirror */
  private readonly tables = new Map<string, MirrorTable>();
  /** upstream relation oid → its last Relation message */
  private readonly relations = new Map<number, RelationMessage>();
  private stream: ReplicationStream | null = null;
  /** the end LSN of the last upstream transaction applied and logged */
  private lsn = 0n;
  /** the LSN of the last durable checkpoint: what the slot is told it may let go */
  private confirmed = 0n;
  private current: { xid: number; changes: Change[] } | null = null;
  private completed: { endLsn: bigint; xid: number; changes: Change[] }[] = [];
  private completedChanges = 0;
  private paused = 0;
  private queue: PgOutputMessage[] = [];
  private timer: NodeJS.Timeout | null = null;
  private retryMs = 0;
  private stopped = false;
  private started = false;
  private produced = 0;
  exhausted = false;
  error: string | null = null;

  constructor(
    private readonly db: Database,
    readonly relation: string,
    readonly config: CdcConfig,
  ) {}

  get rowsProduced(): number {
    return this.produced;
  }

  /** the end LSN of the last upstream transaction applied and logged (and acknowledged) */
  get upstreamPosition(): string {
    return formatLsn(this.lsn);
  }

  position(): CdcPosition {
    const tables: CdcPosition["tables"] = {};
    for (const [up, t] of this.tables) tables[up] = { loaded: t.loaded && !t.loading, snapshot: t.loading ? null : t.snapshot };
    return { lsn: formatLsn(this.lsn), produced: this.produced, tables };
  }

  restorePosition(position: unknown): void {
    const p = position as CdcPosition;
    this.lsn = parseLsn(p.lsn);
    this.confirmed = this.lsn;
    this.produced = p.produced ?? 0;
    for (const [up, t] of this.tables) {
      const saved = p.tables[up];
      // a table the checkpoint has no finished snapshot of is loaded again (emptied first)
      t.loaded = saved?.loaded ?? false;
      t.snapshot = saved?.loaded ? saved.snapshot : null;
    }
  }

  checkpointCommitted(position: unknown): void {
    const l = parseLsn((position as CdcPosition).lsn);
    if (l <= this.confirmed) return;
    this.confirmed = l;
    this.stream?.acknowledge(l);
  }

  replay(rec: SourceRecord): void {
    this.produced += rec.n;
    if (rec.snapshot !== undefined) {
      // by upstream name: relation ids written before a checkpoint may differ from this run's
      const up = rec.snapshot.upstream;
      const t = up !== undefined ? this.tables.get(up) : [...this.tables.values()].find((m) => m.relation === rec.snapshot!.table);
      if (t) {
        t.snapshot = rec.snapshot.at;
        t.loaded = true;
      }
    }
    if (rec.lsn !== undefined) {
      const l = parseLsn(rec.lsn);
      if (l > this.lsn) this.lsn = l;
    }
  }

  /** A mirror table; `loaded`: its snapshot is loaded by the caller (false while the log replays: its record says). */
  addTable(upstream: string, relation: string, loaded: boolean): void {
    this.tables.set(normalName(upstream), { relation, positions: null, snapshot: null, loaded, loading: false });
    for (const r of this.relations.values()) this.mapRelation(r);
    this.db.whenRecovered(() => this.start());
  }

  removeTable(relation: string): void {
    for (const [k, t] of this.tables) if (t.relation === relation) this.tables.delete(k);
  }

  /** Streams from the last logged LSN (once; reconnects after a failure with backoff). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    // anything not yet applied is streamed again from the last logged LSN
    this.current = null;
    this.completed = [];
    this.completedChanges = 0;
    // a table whose snapshot a crash interrupted is loaded again (emptied first) before streaming
    const unloaded = [...this.tables].filter(([, t]) => !t.loaded);
    if (unloaded.length > 0) {
      void (async () => {
        for (const [up, t] of unloaded) await this.snapshot(up, t.relation, true);
      })().then(
        () => this.connect(),
        (e: Error) => this.retry(`cannot load the snapshot: ${e.message}`),
      );
      return;
    }
    const stream = new ReplicationStream(this.config.target, this.config.slot, this.config.publication, (m) => this.onMessage(m), (e) => {
      if (this.stream !== stream || this.stopped) return;
      this.stream = null;
      this.retry(e ? `replication stream ended: ${e.message}` : "replication stream ended");
    });
    this.stream = stream;
    stream.start(this.lsn, this.db.checkpoints ? this.confirmed : this.lsn).then(
      () => {
        this.retryMs = 0;
        this.error = null;
      },
      (e: Error) => {
        if (this.stream !== stream) return;
        this.stream = null;
        this.retry(`cannot start replication from slot "${this.config.slot}": ${e.message}`);
      },
    );
  }

  /** Connects again after a backoff; the error shows in sage_catalog.sources meanwhile. */
  private retry(error: string): void {
    if (this.stopped) return;
    this.error = error;
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs === 0 ? 200 : this.retryMs * 2);
    setTimeout(() => this.connect(), this.retryMs).unref();
  }

  private onMessage(m: PgOutputMessage): void {
    if (this.paused > 0) this.queue.push(m);
    else this.handle(m);
  }

  private handle(m: PgOutputMessage): void {
    switch (m.tag) {
      case "begin":
        this.current = { xid: m.xid, changes: [] };
        return;
      case "relation":
        this.relations.set(m.relid, m);
        this.mapRelation(m);
        return;
      case "insert":
        this.current?.changes.push({ kind: "upsert", relid: m.relid, old: null, row: m.row });
        return;
      case "update":
        this.current?.changes.push({ kind: "upsert", relid: m.relid, old: m.old, row: m.row });
        return;
      case "delete":
        this.current?.changes.push({ kind: "delete", relid: m.relid, old: m.old });
        return;
      case "truncate":
        this.current?.changes.push({ kind: "truncate", relids: m.relids });
        return;
      case "commit": {
        const txn = this.current;
        this.current = null;
        if (txn === null || m.endLsn <= this.lsn) return; // applied before a restart
        const changes = txn.changes;
        this.completed.push({ endLsn: m.endLsn, xid: txn.xid, changes });
        this.completedChanges += changes.length;
        if (this.completedChanges >= BATCH_CHANGES) this.applyCompleted();
        else if (this.timer === null) {
          this.timer = setTimeout(() => this.applyCompleted(), BATCH_MS);
          this.timer.unref();
        }
        return;
      }
      default:
        return;
    }
  }

  private mapRelation(r: RelationMessage): void {
    const t = this.tables.get(normalName(`${r.schema}.${r.name}`));
    if (!t) return;
    const cols = this.db.relation(t.relation).entry.columns;
    t.positions = cols.map((c) => r.columns.findIndex((u) => u.name === c.name));
  }

  private tableOf(relid: number): MirrorTable | undefined {
    const r = this.relations.get(relid);
    return r ? this.tables.get(normalName(`${r.schema}.${r.name}`)) : undefined;
  }

  /** Applies the completed transactions (by key), logs them with their LSN, then acknowledges it. */
  private applyCompleted(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.completed;
    this.completed = [];
    this.completedChanges = 0;
    if (batch.length === 0 || this.stopped) return;
    try {
      const edits = new Map<string, TableEdit>();
      const edit = (t: MirrorTable) => {
        let e = edits.get(t.relation);
        if (!e) edits.set(t.relation, (e = new TableEdit(this.db, t.relation)));
        return e;
      };
      for (const txn of batch) {
        for (const ch of txn.changes) {
          if (ch.kind === "truncate") {
            for (const relid of ch.relids) {
              const t = this.tableOf(relid);
              if (t && !(t.snapshot && snapshotIncludes(t.snapshot, txn.xid))) edit(t).truncate();
            }
            continue;
          }
          const t = this.tableOf(ch.relid);
          if (!t || !t.positions) continue;
          if (t.snapshot && snapshotIncludes(t.snapshot, txn.xid)) continue; // already in its snapshot
          const pick = (tuple: TupleValue[]) => t.positions!.map((p) => (p < 0 ? null : tuple[p]));
          if (ch.kind === "delete") edit(t).delete(pick(ch.old));
          else edit(t).upsert(ch.old ? pick(ch.old) : null, pick(ch.row));
        }
      }
      const endLsn = batch[batch.length - 1].endLsn;
      let n = 0;
      for (const e of edits.values()) n += e.commit();
      this.db.log([{ t: "source", rel: this.relation, n, lsn: formatLsn(endLsn) }]);
      this.lsn = endLsn;
      this.produced += n;
      // with checkpoints, the LSN is acknowledged once a checkpoint holding it is durable
      if (!this.db.checkpoints) this.stream?.acknowledge(endLsn);
    } catch (e) {
      // a row we cannot take (a value our type refuses): stop rather than skip it silently
      this.error = e instanceof Error ? e.message : String(e);
      this.exhausted = true;
      this.stop();
    }
  }

  /** The initial rows of a table just created FROM this source, read while the stream waits. */
  async snapshot(upstream: string, relation: string, again = false): Promise<number> {
    this.paused++;
    const t = this.tables.get(normalName(upstream));
    if (t) {
      t.loaded = true;
      t.loading = true;
    }
    try {
      const entry = this.db.relation(relation).entry;
      let n = 0;
      let first = true;
      const { snapshot } = await readSnapshot(this.config, upstream, entry.columns.map((c) => c.name), (rows) => {
        const e = new TableEdit(this.db, relation);
        if (first && again) e.truncate(); // what a crash left of an earlier load
        first = false;
        for (const r of rows) e.upsert(null, r);
        n += e.commit();
      });
      if (t) {
        t.snapshot = snapshot;
        t.loading = false;
      }
      this.db.log([{ t: "source", rel: this.relation, n, snapshot: { table: relation, at: snapshot, upstream: normalName(upstream) } }]);
      this.produced += n;
      return n;
    } catch (e) {
      if (t) {
        t.loaded = false;
        t.loading = false;
      }
      throw e;
    } finally {
      this.paused--;
      if (this.paused === 0) for (const m of this.queue.splice(0)) this.handle(m);
    }
  }

  /** never started in cluster mode (executeCdcStatement refuses the source there) */
  halt(): void {}

  applyReplicated(): void {
    throw new SqlError(SqlState.FeatureNotSupported, "a postgres-cdc source does not run in cluster mode");
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stream?.close();
    this.stream = null;
  }
}

/** One batch's changes to one mirror table, by primary key; commit() writes, logs and publishes them. */
class TableEdit {
  private readonly stored;
  private readonly key: number[];
  /** key → the key's row after the batch (null: deleted) */
  private readonly rows = new Map<string, unknown[] | null>();
  private truncated = false;

  constructor(
    private readonly db: Database,
    private readonly relation: string,
  ) {
    this.stored = db.relation(relation);
    this.key = this.stored.entry.primaryKey ?? [];
  }

  private parse(values: TupleValue[], base: unknown[] | null): unknown[] {
    const cols = this.stored.entry.columns;
    return values.map((v, c) => (v === UNCHANGED ? (base ? base[c] : null) : v === null ? null : parseValue(cols[c].type, v)));
  }

  private keyText(values: TupleValue[]): string {
    return JSON.stringify(this.key.map((c) => values[c]));
  }

  /** The key's row now: as this batch left it, or as stored. */
  private currentRow(values: TupleValue[]): unknown[] | null {
    const k = this.keyText(values);
    if (this.rows.has(k)) return this.rows.get(k)!;
    if (this.truncated) return null;
    const probe = this.parse(values.map((v, c) => (this.key.includes(c) ? v : null)), null);
    const id = this.stored.rowIdForKey(probe);
    return id === undefined ? null : this.stored.store.row(id);
  }

  upsert(old: TupleValue[] | null, values: TupleValue[]): void {
    const k = this.keyText(values);
    // an unchanged TOAST value keeps what the row had
    const base = values.includes(UNCHANGED) ? this.currentRow(old ?? values) : null;
    if (old && this.key.some((c) => old[c] !== null) && this.keyText(old) !== k) this.rows.set(this.keyText(old), null);
    this.rows.set(k, this.parse(values, base));
  }

  delete(old: TupleValue[]): void {
    this.rows.set(this.keyText(old), null);
  }

  truncate(): void {
    this.rows.clear();
    this.truncated = true;
  }

  /** Writes the batch (deleting each touched key's stored row, inserting its new one); returns the rows changed. */
  commit(): number {
    const deletes: number[] = [];
    if (this.truncated) {
      const store = this.stored.store;
      for (let id = 0; id < store.highWaterMark; id++) if (store.isLive(id)) deletes.push(id);
    }
    const inserts: unknown[][] = [];
    for (const row of this.rows.values()) if (row !== null) inserts.push(row);
    if (!this.truncated) {
      for (const [k] of this.rows) {
        const keyVals = JSON.parse(k) as (string | null)[];
        const probe: TupleValue[] = new Array(this.stored.entry.columns.length).fill(null);
        this.key.forEach((c, i) => (probe[c] = keyVals[i]));
        const id = this.stored.rowIdForKey(this.parse(probe, null));
        if (id !== undefined) deletes.push(id);
      }
    }
    const change = this.stored.write(deletes, inserts);
    this.db.logWrite(this.relation, change.deletedIds, change.inserted);
    this.db.publishChanges(this.relation, change.inserted, change.deleted);
    return change.inserted.length + change.deleted.length;
  }
}

function normalName(name: string): string {
  const n = name.includes(".") ? name : `public.${name}`;
  return n.replace(/"/g, "");
}

const runners = new WeakMap<Database, Map<string, CdcSource>>();

export function isCdcStatement(st: A.Statement): boolean {
  return st.kind === "create_source" || (st.kind === "create_table" && st.fromSource !== undefined);
}

/** CREATE SOURCE ... (connector = 'postgres-cdc') and CREATE TABLE ... FROM source TABLE '...'. */
export async function executeCdcStatement(session: Session, st: A.Statement, sql: string): Promise<StatementResult> {
  const db = session.db;
  const cat = db.catalog;
  // its batches are upserts by key over several tables and its snapshot is read inside the DDL:
  // neither goes through the cluster's input log yet, so every coordinator would mirror on its own
  if (db.cluster.root.replication !== null) {
    throw new SqlError(SqlState.FeatureNotSupported, "postgres-cdc sources are not replicated in cluster mode yet", { position: st.pos, hint: "Run the CDC source on a single-node sage-sql, or feed the cluster through NATS or INSERT." });
  }
  if (st.kind === "create_source") {
    const { schema, name } = cat.schemaFor(st.name.parts);
    if (cat.nameTaken(schema, name)) {
      if (st.ifNotExists) return { ...commandResult("CREATE SOURCE"), notices: [`relation "${name}" already exists, skipping`] };
      throw new SqlError(SqlState.DuplicateTable, `relation "${name}" already exists`, { position: st.name.pos });
    }
    const options = connectorOptionMap(st.with);
    const o = new ConnectorOptions(options);
    const connector = o.raw("connector")?.value.trim().toLowerCase();
    if (connector !== CDC_CONNECTOR) {
      throw new SqlError(SqlState.FeatureNotSupported, connector === undefined ? "CREATE SOURCE needs a connector" : `CREATE SOURCE with connector "${connector}" is not supported`, {
        position: st.pos,
        hint: `CREATE SOURCE takes connector = '${CDC_CONNECTOR}'; generators and files feed a CREATE STREAM or CREATE TABLE WITH (connector = ...).`,
      });
    }
    if (st.columns.length > 0) throw new SqlError(SqlState.InvalidTableDefinition, "a postgres-cdc source has no columns of its own", { position: st.pos, hint: "Declare columns on each CREATE TABLE ... FROM source TABLE '...'." });
    const config = readCdcOptions(options, o, name, connectorSecrets(db, options));
    if (!db.isReplaying) await prepareUpstream(config);
    const entry: RelationEntry = { id: cat.newId("s"), kind: "source", schema, name, columns: [], definition: st.text, options };
    cat.addRelation(entry);
    const runner = new CdcSource(db, entry.id, config);
    db.registerSource(entry.id, runner);
    db.attachTask(entry.id, runner);
    let m = runners.get(db);
    if (!m) runners.set(db, (m = new Map()));
    m.set(entry.id, runner);
    if (st.text) db.log([{ t: "ddl", sql: st.text }]);
    return commandResult("CREATE SOURCE");
  }
  if (st.kind !== "create_table" || !st.fromSource) throw new SqlError(SqlState.InternalError, "not a CDC statement");
  const src = cat.getRelation(st.fromSource.source.parts, st.fromSource.source.pos);
  const runner = src.kind === "source" ? runners.get(db)?.get(src.id) : undefined;
  if (!runner) throw new SqlError(SqlState.WrongObjectType, `"${src.name}" is not a postgres-cdc source`, { position: st.fromSource.source.pos, hint: "CREATE SOURCE name WITH (connector = 'postgres-cdc', ...) first." });
  const hasKey = st.columns.some((c) => c.primaryKey) || st.constraints.some((c) => c.kind === "primary_key");
  if (!hasKey) {
    throw new SqlError(SqlState.InvalidTableDefinition, `a table mirrored from a CDC source needs a PRIMARY KEY`, {
      position: st.pos,
      hint: "Declare the upstream table's primary key, e.g. CREATE TABLE orders (id int, ..., PRIMARY KEY (id)) FROM pg TABLE 'public.orders'.",
    });
  }
  const upstream = st.fromSource.table;
  if (!db.isReplaying) await checkUpstreamTable(runner.config, upstream, st.columns.map((c) => c.name));
  const result = executeDdl(session, { ...st, fromSource: undefined }, sql);
  const { schema, name } = cat.schemaFor(st.name.parts);
  const entry = cat.findRelation([schema, name]);
  if (!entry) return result; // IF NOT EXISTS skipped it
  entry.dependsOn = [...(entry.dependsOn ?? []), src.id];
  entry.options = { ...(entry.options ?? {}), source: src.name, upstream };
  if (st.text) db.log([{ t: "ddl", sql: st.text }]);
  runner.addTable(upstream, entry.id, !db.isReplaying);
  // DROP TABLE: the stream stops feeding it
  db.attachTask(entry.id, { stop: () => runner.removeTable(entry.id) });
  if (!db.isReplaying) await runner.snapshot(upstream, entry.id);
  return result;
}
