// CREATE / DROP / TRUNCATE / ALTER: catalog changes and the storage that goes with them.

import type * as A from "./parser/index.js";
import type { ColumnSchema, RelationEntry, RelationKind } from "./catalog/index.js";
import { relationKindName } from "./catalog/index.js";
import { Materialize, compileExpr } from "./executor/index.js";
import { backfillDataflow, continuousQueriesUsingModel, startDataflow } from "./continuous-query.js";
import { runAsJob } from "./job-statements.js";
import { QueryContext, Scope, bindCondition, bindQuery, coerce, defaultExpr, bindExpr, toStreamingPlan, pruneColumns, withIntervalJoinCleanup, type PhysicalPlan } from "./planner/index.js";
import type { Session } from "./session.js";
import { commandResult } from "./session.js";
import type { StatementResult } from "./types/index.js";
import { StoredRelation } from "./stored-relation.js";
import { alter } from "./ddl-alter.js";
import { dropSecrets } from "./secrets.js";
import { createHnswIndex } from "./ddl-vector-index.js";
import { Chunk, Interval, SqlError, SqlState, Types, parseTypeName, parseValue, typeName, type DataType } from "./types/index.js";
import { FILE_CONNECTOR, GENERATOR_CONNECTORS, NATS_CONNECTOR, createGeneratorSource } from "./connectors/index.js";
import { prepareFileSource } from "./file-source-runner.js";
import { createSink } from "./sink.js";
import { prepareNatsSource } from "./nats-source-runner.js";
import { startSource } from "./replicated-source.js";
import { refuseWebhookConnector, startWebhookTable, webhookTableOptions } from "./webhook-table.js";
import { WatermarkGenerator } from "./watermark.js";
import { viewParallelism } from "./view-parallelism.js";
import { IdleWatermark, SourceRunner } from "./source-runner.js";

const DDL_KINDS = new Set(["create_table", "create_view", "create_index", "create_stream", "create_sink", "drop", "truncate", "alter", "create_schema"]);

export function isEowcStatement(st: A.CreateViewStatement): boolean {
  return st.emitOnWindowClose || isEowcQuery(st.query);
}

export function isDdl(st: A.Statement): boolean {
  return DDL_KINDS.has(st.kind);
}

export function executeDdl(session: Session, st: A.Statement, sql: string): StatementResult | Promise<StatementResult> {
  switch (st.kind) {
    case "create_table":
      return createTable(session, st, sql);
    case "create_stream":
      return createStream(session, st, sql);
    case "create_view":
      return createView(session, st, sql);
    case "create_index":
      return createIndex(session, st);
    case "create_sink":
      return createSink(session, st, sql);
    case "create_schema": {
      const cat = session.db.catalog;
      if (cat.schemas.has(st.name)) {
        if (st.ifNotExists) return { ...commandResult("CREATE SCHEMA"), notices: [`schema "${st.name}" already exists, skipping`] };
        throw new SqlError(SqlState.DuplicateObject, `schema "${st.name}" already exists`, { position: st.pos });
      }
      cat.schemas.add(st.name);
      return commandResult("CREATE SCHEMA");
    }
    case "drop":
      return drop(session, st);
    case "truncate": {
      for (const name of st.tables) {
        const rel = session.db.catalog.getRelation(name.parts, name.pos);
        if (rel.kind !== "table" && rel.kind !== "stream") throw new SqlError(SqlState.WrongObjectType, `"${rel.name}" is not a table`, { position: name.pos });
        const removed = session.db.relation(rel.id).truncate();
        session.db.publishChanges(rel.id, [], removed);
      }
      return commandResult("TRUNCATE TABLE");
    }
    case "alter":
      return alter(session, st, sql);
    default:
      throw new SqlError(SqlState.InternalError, `not a DDL statement: ${st.kind}`);
  }
}

