// What a sink's target does (a directory of files, a Postgres table): write one batch of a
// relation's net changes. The sink runtime (src/sink.ts) gathers the changes, decides when a batch
// is cut, retries a batch whose write failed for a passing reason, and reports status; a writer only
// knows its target.

import type { Chunk } from "../types/index.js";

export interface SinkBatch {
  /** increasing within the process; a batch tried again after a failure keeps its id */
  readonly id: number;
  /** the database log position the batch covers: its changes come from log records up to here */
  readonly upTo: number;
  /**
   * The batch's net changes (ops +1/-1), leaving out changes that came from log records at or before
   * `committed` (a target that stores its progress skips what it committed before a restart).
   * null when nothing is left.
   */
  changes(committed: number): Chunk | null;
  /** The same changes epoch by epoch, in order (each chunk an epoch's net changes). */
  epochs(committed: number): Chunk[];
  /**
   * Every epoch of the batch with its number: the sink's input epochs counted from its creation,
   * the same for an epoch re-made by a replay or restored from a checkpoint (message ids).
   */
  numbered(): { seq: number; chunk: Chunk }[];
}

export interface SinkWriter {
  /** the connector's name, for sage_catalog.sink_status */
  readonly connector: string;
  /**
   * Whether the writer stores its progress with the data (exactly-once): changes re-made while the
   * log replays are then handed to it, for it to skip what it had written. A writer that does not
   * never sees replayed changes.
   */
  readonly exactlyOnce: boolean;
  /** Writes a batch (all or nothing where the target allows it). */
  write(batch: SinkBatch): Promise<void>;
  /**
   * What the target holds already, for a cluster standby to let go of (src/sink.ts): changes of log
   * positions up to `position`, or epochs numbered below `epoch`; null when it cannot say.
   */
  confirmed?(): Promise<{ position: number } | { epoch: number } | null>;
  /** Whether a failure is passing (target down, connection lost): the batch is kept and retried. */
  retryable(error: unknown): boolean;
  close(): Promise<void>;
}
