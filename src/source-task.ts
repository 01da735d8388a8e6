// What the database needs of a running source (a generator or a file reader): its counters for
// sage_catalog.sources, and replaying one of its log records during recovery.

import type { LogRecord } from "./storage/index.js";
import type { Chunk } from "./types/index.js";

export type SourceRecord = Extract<LogRecord, { t: "source" }>;

export interface SourceTask {
  readonly rowsProduced: number;
  readonly exhausted: boolean;
  readonly error: string | null;
  /** where the source has durably got to, in its own terms (a CDC source: the upstream LSN) */
  readonly upstreamPosition?: string;
  /** messages that did not decode and were dropped (message sources), and why the last one failed */
  readonly badMessages?: number;
  readonly lastBadMessage?: string | null;
  /** Re-produces what a log record says the source produced (recovery; the log is not appended). */
  replay(rec: SourceRecord): void | Promise<void>;
  /** Where the source is, as plain data a checkpoint stores (the rows before it are in the checkpoint). */
  position(): unknown;
  /** Resumes from a checkpointed position (before start()). */
  restorePosition(position: unknown): void;
  /** The checkpoint holding `position` (from position()) is durable: the source may release what it covers upstream. */
  checkpointCommitted?(position: unknown): void;
  /** why the checkpointer must skip while this source exists (its position cannot be checkpointed yet), or null */
  checkpointBlocker?(): string | null;
  /**
   * Begins reading (idempotent). In cluster mode only the leader coordinator reads
   * (replicated-source.ts starts it when this process leads).
   */
  start(): void;
  /** Stops reading but can start() again (cluster mode: this coordinator stopped leading). */
  halt(): void;
  /**
   * Cluster mode, on every coordinator: applies a batch the leader's reading produced, read back
   * from the input log, and takes its position (what the leader had read up to after the batch)
   * as its own: logs it locally so a restart resumes there, as a single node's commit does.
   */
  applyReplicated(chunks: Chunk[], position: unknown): void;
  stop(): void;
}
