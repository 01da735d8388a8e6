// What the server needs of the engine, as interfaces: a database that hands out sessions and
// shows its catalog, and a session that runs SQL. `Database` and `Session` (src/database.ts)
// satisfy them; the server never imports the top of src/ (rooms point down, see DESIGN.md).

import type { Catalog } from "../catalog/index.js";
import type { DataType, ResultColumn, StatementResult } from "../types/index.js";

export interface EngineSettings {
  get(name: string): string;
  set(name: string, value: string | null): void;
  all(): { name: string; setting: string; description: string }[];
}

export interface EngineSession {
  readonly settings: EngineSettings;
  readonly user: string;
  readonly options: { user?: string; database?: string; applicationName?: string };
  /** the database the session runs in (CREATE DATABASE: one of several); absent: the server's */
  readonly db?: EngineDatabase;
  /** 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block */
  readonly transactionStatus: "I" | "T" | "E";
  /** marks the transaction block failed (an error the engine did not raise itself: a cancel while sending rows, a COPY) */
  failTransaction(): void;
  /** throws 25P02 in a failed transaction block (for statements the engine does not run itself) */
  refuseInFailedTransaction(): void;
  /**
   * runs each statement of `sql`, yielding its result; throws the first failing statement's
   * SqlError. `params` are the `$n` values: engine values, or text the engine reads with the
   * parameter's type (declared in `paramTypes`, else inferred) as Postgres reads text parameters.
   */
  run(sql: string, params?: unknown[], options?: { paramTypes?: (DataType | undefined)[]; signal?: AbortSignal }): AsyncGenerator<StatementResult>;
  /** parses and binds one statement: its parameter types and result columns (null: no rows); throws prepare-time errors */
  prepare(sql: string, paramTypes?: (DataType | undefined)[]): { paramTypes: DataType[]; columns: ResultColumn[] | null };
  execute(sql: string, params?: unknown[]): Promise<StatementResult[]>;
  close(): void;
  /** registers long work the server does itself (COPY FROM STDIN) as a job of SHOW JOBS / CANCEL JOB */
  startJob?(kind: "copy", statement: string): EngineJob;
}

/** A job the server runs (see src/jobs.ts): progress per batch, stopped by CANCEL JOB. */
export interface EngineJob {
  /** aborted by CANCEL JOB (for waits on the client) */
  readonly signal: AbortSignal;
  advance(rows: number): void;
  /** throws 57014 when cancelled */
  throwIfCancelled(): void;
  /** the work commits from here on: CANCEL JOB is refused */
  committing(): void;
  /** ends the job: done, or cancelled / failed with `error` */
  finish(error?: unknown): void;
}

export interface EngineDatabase {
  readonly catalog: Catalog;
  /** the engine's figures for /metrics, read at scrape time */
  metrics?(): EngineMetrics;
  /** calls `listener` with each barrier's latency in ms; returns the function that stops it */
  onBarrier?(listener: (ms: number) => void): () => void;
  /** calls `listener` after each checkpoint (or failed/skipped one); returns the function that stops it */
  onCheckpoint?(listener: (e: CheckpointObservation) => void): () => void;
  /** `login`: a client logging in (the role must exist, have LOGIN, be under its CONNECTION LIMIT); throws SqlError 28000 / 53300 */
  connect(options?: { user?: string; database?: string; applicationName?: string; superuser?: boolean; login?: boolean; clientAddress?: string }): EngineSession;
  /** why clients may not connect now (a standby coordinator: SQLSTATE 57P03), or null */
  refuseConnection?(): { code: string; message: string } | null;
  /** the webhook table a POST /webhook/<path> goes to; throws SqlError 42P01 when there is none */
  webhook?(path: readonly string[]): WebhookEndpoint;
  close(): Promise<void>;
  /** records a login (or a failed, refused or throttled one) in the audit log */
  recordAudit?(record: LoginAuditRecord): void;
}

/** What the server records of a login attempt (sage_catalog.audit_log's columns). */
export interface LoginAuditRecord {
  role: string | null;
  sessionUser: string | null;
  clientAddress: string | null;
  database: string | null;
  action: string;
  object: string | null;
  outcome: "ok" | "denied" | "failed" | "throttled";
  sqlstate: string | null;
  detail: string | null;
}

/** A checkpoint as /metrics hears of it (src/checkpointer.ts's CheckpointEvent). */
export type CheckpointObservation = { ok: true; stats: { epoch: number; bytes: number; ms: number } } | { ok: false; error: string };

/** One webhook table, as the HTTP side sees it (src/webhook-table.ts makes them). */
export interface WebhookEndpoint {
  /** schema.table */
  readonly table: string;
  /** whether requests prove themselves by an HMAC signature header (else by user credentials) */
  readonly signed: boolean;
  readonly signatureHeader: string;
  /** the largest body accepted, bytes */
  readonly maxBodyBytes: number;
  /**
   * Checks the caller (the signature header's value, or the authenticated user's INSERT right),
   * decodes the JSON body and writes it all or nothing; resolves with the rows inserted once they
   * are durable. Throws SqlError: 28000 bad signature, 42501 no privilege, 22xxx/23xxx bad data.
   * `superuser` is given for a user of the server's configuration (others are the catalog's roles).
   */
  ingest(body: Buffer, caller: { signature: string | undefined } | { user: string; superuser?: boolean }): Promise<number>;
}

// ---- what /metrics reads of the engine (src/engine-metrics.ts fills it)

export interface OperatorMetric {
  /** the view a dataflow maintains (or "(subscription)") */
  dataflow: string;
  operatorId: number;
  kind: string;
  rowsIn: number;
  rowsOut: number;
  seconds: number;
  stateRows: number;
  stateBytes: number;
  /** rows waiting inside the operator (backpressure; optional: older engines do not report it) */
  queuedRows?: number;
}

export interface SourceMetric {
  stream: string;
  connector: string;
  rowsProduced: number;
  /** wall clock minus the stream's event-time watermark, s (null: the stream has none yet) */
  lagSeconds: number | null;
}

export interface ModelMetric {
  model: string;
  requests: number;
  calls: number;
  errors: number;
  cacheHits: number;
  promptTokens: number;
  completionTokens: number;
  /** tokens × the model's prices; null: the model has no price (no sample is exported) */
  spend?: number | null;
}

export interface EngineMetrics {
  operators: OperatorMetric[];
  sources: SourceMetric[];
  lateRows: { stream: string; rows: number }[];
  /** rows held by each materialized view */
  viewRows: { view: string; rows: number }[];
  models: ModelMetric[];
}

/** A fresh in-memory database of the same kind as `db` (the pg_catalog snapshot runs on one). */
export async function openScratchDatabase(db: EngineDatabase): Promise<EngineDatabase> {
  const kind = db.constructor as unknown as { open?: (options: { memory: boolean }) => Promise<EngineDatabase> };
  if (typeof kind.open !== "function") throw new Error("the database cannot open a scratch database");
  return kind.open({ memory: true });
}
