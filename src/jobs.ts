// Jobs: long work a statement started (COPY, a materialized view's backfill, ...), listed by
// SHOW JOBS / sage_catalog.jobs / GET /api/jobs with progress, rate and ETA, and stopped by
// CANCEL JOB n. The work reports progress per chunk (a counter, not per row) and asks
// `throwIfCancelled()` between chunks; the statement running it then fails with 57014 and undoes
// what it did. Finished jobs stay listed for a while so that a client polling sees how they ended.

import { SqlError, SqlState } from "./types/index.js";

export type JobKind = "copy" | "backfill" | "index build" | "insert";
export type JobState = "running" | "done" | "failed" | "cancelled";

/** What the listings show of a job (all plain values: it travels as JSON to the Studio). */
export interface JobSnapshot {
  id: number;
  kind: JobKind;
  /** the statement, trimmed to one line of at most STATEMENT_CHARS characters */
  statement: string;
  role: string;
  /** ms since the Unix epoch */
  startedAt: number;
  finishedAt: number | null;
  rowsDone: number;
  /** rows in all when known (a backfill: its inputs' rows) */
  rowsTotal: number | null;
  /** rows/s over the last RATE_WINDOW_MS */
  rate: number;
  /** 0..1 when the total is known */
  fraction: number | null;
  etaSeconds: number | null;
  state: JobState;
  error: string | null;
}

/** How far back the rate looks: recent enough to follow a change of pace, long enough to be steady. */
const RATE_WINDOW_MS = 5_000;
/** Finished jobs stay listed this long... */
const KEEP_FINISHED_MS = 10 * 60_000;
/** ...and at most this many of them. */
const KEEP_FINISHED = 50;
const STATEMENT_CHARS = 200;

export class Job {
  rowsDone = 0;
  rowsTotal: number | null = null;
  state: JobState = "running";
  error: string | null = null;
  finishedAt: number | null = null;
  readonly startedAt: number;
  /** the reason it must stop (CANCEL JOB n), checked by throwIfCancelled */
  private cancelReason: string | null = null;
  /** false once the work is committing: a cancel then would leave half of it */
  private cancellable = true;
  private readonly abort = new AbortController();
  /** (time, rowsDone) samples for the rate, oldest first */
  private readonly samples: [number, number][] = [];
  /** called after each advance (the REPL's progress bar) */
  onProgress: ((job: JobSnapshot) => void) | undefined;

  constructor(
    readonly id: number,
    readonly kind: JobKind,
    readonly statement: string,
    readonly role: string,
    private readonly clock: () => number,
    /** the statement's own interrupt (client cancel request, statement_timeout), also asked between chunks */
    private readonly interrupted: () => boolean | string = () => false,
  ) {
    this.startedAt = clock();
    this.samples.push([this.startedAt, 0]);
  }

  /** Aborted by CANCEL JOB: for work that waits (a COPY reading the client's data). */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** `rows` more are done. */
  advance(rows: number): void {
    this.rowsDone += rows;
    const now = this.clock();
    const last = this.samples[this.samples.length - 1];
    if (now - last[0] >= 100) this.samples.push([now, this.rowsDone]);
    else last[1] = this.rowsDone;
    while (this.samples.length > 2 && now - this.samples[1][0] > RATE_WINDOW_MS) this.samples.shift();
    this.onProgress?.(this.snapshot());
  }

  /** Throws 57014 when CANCEL JOB (or the statement's cancel / timeout) asked it to stop. */
  throwIfCancelled(): void {
    const reason = this.cancelReason ?? this.interrupted();
    if (reason === false || reason === "") return;
    throw new SqlError(SqlState.QueryCanceled, `canceling statement due to ${reason === true ? "user request" : reason}`);
  }

  /** From here on the work commits: CANCEL JOB is refused rather than leaving half of it. */
  committing(): void {
    this.throwIfCancelled();
    this.cancellable = false;
  }

  requestCancel(reason: string): void {
    if (!this.cancellable) throw new SqlError(SqlState.ObjectNotInPrerequisiteState, `job ${this.id} is committing its work and can no longer be cancelled`);
    this.cancelReason = reason;
    this.abort.abort(new SqlError(SqlState.QueryCanceled, `canceling statement due to ${reason}`));
  }

