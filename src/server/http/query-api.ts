// POST /api/query: SQL in, results out as JSON. The body is {"sql": "...", "params": [...]} (or the
// SQL itself as text/plain). Every statement's result comes back: command tag, row count,
// columns (name and type) and rows; values are JSON booleans and numbers where they fit exactly,
// otherwise their Postgres text form (BIGINT, NUMERIC, timestamps, vectors). A failing statement
// gives a structured error: SQLSTATE, message, position (1-based, in characters, as pgwire's),
// line and column, hint.

import { SqlError, SqlState, formatValue, toSqlError, typeName, type DataType, type StatementResult } from "../../types/index.js";
import type { EngineDatabase, EngineSession } from "../engine.js";

export interface QueryRequest {
  sql: string;
  params: unknown[];
  /** the database to run in (CREATE DATABASE); absent: the first one */
  database?: string;
}

export interface QueryError {
  code: string;
  message: string;
  position?: number;
  line?: number;
  column?: number;
  hint?: string;
}

/** Reads a request body into SQL and parameters; throws SqlError 08P01/22P02 on a malformed one. */
export function parseQueryRequest(body: string, contentType: string | undefined): QueryRequest {
  if (!contentType || !/^application\/json\b/i.test(contentType)) return { sql: body, params: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    throw new SqlError(SqlState.InvalidTextRepresentation, `the request body is not JSON: ${(e as Error).message}`);
  }
  const o = parsed as { sql?: unknown; params?: unknown; database?: unknown };
  if (typeof o !== "object" || o === null || typeof o.sql !== "string") throw new SqlError(SqlState.ProtocolViolation, 'the request body must be {"sql": "...", "params": [...]}');
  if (o.params !== undefined && !Array.isArray(o.params)) throw new SqlError(SqlState.ProtocolViolation, '"params" must be an array');
  if (o.database !== undefined && typeof o.database !== "string") throw new SqlError(SqlState.ProtocolViolation, '"database" must be a string');
  const req: QueryRequest = { sql: o.sql, params: (o.params as unknown[] | undefined) ?? [] };
  if (typeof o.database === "string") req.database = o.database;
  return req;
}

/**
 * Opens a session for an HTTP request as `user`: a login, as pgwire's (the role must exist and may
 * log in, under its CONNECTION LIMIT; `superuser` is given for a configured user). A refusal comes
 * back as its HTTP status: no such role / no LOGIN is 403, over the CONNECTION LIMIT 429.
 */
export function connectRequest(db: EngineDatabase, user: string, applicationName: string, superuser?: boolean, clientAddress?: string, database?: string): EngineSession | { refused: { status: number; error: ReturnType<typeof errorJson> } } {
  try {
    // a named database (CREATE DATABASE) is checked as a pgwire connection's is: 3D000, CONNECT, its connection limit
    return db.connect({ user, applicationName, login: true, superuser, ...(clientAddress ? { clientAddress } : {}), ...(database !== undefined ? { database } : {}) });
  } catch (e) {
    // no such role / no LOGIN / no CONNECT on the database: 403; over a CONNECTION LIMIT: 429
    const err = toSqlError(e);
    const status = err.code === SqlState.InvalidAuthorizationSpecification || err.code === SqlState.InsufficientPrivilege ? 403 : err.code === SqlState.TooManyConnections ? 429 : 400;
    return { refused: { status, error: errorJson(err) } };
  }
}

/**
 * Runs the request as `user` (a login, as pgwire's: the role must exist and may log in;
 * `superuser` is given for a configured user) in the database the request names (checked as a
 * pgwire connection's is: 3D000, CONNECT, connection limits); returns the JSON response body and its HTTP status.
 */
export async function runQueryRequest(db: EngineDatabase, user: string, req: QueryRequest, superuser?: boolean, clientAddress?: string): Promise<{ status: number; body: unknown }> {
  const session = connectRequest(db, user, "sage-http", superuser, clientAddress, req.database);
  if ("refused" in session) return { status: session.refused.status, body: { results: [], error: session.refused.error } };
  const results: unknown[] = [];
  try {
    for await (const r of session.run(req.sql, req.params)) {
      if (r.subscription) {
        r.subscription.cancel();
        throw new SqlError(SqlState.FeatureNotSupported, "SUBSCRIBE needs a connection that stays open: use GET /api/subscribe (Server-Sent Events) or pgwire instead of /api/query");
      }
      results.push(resultJson(r));
    }
    return { status: 200, body: { results } };
  } catch (e) {
    const err = toSqlError(e);
    return { status: err.code === SqlState.InternalError ? 500 : 400, body: { results, error: errorJson(err) } };
  } finally {
    session.close();
  }
}

export function errorJson(e: SqlError): QueryError {
  const out: QueryError = { code: e.code, message: e.message };
  if (e.position !== undefined) out.position = e.position;
  if (e.line !== undefined) out.line = e.line;
  if (e.column !== undefined) out.column = e.column;
  if (e.hint !== undefined) out.hint = e.hint;
  return out;
}

function resultJson(r: StatementResult) {
  const types = r.columns.map((c) => c.type);
  return {
    command: r.command,
    rowCount: r.rowCount,
    columns: r.columns.map((c) => ({ name: c.name, type: typeName(c.type) })),
    rows: r.rows.map((row) => row.map((v, i) => valueJson(types[i], v))),
    notices: r.notices,
  };
}


export function valueJson(type: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type.id) {
    case "boolean":
      return v;
    case "smallint":
    case "integer":
    case "real":
    case "double":
      return typeof v === "number" && Number.isFinite(v) ? v : formatValue(type, v);
    default:
      return formatValue(type, v);
  }
}
