// The one place the Studio talks to the server: POST /api/query with {"sql": ...}, answered with
// {results: [{command, rowCount, columns: [{name, type}], rows, notices}], error?: {code, message,
// position, line, column, hint}} (the contract of src/server/http/query-api.ts). Adapt here if the
// server's shape changes; every panel goes through `query`/`queryOne`.

export interface Column {
  name: string;
  type: string;
}

export interface QueryResult {
  command: string;
  rowCount: number;
  columns: Column[];
  rows: unknown[][];
  notices?: string[];
}

export interface QueryErrorInfo {
  code: string;
  message: string;
  /** 1-based character offset into the SQL, as pgwire reports it */
  position?: number;
  line?: number;
  column?: number;
  hint?: string;
}

export interface QueryResponse {
  results: QueryResult[];
  error?: QueryErrorInfo;
}

/** A failed statement (or request), carrying the server's SQLSTATE and position. */
export class QueryFailed extends Error {
  constructor(readonly info: QueryErrorInfo) {
    super(`${info.code}: ${info.message}`);
  }
}

/** The login session's CSRF token (login.ts sets it): sent on every POST the cookie authenticates. */
let csrfToken = "";
/** Called when the server says the login is gone (expired, logged out elsewhere). */
let onUnauthorized: () => void = () => {};

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export function whenUnauthorized(f: () => void): void {
  onUnauthorized = f;
}

/** Headers of every API call: the CSRF token, and a marker so a 401 brings no browser password dialog. */
export function apiHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { "x-requested-with": "sage-studio", ...(csrfToken ? { "x-csrf-token": csrfToken } : {}), ...extra };
}

/** Runs SQL (one or more statements); resolves with every result, including the error if one failed. */
export async function query(sql: string): Promise<QueryResponse> {
  let res: Response;
  try {
    res = await fetch("/api/query", {
      method: "POST",
      headers: apiHeaders({ "content-type": "application/json" }),
      credentials: "same-origin",
      body: JSON.stringify({ sql }),
    });
    if (res.status === 401) onUnauthorized();
  } catch (e) {
    return { results: [], error: { code: "08006", message: `cannot reach the server: ${(e as Error).message}` } };
  }
  let body: Partial<QueryResponse>;
  try {
    body = (await res.json()) as Partial<QueryResponse>;
  } catch {
    return { results: [], error: { code: "08P01", message: `the server answered HTTP ${res.status} without JSON` } };
  }
  return { results: body.results ?? [], error: body.error ?? (res.ok ? undefined : { code: String(res.status), message: `HTTP ${res.status}` }) };
}

/** Runs a single statement and returns its result; throws QueryFailed on an error. */
export async function queryOne(sql: string): Promise<QueryResult> {
  const r = await query(sql);
  if (r.error) throw new QueryFailed(r.error);
  const last = r.results[r.results.length - 1];
  if (!last) throw new QueryFailed({ code: "08P01", message: "the server returned no result" });
  return last;
}

/** Quotes an identifier for SQL text built by the Studio (names picked from the catalog). */
export function ident(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Reads a result value as a number (BIGINT and NUMERIC come as text). */
export function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}
