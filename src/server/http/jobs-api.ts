// GET /api/jobs and POST /api/jobs/<id>/cancel: the jobs of SHOW JOBS as JSON for the Studio's Jobs
// panel, and CANCEL JOB n. Both run as SQL in a session of the authenticated user, so the engine's
// rules apply unchanged (only the job's role or a superuser may cancel).

import { SqlError, SqlState, toSqlError } from "../../types/index.js";
import type { EngineDatabase } from "../engine.js";
import { connectRequest, errorJson } from "./query-api.js";

export interface JobJson {
  id: number;
  kind: string;
  state: string;
  role: string;
  statement: string;
  /** ISO 8601 */
  startedAt: string;
  rowsDone: number;
  rowsTotal: number | null;
  /** 0..1, null when the total is unknown */
  progress: number | null;
  rowsPerSecond: number;
  etaSeconds: number | null;
  error: string | null;
}

export type JobsEndpoint = { kind: "list" } | { kind: "cancel"; id: number };

/** Which jobs endpoint `path` is, or null when it is none. */
export function jobsEndpoint(path: string): JobsEndpoint | null {
  if (path === "/api/jobs") return { kind: "list" };
  const m = /^\/api\/jobs\/([0-9]{1,9})\/cancel$/.exec(path);
  return m ? { kind: "cancel", id: Number(m[1]) } : null;
}

/** The method each endpoint takes. */
export function jobsMethod(endpoint: JobsEndpoint): "GET" | "POST" {
  return endpoint.kind === "list" ? "GET" : "POST";
}

const STATUS: Record<string, number> = { [SqlState.InsufficientPrivilege]: 403, [SqlState.UndefinedObject]: 404, [SqlState.ObjectNotInPrerequisiteState]: 409 };

/** Runs a jobs request as `user`, a login as /api/query's (see connectRequest). */
export async function runJobsRequest(db: EngineDatabase, user: string, endpoint: JobsEndpoint, superuser?: boolean, clientAddress?: string): Promise<{ status: number; body: unknown }> {
  const session = connectRequest(db, user, "sage-http", superuser, clientAddress);
  if ("refused" in session) return { status: session.refused.status, body: { error: session.refused.error } };
  try {
    if (endpoint.kind === "cancel") {
      await session.execute(`CANCEL JOB ${endpoint.id}`);
      return { status: 200, body: { cancelled: endpoint.id } };
    }
    const [r] = await session.execute("SHOW JOBS");
    const col = (name: string) => {
      const i = r.columns.findIndex((c) => c.name === name);
      if (i < 0) throw new SqlError(SqlState.InternalError, `SHOW JOBS has no column ${name}`);
      return i;
    };
    const at = Object.fromEntries(["id", "kind", "state", "role", "statement", "started_at", "rows_done", "rows_total", "progress", "rows_per_second", "eta_seconds", "error"].map((n) => [n, col(n)]));
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    const jobs: JobJson[] = r.rows.map((row) => ({
      id: Number(row[at.id]),
      kind: String(row[at.kind]),
      state: String(row[at.state]),
      role: String(row[at.role]),
      statement: String(row[at.statement]),
      startedAt: new Date(Number(row[at.started_at]) / 1000).toISOString(), // µs since the Unix epoch
      rowsDone: Number(row[at.rows_done]),
      rowsTotal: num(row[at.rows_total]),
      progress: num(row[at.progress]),
      rowsPerSecond: Number(row[at.rows_per_second]),
      etaSeconds: num(row[at.eta_seconds]),
      error: (row[at.error] as string | null) ?? null,
    }));
    return { status: 200, body: { jobs } };
  } catch (e) {
    const err = toSqlError(e);
    return { status: STATUS[err.code] ?? (err.code === SqlState.InternalError ? 500 : 400), body: { error: errorJson(err) } };
  } finally {
    session.close();
  }
}