function buildColumns(defs: A.ColumnDef[]): ColumnSchema[] {
  const seen = new Set<string>();
  const cols: ColumnSchema[] = [];
  for (const d of defs) {
    if (seen.has(d.name)) throw new SqlError(SqlState.DuplicateColumn, `column "${d.name}" specified more than once`, { position: d.pos });
    seen.add(d.name);
    const type = parseTypeName(d.type.name, d.type.modifiers, d.type.arrayDims);
    if (d.generated) throw new SqlError(SqlState.FeatureNotSupported, "generated columns are not supported yet", { position: d.pos });
    cols.push({ name: d.name, type, notNull: !!d.notNull || !!d.primaryKey, default: d.default });
  }
  return cols;
}

function checkDefaults(session: Session, entry: RelationEntry, sql: string): void {
  const env = session.binderEnv(sql);
  entry.columns.forEach((c, i) => {
    if (c.default !== undefined) defaultExpr(env, entry, i); // binds now so a bad DEFAULT fails at CREATE
  });
}

function createTable(session: Session, st: A.CreateTableStatement, sql: string): StatementResult {
  const cat = session.db.catalog;
  const { schema, name } = cat.schemaFor(st.name.parts);
  if (cat.nameTaken(schema, name)) {
    if (st.ifNotExists) return { ...commandResult("CREATE TABLE"), notices: [`relation "${name}" already exists, skipping`] };
    throw new SqlError(SqlState.DuplicateTable, `relation "${name}" already exists`, { position: st.name.pos });
  }
  if (st.fromSource) throw new SqlError(SqlState.FeatureNotSupported, "CREATE TABLE ... FROM source is not supported yet", { position: st.pos });
  const webhookOptions = webhookTableOptions(session.db, st.with);
  const tableOptions = webhookOptions ?? optionMap(st.with);
  const tableConnector = tableOptions.connector?.toLowerCase();
  if (tableConnector !== undefined && tableConnector !== FILE_CONNECTOR && !webhookOptions) throw new SqlError(SqlState.FeatureNotSupported, `tables with connector "${tableConnector}" are not supported yet`, { position: st.pos, hint: "Tables take connector = 'file' (loaded from files) or connector = 'webhook' (HTTP POSTs)." });
  const startFileSource = tableConnector === FILE_CONNECTOR ? prepareFileSource(session.db, tableOptions) : undefined;
  const notices: string[] = [];
  let columns: ColumnSchema[];
  let initialRows: unknown[][] = [];
  if (st.asQuery) {
    const env = session.binderEnv(sql);
    const q = bindQuery(st.asQuery, new QueryContext(env));
    columns = q.names.map((n, i) => ({ name: n, type: q.types[i].id === "unknown" ? { id: "text" } : q.types[i], notNull: false }));
    initialRows = session.runPlan(q.plan, []).flatMap((c) => c.rows());
  } else {
    columns = buildColumns(st.columns);
  }
  const colIndex = (n: string) => {
    const i = columns.findIndex((c) => c.name === n);
    if (i < 0) throw new SqlError(SqlState.UndefinedColumn, `column "${n}" named in key does not exist`, { position: st.pos });
    return i;
  };
  let primaryKey: number[] | undefined;
  const uniques: number[][] = [];
  const checks: { name: string; expr: A.Expr }[] = [];
  st.columns.forEach((d, i) => {
    if (d.primaryKey) {
      if (primaryKey) throw new SqlError(SqlState.InvalidTableDefinition, `multiple primary keys for table "${name}" are not allowed`, { position: d.pos });
      primaryKey = [i];
    }
    if (d.unique) uniques.push([i]);
    if (d.check) checks.push({ name: `${name}_${d.name}_check`, expr: d.check });
    if (d.references) notices.push(`foreign key on "${d.name}" is recorded but not enforced`);
  });
  for (const c of st.constraints) {
    if (c.kind === "primary_key") {
      if (primaryKey) throw new SqlError(SqlState.InvalidTableDefinition, `multiple primary keys for table "${name}" are not allowed`, { position: st.pos });
      primaryKey = c.columns.map(colIndex);
    } else if (c.kind === "unique") uniques.push(c.columns.map(colIndex));
    else if (c.kind === "check") checks.push({ name: c.name ?? `${name}_check${checks.length ? checks.length : ""}`, expr: c.expr });
    else notices.push("foreign keys are recorded but not enforced");
  }
  if (primaryKey) for (const i of primaryKey) columns[i] = { ...columns[i], notNull: true };
  if (st.watermarks.length) throw new SqlError(SqlState.FeatureNotSupported, "WATERMARK belongs on a STREAM", { position: st.pos });
  const entry: RelationEntry = { id: cat.newId("t"), kind: "table", schema, name, columns, primaryKey, uniques, definition: st.text };
  if (startFileSource || webhookOptions) entry.options = tableOptions;
  checkDefaults(session, entry, sql);
  const stored = new StoredRelation(entry);
  stored.checks = checks.map((c) => compileCheck(session, entry, c, sql));
  cat.addRelation(entry);
  session.db.addStored(stored);
  if (initialRows.length) stored.write([], initialRows);
  startFileSource?.(entry);
  if (webhookOptions) startWebhookTable(session.db, entry);
  if (webhookOptions) startWebhookTable(session.db, entry);
  return { command: st.asQuery ? "SELECT" : "CREATE TABLE", rowCount: initialRows.length, columns: [], rows: [], notices };
}

