// COPY between relations and server-side files, through DuckDB's readers and writers:
//   COPY t [(cols)] FROM '/path/file.csv' [WITH (FORMAT csv|json|parquet, HEADER, DELIMITER, NULL)]
//   COPY t [(cols)] TO '/path/out.parquet' [WITH (...)]   ·   COPY (query) TO '/path/out.csv' [...]
// The path may be a glob or a directory on FROM. Files are read by the server process, with its
// permissions (Postgres reserves this to superusers; we have no roles yet, so every session may).
// FROM reads and checks every row first (a bad value fails with nothing loaded), then appends in
// chunks; the rows are logged like INSERTed rows, so the table does not depend on the file later.
// COPY FROM STDIN / TO STDOUT are the wire server's (src/server/copy/).

import { isAbsolute, resolve } from "node:path";
import type * as A from "./parser/index.js";
import type { Session } from "./session.js";
import { optionMap } from "./ddl.js";
import { commandResult } from "./session.js";
import { FileReader, listFiles, readFileFormat, writeFile } from "./connectors/index.js";
import { QueryContext, bindQuery, pruneColumns } from "./planner/index.js";
import { Chunk, Column, SqlError, SqlState, Types, type DataType, type StatementResult } from "./types/index.js";
import { appendChunkTo } from "./relation-append.js";
import type { Job } from "./jobs.js";
import { runAsJob } from "./job-statements.js";

export async function copyWithFile(session: Session, st: A.CopyStatement, sql: string): Promise<StatementResult> {
  if (st.target.kind !== "file") {
    throw new SqlError(SqlState.FeatureNotSupported, `COPY ${st.direction === "from" ? "FROM STDIN" : "TO STDOUT"} needs a client that speaks the COPY protocol`, {
      hint: "Connect with psql or a Postgres driver, or COPY to and from a server-side file.",
    });
  }
  const options = optionMap(st.options);
  const path = st.target.path;
  if (st.direction === "from") return runAsJob(session, "copy", st.text ?? sql, (job) => copyFromFile(session, st, path, options, job));
  return copyToFile(session, st, st.target.path, options, sql);
}

async function copyFromFile(session: Session, st: A.CopyStatement, path: string, options: Record<string, string>, job: Job | undefined): Promise<StatementResult> {
  const db = session.db;
  const rel = db.catalog.getRelation(st.table!.parts, st.table!.pos);
  if (rel.kind !== "table" && rel.kind !== "stream") {
    throw new SqlError(SqlState.WrongObjectType, `cannot copy to ${rel.kind.replace("_", " ")} "${rel.name}"`, { position: st.pos });
  }
  const targets = (st.columns ?? rel.columns.map((c) => c.name)).map((n) => {
    const i = rel.columns.findIndex((c) => c.name === n);
    if (i < 0) throw new SqlError(SqlState.UndefinedColumn, `column "${n}" of relation "${rel.name}" does not exist`, { position: st.pos });
    return i;
  });
  const full = resolve(path);
  const format = readFileFormat(options, full, { header: false });
  const reader = new FileReader(
    targets.map((i) => ({ name: rel.columns[i].name, type: rel.columns[i].type })),
    format,
  );
  const files = await listFiles(full);
  // read and check everything first: a bad row (or CANCEL JOB) fails the COPY with nothing loaded
  const chunks: Chunk[] = [];
  for (let f = 0; f < files.length; f++) {
    for await (const chunk of reader.read(files[f])) {
      chunks.push(widen(chunk, targets, rel.columns.map((c) => c.type)));
      job?.advance(chunk.length);
      job?.throwIfCancelled();
    }
  }
  job?.committing();
  let rows = 0;
  let watermark: unknown = undefined;
  for (const chunk of chunks) {
    const r = appendChunkTo(db, rel.id, chunk, true);
    rows += r.rows;
    if (r.watermark !== undefined) watermark = r.watermark;
  }
  db.publishChanges(rel.id, [], [], watermark);
  return commandResult("COPY", rows);
}

/** A chunk of the listed columns as a chunk of all the relation's columns (the others NULL). */
function widen(chunk: Chunk, targets: number[], types: DataType[]): Chunk {
  if (targets.length === types.length && targets.every((t, i) => t === i)) return chunk;
  const columns = types.map((t, c) => {
    const k = targets.indexOf(c);
    return k >= 0 ? chunk.columns[k] : Column.constant(t, null, chunk.length);
  });
  return new Chunk(columns, chunk.length);
}

async function copyToFile(session: Session, st: A.CopyStatement, path: string, options: Record<string, string>, sql: string): Promise<StatementResult> {
  if (!isAbsolute(path)) {
    throw new SqlError("42602", "relative path not allowed for COPY to file", { position: st.pos, hint: "Give an absolute path." });
  }
  let query: A.Query;
  if (st.query) query = st.query;
  else {
    const items: A.SelectItem[] = st.columns
      ? st.columns.map((c) => ({ expr: { kind: "column_ref", parts: [c] } as A.Expr }))
      : [{ expr: { kind: "star" } as A.Expr }];
    query = { kind: "query", body: { kind: "select", items, from: [{ kind: "table", name: st.table! }], groupBy: [], windows: [] }, orderBy: [] };
  }
  const q = bindQuery(query, new QueryContext(session.binderEnv(sql)));
  const chunks = await session.runPlanWithModels(pruneColumns(q.plan), []);
  const format = readFileFormat(options, path, { header: false });
  const types = q.types.map((t) => (t.id === "unknown" ? Types.text : t));
  const rows = await writeFile(path, format, { names: q.names, types }, chunks);
  return commandResult("COPY", rows);
}
