// What the database needs of a running source (a generator or a file reader): its counters for
// sage_catalog.sources, and replaying one of its log records during recovery.

import type { LogRecord } from "./storage/index.js";

export type SourceRecord = Extract<LogRecord, { t: "source" }>;

export interface SourceTask {
  readonly rowsProduced: number;
  readonly exhausted: boolean;
  readonly error: string | null;
  /** messages that did not decode and were dropped (message sources), and why the last one failed */
  readonly badMessages?: number;
  readonly lastBadMessage?: string | null;
  /** Re-produces what a log record says the source produced (recovery; the log is not appended). */
  replay(rec: SourceRecord): void | Promise<void>;
  stop(): void;
}
