// The SQL face of jobs (src/jobs.ts): SHOW JOBS, sage_catalog.jobs, CANCEL JOB n, and the helper
// a statement uses to run its long work as a job of the session's role.

import type * as A from "./parser/index.js";
import type { Database } from "./database.js";
import type { Session } from "./session.js";
import { commandResult, rowsResult } from "./session.js";
import type { Job, JobKind, JobSnapshot } from "./jobs.js";
import { isSuperuser } from "./privileges.js";
import { Types, type ResultColumn, type StatementResult } from "./types/index.js";

const JOB_COLUMNS: ResultColumn[] = [
  { name: "id", type: Types.integer },
  { name: "kind", type: Types.text },
  { name: "state", type: Types.text },
  { name: "role", type: Types.text },
  { name: "statement", type: Types.text },
  { name: "started_at", type: Types.timestamptz },
  { name: "rows_done", type: Types.bigint },
  { name: "rows_total", type: Types.bigint },
  { name: "progress", type: Types.double },
  { name: "rows_per_second", type: Types.double },
  { name: "eta_seconds", type: Types.double },
  { name: "error", type: Types.text },
];

function jobRow(j: JobSnapshot): unknown[] {
  const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
  return [
    j.id,
    j.kind,
    j.state,
    j.role,
    j.statement,
    j.startedAt * 1000, // timestamps are µs since the Unix epoch
    BigInt(j.rowsDone),
    j.rowsTotal === null ? null : BigInt(j.rowsTotal),
    j.fraction === null ? null : round(j.fraction, 4),
    round(j.rate, 1),
    j.etaSeconds === null ? null : round(j.etaSeconds, 1),
    j.error,
  ];
}

export function registerJobsCatalog(db: Database): void {
  db.registerSystemRelation("sage_catalog", "jobs", JOB_COLUMNS, () => db.jobs.list().map(jobRow));
}

/** SHOW JOBS: the running jobs and the recently finished ones. */
export function showJobs(session: Session): StatementResult {
  return rowsResult("SHOW", JOB_COLUMNS, session.db.jobs.list().map(jobRow));
}

/** CANCEL JOB n: the statement running it fails with 57014 and undoes its work. */
export function cancelJob(session: Session, st: A.CancelJobStatement): StatementResult {
  session.db.jobs.cancel(st.jobId, session.role, isSuperuser(session.db.catalog, session.role));
  return commandResult("CANCEL JOB");
}

/**
 * Runs a statement's long work as a job of the session's role; its progress goes to the session's
 * front end (the REPL's bar), and the statement's own cancel / statement_timeout stop it too.
 * While the log replays there is no job: `work` gets undefined.
 */
export function runAsJob<T>(session: Session, kind: JobKind, statement: string, work: (job: Job | undefined) => Promise<T>, quietMs = 0): Promise<T> {
  if (session.db.isReplaying) return work(undefined);
  return session.db.jobs.run(kind, statement, session.role, () => session.interrupted(), session.reportProgress, work, quietMs);
}

/** INSERT ... SELECT is listed as a job once it has run this long (most are short). */
export const INSERT_JOB_QUIET_MS = 1000;

/** Whether an INSERT reads a query (INSERT ... SELECT) rather than VALUES rows or DEFAULT VALUES. */
export function insertReadsQuery(st: A.InsertStatement): boolean {
  return st.source !== undefined && st.source.body.kind !== "values";
}

/** A job whose work is driven from outside a statement (the wire server's COPY FROM STDIN); finish() ends it. */
export function openJob(session: Session, kind: JobKind, statement: string): Job & { finish(error?: unknown): void } {
  const jobs = session.db.jobs;
  // the wire server watches its own cancel request and timeout; the session's interrupt belongs to its last statement
  const job = jobs.start(kind, statement, session.role);
  job.onProgress = session.reportProgress;
  return Object.assign(job, { finish: (error?: unknown) => jobs.finish(job, error) });
}
