// CREATE INDEX name ON table USING hnsw (expr opclass) WITH (m = 16, ef_construction = 128): binds
// the indexed expression over the table (it must be a VECTOR(n)), builds the index from the rows in
// slices (the server stays responsive), and then makes it visible to the planner (ORDER BY ...
// LIMIT k and VECTOR JOIN use it from then on). See table-vector-index.ts for maintenance.

import type * as A from "./parser/index.js";
import type { IndexEntry, RelationEntry, VectorIndexSpec } from "./catalog/index.js";
import { QueryContext, Scope, bindExpr } from "./planner/index.js";
import type { Session } from "./session.js";
import { commandResult } from "./session.js";
import { optionMap } from "./ddl.js";
import { TableVectorIndex } from "./table-vector-index.js";
import { runAsJob } from "./job-statements.js";
import { SqlError, SqlState, type StatementResult } from "./types/index.js";

/** pgvector's operator classes and the distance operator each serves */
const OPCLASSES: Record<string, VectorIndexSpec["operator"]> = {
  vector_cosine_ops: "<=>",
  vector_l2_ops: "<->",
  vector_ip_ops: "<#>",
};

function intOption(options: Record<string, string>, name: string, def: number, lo: number, hi: number): number {
  const raw = options[name];
  if (raw === undefined) return def;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw new SqlError(SqlState.InvalidParameterValue, `value ${raw} out of bounds for option "${name}"`, { detail: `Valid values are between "${lo}" and "${hi}".` });
  }
  return v;
}

/** The indexed item as written, `(EMBED(body)) vector_cosine_ops` (for pg_indexes / psql's \d). */
function indexedText(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const using = /\busing\s+hnsw\s*\(/i.exec(text);
  if (!using) return undefined;
  const start = using.index + using[0].length;
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      i = text.indexOf("'", i + 1);
      if (i < 0) return undefined;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return text.slice(start, i).trim().replace(/\s+/g, " ");
  }
  return undefined;
}

export async function createHnswIndex(session: Session, st: A.CreateIndexStatement, rel: RelationEntry): Promise<StatementResult> {
  const db = session.db;
  const cat = db.catalog;
  if (rel.kind !== "table") {
    throw new SqlError(SqlState.WrongObjectType, `cannot create an hnsw index on ${rel.kind.replace("_", " ")} "${rel.name}"`, { position: st.pos, hint: "HNSW indexes are built over tables." });
  }
  if (st.items.length !== 1) throw new SqlError(SqlState.FeatureNotSupported, "hnsw indexes cover exactly one column or expression", { position: st.pos });
  if (st.unique) throw new SqlError(SqlState.FeatureNotSupported, "access method \"hnsw\" does not support unique indexes", { position: st.pos });
  if (st.where) throw new SqlError(SqlState.FeatureNotSupported, "partial hnsw indexes (WHERE) are not supported", { position: st.pos });
  const item = st.items[0];
  const opclass = item.opclass?.toLowerCase();
  if (opclass === undefined) {
    throw new SqlError(SqlState.UndefinedObject, 'data type vector has no default operator class for access method "hnsw"', {
      position: st.pos,
      hint: "Name one: vector_cosine_ops (<=>), vector_l2_ops (<->) or vector_ip_ops (<#>).",
    });
  }
  const operator = OPCLASSES[opclass];
  if (!operator) throw new SqlError(SqlState.UndefinedObject, `operator class "${opclass}" does not exist for access method "hnsw"`, { position: st.pos });
  const options = optionMap(st.with);
  for (const k of Object.keys(options)) {
    if (k !== "m" && k !== "ef_construction") throw new SqlError(SqlState.InvalidParameterValue, `unrecognized parameter "${k}"`, { position: st.pos });
  }
  const m = intOption(options, "m", 16, 2, 100);
  const efConstruction = intOption(options, "ef_construction", 128, 4, 1000);
  if (efConstruction < 2 * m) throw new SqlError(SqlState.InvalidParameterValue, "ef_construction must be greater than or equal to 2 * m", { position: st.pos });

  const scope = new Scope(rel.columns.map((c, i) => ({ table: rel.name, name: c.name, type: c.type, index: i })));
  const expr = bindExpr(item.expr, { scope, ctx: new QueryContext(session.binderEnv(st.text ?? "")), clause: "index expressions" });
  if (expr.type.id !== "vector") {
    throw new SqlError(SqlState.DatatypeMismatch, `an hnsw index needs a vector expression, not ${expr.type.id}`, { position: item.expr.pos ?? st.pos });
  }
  if (expr.type.dims === undefined) throw new SqlError(SqlState.InvalidParameterValue, "column does not have dimensions", { position: item.expr.pos ?? st.pos, hint: "Index a VECTOR(n) column or expression." });
  const colName = item.expr.kind === "column_ref" ? item.expr.parts[item.expr.parts.length - 1] : "expr";
  const name = st.name ?? `${rel.name}_${colName}_idx`;
  if (cat.nameTaken(rel.schema, name)) {
    if (st.ifNotExists) return { ...commandResult("CREATE INDEX"), notices: [`relation "${name}" already exists, skipping`] };
    throw new SqlError(SqlState.DuplicateTable, `relation "${name}" already exists`, { position: st.pos });
  }
  const spec: VectorIndexSpec = { expr, operator, opclass, dims: expr.type.dims, m, efConstruction };
  const entry: IndexEntry = { id: cat.newId("i"), schema: rel.schema, name, relation: rel.id, method: "hnsw", unique: false, columns: [indexedText(st.text) ?? `${colName} ${opclass}`], options, vector: spec };
  const stored = db.relation(rel.id);
  const built = await runAsJob(session, "index build", st.text ?? `CREATE INDEX ${name}`, (job) => {
    if (job) job.rowsTotal = stored.store.size;
    return TableVectorIndex.build(entry, spec, stored, session.executionContext([]), job?.signal, (rows) => {
      job?.advance(rows);
      job?.throwIfCancelled(); // the statement's own cancel and statement_timeout too
    });
  });
  // the table may have been dropped while the index was building
  if (cat.relationById(rel.id) !== rel) {
    built.detach();
    throw new SqlError(SqlState.UndefinedTable, `relation "${rel.name}" was dropped while its index was being built`);
  }
  try {
    cat.addIndex(entry); // refuses a name taken meanwhile (another session's CREATE INDEX)
  } catch (e) {
    built.detach();
    throw e;
  }
  db.vectorIndexes.add(built);
  return commandResult("CREATE INDEX");
}