  snapshot(): JobSnapshot {
    const now = this.finishedAt ?? this.clock();
    const [t0, r0] = this.samples[0];
    const elapsed = (now - t0) / 1000;
    const rate = this.state === "running" && elapsed > 0 ? (this.rowsDone - r0) / elapsed : this.rowsDone / Math.max(0.001, (now - this.startedAt) / 1000);
    const fraction = this.rowsTotal !== null && this.rowsTotal > 0 ? Math.min(1, this.rowsDone / this.rowsTotal) : this.state === "done" ? 1 : null;
    const eta = this.state === "running" && this.rowsTotal !== null && rate > 0 ? Math.max(0, (this.rowsTotal - this.rowsDone) / rate) : null;
    return {
      id: this.id,
      kind: this.kind,
      statement: this.statement,
      role: this.role,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      rowsDone: this.rowsDone,
      rowsTotal: this.rowsTotal,
      rate,
      fraction,
      etaSeconds: eta,
      state: this.state,
      error: this.error,
    };
  }
}

export class JobRegistry {
  private nextId = 1;
  private readonly running = new Map<number, Job>();
  private finished: Job[] = [];
  /** jobs not listed before this time (see start) */
  private readonly quietUntil = new WeakMap<Job, number>();

  constructor(private readonly clock: () => number = Date.now) {}

  /**
   * A job listed from now on, or, with `quietMs`, only once it has run that long (work that is
   * usually short, such as INSERT ... SELECT, shows only when it turns out long).
   */
  start(kind: JobKind, statement: string, role: string, interrupted?: () => boolean | string, quietMs = 0): Job {
    const job = new Job(this.nextId++, kind, trimStatement(statement), role, this.clock, interrupted);
    this.running.set(job.id, job);
    if (quietMs > 0) this.quietUntil.set(job, job.startedAt + quietMs);
    return job;
  }

  /** Ends a job: done when `error` is undefined, else cancelled (57014) or failed. */
  finish(job: Job, error?: unknown): void {
    if (!this.running.delete(job.id)) return;
    job.finishedAt = this.clock();
    if (error === undefined) {
      job.state = "done";
    } else {
      job.state = error instanceof SqlError && error.code === SqlState.QueryCanceled ? "cancelled" : "failed";
      job.error = error instanceof Error ? error.message : String(error);
    }
    job.onProgress?.(job.snapshot());
    if (!this.isQuiet(job, job.finishedAt)) this.finished.push(job);
    this.prune();
  }

  /** Runs `work` as a job of `kind`, ending it with the work's outcome. */
  async run<T>(kind: JobKind, statement: string, role: string, interrupted: (() => boolean | string) | undefined, onProgress: ((job: JobSnapshot) => void) | undefined, work: (job: Job) => Promise<T>, quietMs = 0): Promise<T> {
    const job = this.start(kind, statement, role, interrupted, quietMs);
    // a quiet job shows no progress bar either until it is listed
    job.onProgress = onProgress && quietMs > 0 ? (snap) => (snap.state !== "running" || !this.isQuiet(job, this.clock())) && onProgress(snap) : onProgress;
    try {
      const result = await work(job);
      this.finish(job);
      return result;
    } catch (e) {
      this.finish(job, e);
      throw e;
    }
  }

  /** Running jobs, then the recently finished ones, by id. */
  list(): JobSnapshot[] {
    this.prune();
    const now = this.clock();
    const running = [...this.running.values()].filter((j) => !this.isQuiet(j, now));
    return [...running, ...this.finished].sort((a, b) => a.id - b.id).map((j) => j.snapshot());
  }

  private isQuiet(job: Job, at: number): boolean {
    const until = this.quietUntil.get(job);
    return until !== undefined && at < until;
  }

  /**
   * CANCEL JOB n as `role`: only the job's role or a superuser may (42501); an unknown id is 42704,
   * a finished job 55000.
   */
  cancel(id: number, role: string, superuser: boolean): void {
    const job = this.running.get(id);
    if (!job || this.isQuiet(job, this.clock())) {
      const done = this.finished.find((j) => j.id === id);
      if (done) throw new SqlError(SqlState.ObjectNotInPrerequisiteState, `job ${id} is not running (it is ${done.state})`);
      throw new SqlError(SqlState.UndefinedObject, `job ${id} does not exist`, { hint: "SHOW JOBS lists the running jobs." });
    }
    if (!superuser && job.role !== role) throw new SqlError(SqlState.InsufficientPrivilege, `must be a superuser or role "${job.role}" to cancel job ${id}`);
    job.requestCancel(`CANCEL JOB ${id}`);
  }

  private prune(): void {
    const cutoff = this.clock() - KEEP_FINISHED_MS;
    this.finished = this.finished.filter((j) => (j.finishedAt ?? 0) >= cutoff).slice(-KEEP_FINISHED);
  }
}

function trimStatement(sql: string): string {
  const one = sql.replace(/\s+/g, " ").trim();
  return one.length > STATEMENT_CHARS ? `${one.slice(0, STATEMENT_CHARS - 1)}…` : one;
}
