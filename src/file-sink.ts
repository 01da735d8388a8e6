// CREATE SINK name FROM relation | AS query WITH (connector = ..., ...): createSink wires a
// relation's or query's changes to a SinkWriter of the connector (files here, NATS in nats-sink.ts).
//
// connector = 'file' (path = '/dir', format = ...): the changes of a materialized view (or table, stream, or query) written to rolling files in a
// directory. Changes are gathered and, every `rollover_interval_ms` (and at FLUSH), their net
// effect is written as one new file, under a hidden temporary name renamed into place, so every
// file is complete when it appears (a file source may watch the directory). Files are named
// part-<ms>-<seq>.<ext> and sort in the order they were written.
//
// type = 'changes' (default) adds a column __op: 1 for an inserted row, -1 for a deleted one (an
// update is both); summing __op per row over all files gives the relation's current contents.
// type = 'append-only' writes the rows alone and fails the sink on a deletion.
//
// A sink created over an existing relation starts with its current rows. After a restart the sink
// continues with new changes: changes accepted but not yet written when the process died (at most
// one rollover interval) are not rewritten.

import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type * as A from "./parser/index.js";
import type { Database } from "./database.js";
import type { Session } from "./session.js";
import { commandResult } from "./session.js";
import { continuousPlan, optionMap } from "./ddl.js";
import type { RelationEntry } from "./catalog/index.js";
import { ChangeCollector, netChanges } from "./executor/index.js";
import { startDataflow } from "./continuous-query.js";
import { ConnectorOptions, FILE_CONNECTOR, NATS_CONNECTOR, readFileFormat, writeFile, type FileFormat } from "./connectors/index.js";
import type { SinkWriter } from "./sink-writer.js";
import { flushNatsSinks, prepareNatsSink } from "./nats-sink.js";
import { QueryContext, bindQuery } from "./planner/index.js";
import { Chunk, Column, SqlError, SqlState, Types, type DataType, type StatementResult } from "./types/index.js";

const sinksOf = new WeakMap<Database, Set<FileSink>>();
const FILE_SINK_OPTIONS = ["connector", "path", "format", "header", "delimiter", "null", "type", "rollover_interval_ms"];

/** Writes what every file sink of `db` has gathered (FLUSH), and waits for the NATS sinks; throws a sink's failure. */
export async function flushFileSinks(db: Database): Promise<void> {
  for (const sink of sinksOf.get(db) ?? []) await sink.flush();
  await flushNatsSinks(db);
}

class FileSink implements SinkWriter {
  private pending: Chunk[] = [];
  private seq = 0;
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => void) | null = null;
  error: SqlError | null = null;
  filesWritten = 0;

  constructor(
    private readonly db: Database,
    readonly entry: RelationEntry,
    private readonly dir: string,
    private readonly format: FileFormat,
    private readonly appendOnly: boolean,
    private readonly types: DataType[],
    rolloverMs: number,
  ) {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), rolloverMs);
    this.timer.unref();
  }

  setSource(unlisten: () => void): void {
    this.unlisten = unlisten;
  }

  /** Changes of one epoch (ignored while the log replays: they were written before the restart). */
  accept(changes: Chunk | null): void {
    if (changes === null || changes.length === 0 || this.db.isReplaying || this.error) return;
    if (this.appendOnly && changes.ops?.some((o) => o < 0)) {
      this.error = new SqlError(SqlState.FeatureNotSupported, `sink "${this.entry.name}" is append-only, but its input deleted or updated a row`, {
        hint: "Use type = 'changes' (the default), which writes each change with its __op.",
      });
      return;
    }
    this.pending.push(changes);
  }

  /** Writes the gathered changes as one new file (after any write in progress). */
  flush(): Promise<void> {
    const run = async () => {
      if (this.error) throw this.error;
      const chunks = this.pending;
      this.pending = [];
      if (chunks.length === 0) return;
      const net = netChanges(this.types, chunks);
      if (net === null || net.length === 0) return;
      const names = this.entry.columns.map((c) => c.name);
      let out = net;
      const types = [...this.types];
      if (!this.appendOnly) {
        const ops = new Int32Array(net.length);
        for (let i = 0; i < net.length; i++) ops[i] = net.op(i);
        out = new Chunk([...net.columns, new Column(Types.smallint, ops, null, net.length)], net.length);
        names.push("__op");
        types.push(Types.smallint);
      }
      const ext = this.format.format;
      const file = `${this.dir}/part-${Date.now()}-${String(++this.seq).padStart(6, "0")}.${ext}`;
      try {
        await writeFile(file, this.format, { names, types }, [out.withOps(null)]);
        this.filesWritten++;
      } catch (e) {
        this.error = e instanceof SqlError ? e : new SqlError(SqlState.IoError, String(e));
        throw this.error;
      }
    };
    this.writing = this.writing.catch(() => undefined).then(run);
    return this.writing;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unlisten?.();
    sinksOf.get(this.db)?.delete(this);
  }
}

