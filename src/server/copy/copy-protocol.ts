// COPY FROM STDIN and COPY TO STDOUT over the protocol's copy sub-protocol. Incoming rows are
// parsed with each column type's input function (errors name the line and column, as Postgres's
// CONTEXT does), all of them before any is written, then inserted through the engine in batches.
// Outgoing rows are the result of the table's (or the given query's) SELECT, one CopyData per
// row; a SUBSCRIBE query streams until the client cancels.

import { SqlError, parseValue, type DataType, type ResultColumn, type StatementResult } from "../../types/index.js";
import type { ColumnSchema } from "../../catalog/index.js";
import type { EngineDatabase, EngineJob, EngineSession } from "../engine.js";
import type { FrontendMessage } from "../codec/index.js";
import { canceledError } from "../error-fields.js";
import { copyData, copyDone, copyInResponse, copyOutResponse } from "../messages.js";
import { rowSource, type WireOutput } from "../result-writer.js";
import { encodeText } from "../value-encoding.js";
import { CopyBinaryDecoder, copyBinaryHeader, copyBinaryTrailer, encodeCopyBinaryRow } from "./copy-binary-format.js";
import type { CopyStatement } from "./copy-statement.js";
import { CopyTextDecoder, encodeCopyRow, type CopyFields, type CopyRow } from "./copy-text-format.js";

/** An error with Postgres's CONTEXT line (ErrorResponse field W). */
export class CopyError extends SqlError {
  constructor(
    code: string,
    message: string,
    readonly where: string,
  ) {
    super(code, message);
  }
}

export interface CopyHost {
  readonly out: WireOutput;
  readonly db: EngineDatabase;
  readonly session: EngineSession;
  /** the client's next message; throws 57014 if the signal fires while waiting */
  readMessage(signal: AbortSignal): Promise<FrontendMessage>;
  /** runs one query (the SELECT behind COPY TO) */
  query(sql: string): Promise<StatementResult | null>;
  timeZone(): string;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function tableColumns(stmt: CopyStatement, db: EngineDatabase): { qualified: string; relation: string; columns: ColumnSchema[] } {
  const parts = stmt.table!;
  const rel = db.catalog.findRelation(parts);
  if (!rel) throw new SqlError("42P01", `relation "${parts.join(".")}" does not exist`);
  let columns = rel.columns;
  if (stmt.columns) {
    columns = stmt.columns.map((name) => {
      const c = rel.columns.find((col) => col.name === name);
      if (!c) throw new SqlError("42703", `column "${name}" of relation "${rel.name}" does not exist`);
      return c;
    });
  }
  return { qualified: `${quoteIdent(rel.schema)}.${quoteIdent(rel.name)}`, relation: rel.name, columns };
}

const INSERT_BATCH_PARAMS = 10_000;

export async function copyIn(stmt: CopyStatement, host: CopyHost, signal: AbortSignal): Promise<StatementResult> {
  const { qualified, relation, columns } = tableColumns(stmt, host.db);
  // a job of SHOW JOBS: rows received so far; CANCEL JOB stops it before anything is written
  const job = host.session.startJob?.("copy", `COPY ${qualified}${stmt.columns ? ` (${stmt.columns.map(quoteIdent).join(", ")})` : ""} FROM STDIN`);
  try {
    const result = await receiveAndInsert(qualified, relation, columns, stmt, host, job ? AbortSignal.any([signal, job.signal]) : signal, job);
    job?.finish();
    return result;
  } catch (e) {
    // the job's own reason (CANCEL JOB n) rather than the wait's generic one
    const error = job?.signal.aborted ? job.signal.reason : e;
    job?.finish(error);
    throw error;
  }
}

async function receiveAndInsert(qualified: string, relation: string, columns: ColumnSchema[], stmt: CopyStatement, host: CopyHost, signal: AbortSignal, job: EngineJob | undefined): Promise<StatementResult> {
  const types = columns.map((c) => c.type);
  const binary = stmt.options.format === "binary";
  host.out.send(copyInResponse(binary, columns.length));
  await host.out.drain();

  const rows: unknown[][] = [];
  const text = binary ? null : new CopyTextDecoder(stmt.options);
  const bin = binary ? new CopyBinaryDecoder(types) : null;
  const timeZone = host.timeZone();
  const accept = (input: CopyRow[]) => {
    for (const r of input) rows.push(parseRow(r.fields, columns, types, relation, r.line, timeZone));
  };
  let counted = 0;
  let failure: unknown = null;
  for (;;) {
    const m = await host.readMessage(signal);
    if (m.type === "CopyData") {
      if (failure) continue;
      try {
        if (bin) rows.push(...bin.push(m.data));
        else accept(text!.push(m.data));
      } catch (e) {
        failure = e;
      }
      if (job && rows.length - counted >= 1000) {
        job.advance(rows.length - counted);
        counted = rows.length;
      }
    } else if (m.type === "CopyDone") {
      if (failure) throw failure;
      if (bin) rows.push(...bin.end());
      else accept(text!.end());
      break;
    } else if (m.type === "CopyFail") {
      throw new SqlError("57014", `COPY from stdin failed: ${m.message}`);
    } else if (m.type === "Flush" || m.type === "Sync") {
      continue;
    } else {
      throw new SqlError("08P01", `unexpected message type 0x${messageCode(m.type)} during COPY from stdin`);
    }
  }
  if (signal.aborted) throw canceledError();
  job?.advance(rows.length - counted);
  // the batches below commit one by one: from here CANCEL JOB is refused rather than leaving part of the rows
  job?.committing();
  const perBatch = Math.max(1, Math.floor(INSERT_BATCH_PARAMS / Math.max(1, columns.length)));
  const colList = columns.map((c) => quoteIdent(c.name)).join(", ");
  for (let start = 0; start < rows.length; start += perBatch) {
    const batch = rows.slice(start, start + perBatch);
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of batch) {
      const marks: string[] = [];
      for (const v of row) {
        params.push(v);
        marks.push(`$${params.length}`);
      }
      tuples.push(`(${marks.join(", ")})`);
    }
    await host.session.execute(`INSERT INTO ${qualified} (${colList}) VALUES ${tuples.join(", ")}`, params);
    if (signal.aborted) throw canceledError();
  }
  return { command: "COPY", rowCount: rows.length, columns: [], rows: [], notices: [] };
}