function compileCheck(session: Session, entry: RelationEntry, c: { name: string; expr: A.Expr }, sql: string) {
  const env = session.binderEnv(sql);
  const scope = new Scope(entry.columns.map((col, i) => ({ table: entry.name, name: col.name, type: col.type, index: i })));
  const bound = bindCondition(c.expr, { scope, ctx: new QueryContext(env), clause: "check constraints" });
  const kernel = compileExpr(bound);
  const types: DataType[] = entry.columns.map((col) => col.type);
  return {
    name: c.name,
    evaluate(rows: unknown[][]) {
      if (rows.length === 0) return [];
      const chunk = Chunk.fromRows(types, rows);
      const out = kernel(chunk, session.executionContext([]));
      return rows.map((_, i) => out.get(i));
    },
  };
}

/** WITH (...) options as text (SECRET references are not allowed here). */
export function optionMap(opts: A.WithOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of opts) {
    const v = o.value;
    if (v.kind === "secret") throw new SqlError(SqlState.FeatureNotSupported, `option "${o.key}" cannot take a SECRET here`, { position: o.pos });
    out[o.key.toLowerCase()] = v.kind === "boolean" ? String(v.value) : v.value;
  }
  return out;
}

function intervalMillis(text: string, option: string): number {
  const iv = parseValue(Types.interval, /^\s*\d+(\.\d+)?\s*$/.test(text) ? `${text} seconds` : text) as Interval;
  const ms = (iv.months * 30 * 86_400_000_000 + iv.days * 86_400_000_000 + iv.micros) / 1000;
  if (!(ms > 0)) throw new SqlError(SqlState.InvalidParameterValue, `invalid value for option "${option}": "${text}"`, { hint: "Give a positive interval, e.g. '5s' or '1 minute'." });
  return ms;
}

