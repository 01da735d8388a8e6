// What CREATE SINK wires a relation's (or query's) changes to: one writer per connector.

import type { Chunk } from "./types/index.js";

export interface SinkWriter {
  /** The changes of one epoch (null or empty: nothing changed). */
  accept(changes: Chunk | null): void;
  /** What stops the changes flowing in (called by stop). */
  setSource(unlisten: () => void): void;
  stop(): void;
  /**
   * Whether the writer also takes the changes recovery replays (and the relation's rows when
   * the sink is re-created from the log): it numbers epochs from its creation and skips what
   * was already written. A writer without it sees only changes made after the restart.
   */
  readonly replaysChanges?: boolean;
}