export function createSink(session: Session, st: A.CreateSinkStatement, sql: string): StatementResult {
  const db = session.db;
  const cat = db.catalog;
  const { schema, name } = cat.schemaFor(st.name.parts);
  if (cat.nameTaken(schema, name)) {
    if (st.ifNotExists) return { ...commandResult("CREATE SINK"), notices: [`relation "${name}" already exists, skipping`] };
    throw new SqlError(SqlState.DuplicateTable, `relation "${name}" already exists`, { position: st.name.pos });
  }
  const options = optionMap(st.with);
  const o = new ConnectorOptions(options);
  const connector = o.raw("connector")?.value.trim().toLowerCase();
  let makeWriter: (entry: RelationEntry, types: DataType[]) => SinkWriter;
  if (connector === NATS_CONNECTOR) makeWriter = prepareNatsSink(db, options, st.format?.format, st);
  else if (connector === FILE_CONNECTOR) makeWriter = prepareFileSink(db, options, st);
  else {
    throw new SqlError(SqlState.FeatureNotSupported, connector === undefined ? "CREATE SINK needs a connector" : `sink connector "${connector}" is not supported yet`, {
      position: st.pos,
      hint: "Built-in: connector = 'file' (path = a directory, format = 'parquet' | 'csv' | 'json'), connector = 'nats' (servers, subject, stream).",
    });
  }

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

  const entry: RelationEntry = { id: cat.newId("k"), kind: "sink", schema, name, columns, definition: st.text, options, dependsOn: stored ? [from!.id] : [...env.readRelations] };
  const types = columns.map((c) => c.type);
  const sink = makeWriter(entry, types);
  cat.addRelation(entry);
  if (stored) {
    // the relation's current rows first, then its changes as they commit
    if ((!db.isReplaying || sink.replaysChanges) && db.relation(from!.id).entry.retain !== false) {
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
  return commandResult("CREATE SINK");
}

/** The file connector's options, checked; returns what makes the sink once its columns are known. */
function prepareFileSink(db: Database, options: Record<string, string>, st: A.CreateSinkStatement): (entry: RelationEntry, types: DataType[]) => SinkWriter {
  const o = new ConnectorOptions(options);
  const unknown = Object.keys(options).find((k) => !FILE_SINK_OPTIONS.includes(k.toLowerCase()));
  if (unknown !== undefined) {
    throw new SqlError(SqlState.InvalidParameterValue, `unknown option "${unknown}" for a file sink`, { hint: `Options: ${FILE_SINK_OPTIONS.slice(1).join(", ")}.` });
  }
  const path = o.raw("path")?.value;
  if (!path) throw new SqlError(SqlState.InvalidParameterValue, `option "path" is required for a file sink`, { hint: "Give the directory the files go to." });
  const dir = resolve(path);
  const format = readFileFormat({ format: "parquet", ...options }, dir, { header: true });
  const type = o.choice("type", ["changes", "append-only"], "changes");
  const rolloverMs = o.number("rollover_interval_ms", 1000, { min: 10, max: 86_400_000 });
  return (entry, types) => {
    if (!(type === "append-only") && entry.columns.some((c) => c.name === "__op")) {
      throw new SqlError(SqlState.DuplicateColumn, `a changes sink adds column "__op", and its input already has one`, { position: st.pos });
    }
    mkdirSync(dir, { recursive: true });
    const sink = new FileSink(db, entry, dir, format, type === "append-only", types, rolloverMs);
    let set = sinksOf.get(db);
    if (!set) sinksOf.set(db, (set = new Set()));
    set.add(sink);
    return sink;
  };
}