function createStream(session: Session, st: A.CreateStreamStatement, sql: string): StatementResult {
  const db = session.db;
  const cat = db.catalog;
  const { schema, name } = cat.schemaFor(st.name.parts);
  if (cat.nameTaken(schema, name)) {
    if (st.ifNotExists) return { ...commandResult("CREATE STREAM"), notices: [`relation "${name}" already exists, skipping`] };
    throw new SqlError(SqlState.DuplicateTable, `relation "${name}" already exists`, { position: st.name.pos });
  }
  refuseWebhookConnector(st.with, "stream");
  const options = optionMap(st.with);
  const connector = options.connector?.toLowerCase();
  if (connector !== undefined && !GENERATOR_CONNECTORS.includes(connector) && connector !== FILE_CONNECTOR && connector !== NATS_CONNECTOR) {
    throw new SqlError(SqlState.FeatureNotSupported, `connector "${connector}" is not supported yet`, { hint: `Built-in: ${[...GENERATOR_CONNECTORS, FILE_CONNECTOR, NATS_CONNECTOR].join(", ")}.` });
  }
  const startFileSource = connector === FILE_CONNECTOR ? prepareFileSource(db, options) : undefined;
  const columns = buildColumns(st.columns);
  const retention = (options.retention ?? (connector ? "none" : "all")).toLowerCase();
  if (retention !== "all" && retention !== "none") {
    throw new SqlError(SqlState.InvalidParameterValue, `invalid value for option "retention": "${retention}"`, { hint: "Available values: all, none." });
  }
  let lateRowsTarget: string | undefined;
  if (options.late_rows) {
    const target = cat.getRelation([options.late_rows]);
    if (target.kind !== "stream") throw new SqlError(SqlState.WrongObjectType, `late_rows must name a stream, and "${target.name}" is a ${relationKindName(target.kind)}`);
    lateRowsTarget = target.id;
  }
  if (st.watermarks.length > 1) throw new SqlError(SqlState.InvalidTableDefinition, "a stream can have only one WATERMARK", { position: st.pos });
  let watermark: RelationEntry["watermark"];
  let generator: WatermarkGenerator | null = null;
  if (st.watermarks.length === 1) {
    const w = st.watermarks[0];
    const column = columns.findIndex((c) => c.name === w.column);
    if (column < 0) throw new SqlError(SqlState.UndefinedColumn, `column "${w.column}" named in WATERMARK does not exist`, { position: w.pos });
    const type = columns[column].type;
    if (type.id !== "timestamp" && type.id !== "timestamptz" && type.id !== "date" && type.id !== "integer" && type.id !== "bigint") {
      throw new SqlError(SqlState.DatatypeMismatch, `WATERMARK column "${w.column}" must be a timestamp (or an integer), not ${typeName(type)}`, { position: w.pos });
    }
    const scope = new Scope(columns.map((c, i) => ({ table: name, name: c.name, type: c.type, index: i })));
    const bound = coerce(session.binderEnv(sql), bindExpr(w.expr as A.Expr, { scope, ctx: new QueryContext(session.binderEnv(sql)), clause: "WATERMARK" }), type, "assignment", w.pos);
    const kernel = compileExpr(bound);
    const ctx = session.executionContext([]);
    generator = new WatermarkGenerator(column, type, columns.map((c) => c.type), (chunk) => kernel(chunk, ctx));
    watermark = { column, expr: w.expr };
  }
  const entry: RelationEntry = { id: cat.newId("s"), kind: "stream", schema, name, columns, definition: st.text, options, watermark, retain: retention === "all", lateRowsTarget };
  checkDefaults(session, entry, sql);
  const startNatsSource = connector === NATS_CONNECTOR ? prepareNatsSource(db, options, st.format?.format, entry) : undefined;
  const source = connector && !startFileSource && !startNatsSource ? createGeneratorSource(connector, options, columns.map((c) => ({ name: c.name, type: c.type }))) : undefined;
  const idle = options["watermark.idle_timeout"] !== undefined ? intervalMillis(options["watermark.idle_timeout"], "watermark.idle_timeout") : undefined;
  if (idle !== undefined && !generator) throw new SqlError(SqlState.InvalidParameterValue, "watermark.idle_timeout needs a WATERMARK on the stream", { position: st.pos });
  const stored = new StoredRelation(entry);
  stored.watermark = generator;
  cat.addRelation(entry);
  db.addStored(stored);
  if (source) {
    const runner = new SourceRunner(db, entry.id, source);
    db.attachTask(entry.id, runner);
    db.registerSource(entry.id, runner);
    startSource(db, runner);
  }
  startFileSource?.(entry);
  startNatsSource?.();
  if (idle !== undefined) {
    const clock = new IdleWatermark(db, entry.id, idle);
    db.attachTask(entry.id, clock);
    db.whenRecovered(() => clock.start());
  }
  return commandResult("CREATE STREAM");
}