function messageCode(type: FrontendMessage["type"]): string {
  const codes: Partial<Record<FrontendMessage["type"], string>> = { Query: "51", Parse: "50", Bind: "42", Describe: "44", Execute: "45", Close: "43", Terminate: "58", AuthResponse: "70", FunctionCall: "46" };
  return codes[type] ?? "00";
}

function parseRow(fields: CopyFields, columns: ColumnSchema[], types: DataType[], relation: string, line: number, timeZone: string): unknown[] {
  if (fields.length < columns.length) {
    throw new CopyError("22P04", `missing data for column "${columns[fields.length].name}"`, `COPY ${relation}, line ${line}`);
  }
  if (fields.length > columns.length) throw new CopyError("22P04", "extra data after last expected column", `COPY ${relation}, line ${line}`);
  const row = new Array<unknown>(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const f = fields[i];
    if (f === null) {
      row[i] = null;
      continue;
    }
    try {
      row[i] = parseValue(types[i], f, { timeZone });
    } catch (e) {
      const err = e instanceof SqlError ? e : new SqlError("22P02", String(e));
      throw new CopyError(err.code, err.message, `COPY ${relation}, line ${line}, column ${columns[i].name}: "${f.length > 30 ? f.slice(0, 30) + "..." : f}"`);
    }
  }
  return row;
}

export async function copyOut(stmt: CopyStatement, host: CopyHost, signal: AbortSignal): Promise<StatementResult> {
  let sql: string;
  if (stmt.query !== undefined) sql = stmt.query;
  else {
    const { qualified, columns } = tableColumns(stmt, host.db);
    sql = `SELECT ${columns.map((c) => quoteIdent(c.name)).join(", ")} FROM ${qualified}`;
  }
  const result = await host.query(sql);
  if (!result) throw new SqlError("42601", "COPY query must not be empty");
  const columns: ResultColumn[] = result.columns;
  const types = columns.map((c) => c.type);
  const o = stmt.options;
  const binary = o.format === "binary";
  host.out.send(copyOutResponse(binary, columns.length));
  if (binary) host.out.send(copyData(copyBinaryHeader()));
  else if (o.header && o.format === "csv") host.out.send(copyData(Buffer.from(encodeCopyRow(columns.map((c) => c.name), o), "utf8")));
  const forceQuote = o.forceQuote === true ? columns.map(() => true) : columns.map((c) => (o.forceQuote as string[]).includes(c.name));
  const encodeOptions = { timeZone: host.timeZone() };
  const source = rowSource(result);
  let n = 0;
  try {
    for (;;) {
      let row = source.next(signal);
      if (row instanceof Promise) {
        await host.out.drain();
        row = await row;
      }
      if (row === null) break;
      if (binary) host.out.send(copyData(encodeCopyBinaryRow(types, row)));
      else {
        const fields = row.map((v, i) => (v === null || v === undefined ? null : encodeText(types[i], v, encodeOptions).toString("utf8")));
        host.out.send(copyData(Buffer.from(encodeCopyRow(fields, o, forceQuote), "utf8")));
      }
      n++;
      if (n % 256 === 0) {
        await host.out.drain();
        if (signal.aborted) throw canceledError();
      }
    }
  } finally {
    source.close();
  }
  if (binary) host.out.send(copyData(copyBinaryTrailer()));
  host.out.send(copyDone());
  return { command: "COPY", rowCount: n, columns: [], rows: [], notices: [] };
}
