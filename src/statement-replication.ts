// The seam between a session and cluster mode (log-replica.ts): when a database has a
// replication, its DDL and its writes do not change the database directly. They are appended to
// the cluster's input log, and every coordinator's replica (this one's included) applies them in
// log order; the statement reports what its own replica's application did. Single-node mode has
// no replication and takes none of these paths.

import type * as A from "./parser/index.js";
import type { Session } from "./session.js";
import type { Database } from "./database.js";
import type { AppliedWrite, PlannedWrite } from "./planned-write.js";
import type { Chunk, SqlError, StatementResult } from "./types/index.js";

/** a row of sage_catalog.workers */
export interface WorkerRow {
  id: string;
  address: string;
  /** instances (fragment partitions) placed on it in the current generation */
  vnodes: number;
  state: string;
  /** ms since the epoch: when this coordinator last saw its heartbeat */
  heartbeat: number | null;
}

export interface StatementReplication {
  /** the replica's own sessions (applying the log) change the database directly */
  isApplier(session: Session): boolean;
  /** one write in flight at a time: taken before the write's plan reads the state it is computed from */
  lock(): Promise<() => void>;
  /** appends a computed write and resolves with its application by this process's replica (08006 when the log is away) */
  write(session: Session, w: PlannedWrite, chunks: readonly Chunk[]): Promise<AppliedWrite>;
  /** appends a DDL statement (with the session's context) and resolves with this process's replica's result */
  ddl(session: Session, st: A.Statement, sql: string): Promise<StatementResult>;
  /** whether this process leads (and has caught up): only the leader reads sources and writes sinks */
  leads(): boolean;
  /**
   * A source's batch read on the leader (replicated-source.ts): appended as an insert carrying the
   * source's position after it, resolved once this process's replica applied it
   */
  appendSourceBatch(db: Database, relation: string, chunks: readonly Chunk[], position: unknown): Promise<void>;
  /** the input-log sequence of the message being applied, or of the last one applied: the same on every coordinator */
  logSequence(): number;
  /** why a client may not connect now (57P03 on a standby), or null */
  refusal(): SqlError | null;
  /** sage_catalog.cluster */
  status(): ReplicaStatus;
  /** sage_catalog.workers: the live workers of the cluster */
  workers(): WorkerRow[];
  /** FLUSH: waits until what this replica applied is in the views run elsewhere (workers) */
  flush?(): Promise<void>;
  /** visibility = 'strong': waits until the views run elsewhere that a query reads (relation ids, views expanded) hold what this replica applied */
  beforeRead?(session: Session, relationIds: Iterable<string>): Promise<void>;
  /** sage_catalog.fragments: view, fragment, operators, parallelism, placement (worker per partition) */
  fragments?(): unknown[][];
  /** sage_catalog.input_log: the cluster's input log and its latest snapshot (null: not read yet) */
  inputLog?(): InputLogRow | null;
}

/** a row of sage_catalog.input_log */
export interface InputLogRow {
  firstSeq: number;
  lastSeq: number;
  messages: number;
  bytes: number;
  snapshotSeq: number | null;
  /** ms since the epoch */
  snapshotAt: number | null;
  snapshotBytes: number | null;
}

export interface ReplicaStatus {
  /** this coordinator's id (random per process) */
  node: string;
  role: "leader" | "standby" | "taking_over";
  /** the leader's client address (host:port), when known */
  leader: string | null;
  term: number;
  /** the last input-log sequence this replica applied */
  appliedSeq: number;
}

/** Statements that change the catalog (or a whole relation) and replicate as their SQL text. */
const REPLICATED_KINDS = new Set<A.Statement["kind"]>([
  "create_table",
  "create_stream",
  "create_view",
  "create_sink",
  "create_source",
  "create_index",
  "create_model",
  "create_secret",
  "create_function",
  "create_role",
  "create_database",
  "create_schema",
  "alter",
  "drop",
  "truncate",
  "grant",
  "alter_default_privileges",
]);

export function replicatesAsText(st: A.Statement): boolean {
  return REPLICATED_KINDS.has(st.kind);
}