async function createMaterializedView(session: Session, st: A.CreateViewStatement, sql: string): Promise<StatementResult> {
  const db = session.db;
  const cat = db.catalog;
  const { schema, name } = cat.schemaFor(st.name.parts);
  if (cat.nameTaken(schema, name)) {
    if (st.ifNotExists) return { ...commandResult("CREATE MATERIALIZED VIEW"), notices: [`relation "${name}" already exists, skipping`] };
    throw new SqlError(SqlState.DuplicateTable, `relation "${name}" already exists`, { position: st.name.pos });
  }
  const parallelism = viewParallelism(session, st.with);
  const env = session.binderEnv(sql);
  const q = bindQuery(st.query, new QueryContext(env));
  const plan = continuousPlan(session, q.plan, st.emitOnWindowClose || isEowcQuery(st.query));
  const names = viewColumnNames(q.names, st);
  const entry: RelationEntry = {
    id: cat.newId("m"),
    kind: "materialized_view",
    schema,
    name,
    columns: names.map((n, i) => ({ name: n, type: q.types[i].id === "unknown" ? Types.text : q.types[i], notNull: false })),
    query: st.query,
    definition: st.text,
    dependsOn: [...env.readRelations],
    // the partitions each fragment of it runs as in a cluster (EXPLAIN (FRAGMENTS) shows them)
    parallelism,
  };
  const stored = new StoredRelation(entry);
  const sink = new Materialize(plan.types, stored.store, (changes, epoch) => db.streams.viewChanged(entry.id, changes, epoch), () => db.streams.hasConsumers(entry.id));
  db.addStored(stored);
  const inputs = (entry.dependsOn ?? []).map((id) => cat.relationById(id));
  try {
    await runAsJob(session, "backfill", st.text ?? sql, async (job) => {
      if (!job) {
        cat.addRelation(entry);
        startDataflow(db, entry.id, plan, session.executionContext([]), sink);
        return;
      }
      // the view enters the catalog only once built: until then nothing can name it (a DDL naming
      // it would reach the log before its CREATE), and its name is checked again
      await backfillDataflow(db, entry.id, plan, session.executionContext([]), sink, job, () => {
        if (cat.nameTaken(schema, name)) throw new SqlError(SqlState.DuplicateTable, `relation "${name}" already exists`, { position: st.name.pos });
        if ((entry.dependsOn ?? []).some((id, i) => cat.relationById(id) !== inputs[i])) {
          throw new SqlError(SqlState.ObjectNotInPrerequisiteState, `a relation materialized view "${name}" reads was dropped or replaced while the view was being built`, { hint: "Run CREATE MATERIALIZED VIEW again." });
        }
        cat.addRelation(entry);
      });
    });
  } catch (e) {
    db.streams.remove(entry.id);
    cat.removeRelation(entry.id);
    db.dropStored(entry.id);
    throw e;
  }
  return commandResult("CREATE MATERIALIZED VIEW");
}

/** The plan a continuous query runs: its incremental form, reading only the columns it uses, interval joins cleaning their state. */
export function continuousPlan(session: Session, plan: PhysicalPlan, emitOnWindowClose: boolean): PhysicalPlan {
  const cat = session.db.catalog;
  return withIntervalJoinCleanup(pruneColumns(toStreamingPlan(plan, { emitOnWindowClose, watermarkColumn: (id) => cat.relationById(id)?.watermark?.column, appendOnly: (id) => cat.relationById(id)?.kind === "stream" })));
}

/** EMIT ON WINDOW CLOSE may be written after the query or inside its SELECT. */
function isEowcQuery(q: A.Query): boolean {
  return q.body.kind === "select" && q.body.emitOnWindowClose === true;
}

function viewColumnNames(queryNames: string[], st: A.CreateViewStatement): string[] {
  if (st.columns && st.columns.length > queryNames.length) {
    throw new SqlError(SqlState.SyntaxError, "CREATE VIEW specifies more column names than columns", { position: st.pos });
  }
  const names = queryNames.map((n, i) => st.columns?.[i] ?? n);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new SqlError(SqlState.DuplicateColumn, `column "${dup}" specified more than once`, { position: st.pos });
  return names;
}

function createView(session: Session, st: A.CreateViewStatement, sql: string): StatementResult | Promise<StatementResult> {
  refuseWebhookConnector(st.with, st.materialized ? "materialized view" : "view");
  if (st.materialized) return createMaterializedView(session, st, sql);
  const cat = session.db.catalog;
  const { schema, name } = cat.schemaFor(st.name.parts);
  const env = session.binderEnv(sql);
  const q = bindQuery(st.query, new QueryContext(env));
  const names = viewColumnNames(q.names, st);
  const existing = cat.findRelation([schema, name]);
  if (existing) {
    if (st.ifNotExists) return { ...commandResult("CREATE VIEW"), notices: [`relation "${name}" already exists, skipping`] };
    if (!st.orReplace || existing.kind !== "view") throw new SqlError(SqlState.DuplicateTable, `relation "${name}" already exists`, { position: st.name.pos });
    cat.removeRelation(existing.id);
  }
  const entry: RelationEntry = {
    id: existing?.id ?? cat.newId("v"),
    kind: "view",
    schema,
    name,
    columns: names.map((n, i) => ({ name: n, type: q.types[i].id === "unknown" ? { id: "text" } : q.types[i], notNull: false })),
    query: st.query,
    definition: st.text,
    dependsOn: [...env.readRelations],
  };
  cat.addRelation(entry);
  return commandResult("CREATE VIEW");
}

function createIndex(session: Session, st: A.CreateIndexStatement): StatementResult | Promise<StatementResult> {
  const cat = session.db.catalog;
  const rel = cat.getRelation(st.table.parts, st.table.pos);
  const method = (st.method ?? "btree").toLowerCase();
  if (method === "hnsw") return createHnswIndex(session, st, rel);
  if (method !== "btree" && method !== "hash") throw new SqlError(SqlState.UndefinedObject, `access method "${method}" does not exist`, { position: st.pos });
  if (rel.kind !== "table") throw new SqlError(SqlState.WrongObjectType, `cannot create index on ${relationKindName(rel.kind)} "${rel.name}"`, { position: st.pos });
  // validate the indexed expressions against the table
  const scope = new Scope(rel.columns.map((c, i) => ({ table: rel.name, name: c.name, type: c.type, index: i })));
  const env = session.binderEnv(st.text ?? "");
  for (const item of st.items) bindExpr(item.expr, { scope, ctx: new QueryContext(env), clause: "index expressions" });
  const name = st.name ?? `${rel.name}_${st.items.map((i) => (i.expr.kind === "column_ref" ? i.expr.parts[i.expr.parts.length - 1] : "expr")).join("_")}_idx`;
  if (cat.nameTaken(rel.schema, name)) {
    if (st.ifNotExists) return { ...commandResult("CREATE INDEX"), notices: [`relation "${name}" already exists, skipping`] };
    throw new SqlError(SqlState.DuplicateTable, `relation "${name}" already exists`, { position: st.pos });
  }
  if (st.unique) {
    throw new SqlError(SqlState.FeatureNotSupported, "CREATE UNIQUE INDEX is not supported yet; declare UNIQUE on the table", { position: st.pos });
  }
  // Ordered indexes only speed up lookups; the engine answers without them (hash joins, scans).
  cat.addIndex({ id: cat.newId("i"), schema: rel.schema, name, relation: rel.id, method, unique: st.unique, columns: st.items.map((i) => (i.expr.kind === "column_ref" ? i.expr.parts.join(".") : "expr")) });
  return commandResult("CREATE INDEX");
}

const DROP_KINDS: Record<string, RelationKind | "index" | "schema" | "model" | "secret" | "function"> = {
  table: "table",
  stream: "stream",
  view: "view",
  "materialized view": "materialized_view",
  source: "source",
  sink: "sink",
  index: "index",
  schema: "schema",
  model: "model",
  secret: "secret",
  function: "function",
};

function drop(session: Session, st: A.DropStatement): StatementResult {
  const cat = session.db.catalog;
  const kind = DROP_KINDS[st.objectKind];
  const tag = `DROP ${st.objectKind.toUpperCase()}`;
  if (!kind) throw new SqlError(SqlState.FeatureNotSupported, `${tag} is not supported yet`, { position: st.pos });
  const notices: string[] = [];
  if (kind === "index") {
    for (const n of st.names) {
      const ix = cat.findIndex(n.parts);
      if (!ix) {
        if (st.ifExists) {
          notices.push(`index "${n.parts.join(".")}" does not exist, skipping`);
          continue;
        }
        throw new SqlError(SqlState.UndefinedObject, `index "${n.parts.join(".")}" does not exist`, { position: n.pos });
      }
      cat.removeIndex(ix.id);
      session.db.vectorIndexes.drop(ix.id);
    }
    return { ...commandResult(tag), notices };
  }
  if (kind === "secret") return dropSecrets(session, st);
  if (kind === "function") return session.db.functions.drop(st);
  if (kind === "model") {
    for (const n of st.names) {
      const name = n.parts[n.parts.length - 1];
      const users = continuousQueriesUsingModel(session.db, name);
      if (users.length > 0) throw new SqlError(SqlState.DependentObjectsStillExist, `cannot drop model ${name} because ${users[0]} uses it`, { position: n.pos, hint: "Drop the view first." });
      if (!session.db.models.drop(name, st.ifExists)) notices.push(`model "${name}" does not exist, skipping`);
    }
    return { ...commandResult(tag), notices };
  }
  if (kind === "schema") throw new SqlError(SqlState.FeatureNotSupported, "DROP SCHEMA is not supported yet", { position: st.pos });
  const targets: RelationEntry[] = [];
  for (const n of st.names) {
    const rel = cat.findRelation(n.parts);
    if (!rel) {
      if (st.ifExists) {
        notices.push(`${st.objectKind} "${n.parts.join(".")}" does not exist, skipping`);
        continue;
      }
      throw new SqlError(SqlState.UndefinedTable, `${st.objectKind === "table" || st.objectKind === "view" || st.objectKind === "materialized view" ? `${st.objectKind}` : st.objectKind} "${n.parts.join(".")}" does not exist`, { position: n.pos });
    }
    if (rel.kind !== kind) {
      throw new SqlError(SqlState.WrongObjectType, `"${rel.name}" is not a ${st.objectKind}`, { position: n.pos, hint: `Use DROP ${relationKindName(rel.kind).toUpperCase()} to remove a ${relationKindName(rel.kind)}.` });
    }
    targets.push(rel);
  }
  // dependents: refuse unless CASCADE, then drop them first (deepest first)
  const order: RelationEntry[] = [];
  const visit = (r: RelationEntry) => {
    if (order.includes(r)) return;
    for (const d of cat.dependents(r.id)) {
      if (!st.cascade && !targets.includes(d)) {
        throw new SqlError(SqlState.DependentObjectsStillExist, `cannot drop ${relationKindName(r.kind)} ${r.name} because other objects depend on it`, {
          detail: `${relationKindName(d.kind)} ${d.name} depends on ${relationKindName(r.kind)} ${r.name}`,
          hint: "Use DROP ... CASCADE to drop the dependent objects too.",
        });
      }
      if (st.cascade) notices.push(`drop cascades to ${relationKindName(d.kind)} ${d.name}`);
      visit(d);
    }
    order.push(r);
  };
  for (const t of targets) visit(t);
  for (const r of order) {
    cat.removeRelation(r.id);
    session.db.streams.remove(r.id);
    session.db.dropStored(r.id);
  }
  return { ...commandResult(tag), notices };
}

