// Where a coordinator's replica is in the cluster's input log: the sequence of the last message it
// applied. It is kept with the data it describes, so a restart resumes right after it (no message
// missed, none applied twice): every local log record written while a message is applied carries
// the message's sequence (LogRecord.logSeq), and each checkpoint stores the position (as a
// checkpointed task) before the local log is truncated.

import type { CheckpointedTask } from "./checkpointed-task.js";
import type { LogRecord } from "./storage/index.js";

/** the checkpointed-task key the position is stored under */
export const REPLICA_POSITION_TASK = "$replica_position";

export class ReplicaPosition implements CheckpointedTask {
  /** the last input-log sequence applied (0: none) */
  seq = 0;
  /** the highest leader term seen in the log so far (a message of an older term is ignored) */
  term = 0;
  /** the sequence of the message being applied now */
  applying: number | undefined;

  /**
   * marks records logged while a message is applied (and counts the message as applied from then
   * on); in cluster mode sources read only on the leader and log nothing of their own, so a source
   * record too comes from a message (a source's batch, replicated-source.ts)
   */
  stamp(records: LogRecord[]): void {
    if (this.applying === undefined) return;
    for (const r of records) {
      r.logSeq = this.applying;
      r.logTerm = this.term;
    }
    this.applied(this.applying);
  }

  applied(seq: number): void {
    if (seq > this.seq) this.seq = seq;
  }

  /** a local log record read back at recovery */
  replayed(seq: number, term: number | undefined): void {
    this.applied(seq);
    if (term !== undefined && term > this.term) this.term = term;
  }

  checkpointState(): unknown {
    return { seq: this.seq, term: this.term };
  }

  restoreCheckpointState(state: unknown): void {
    const s = state as { seq?: unknown; term?: unknown } | null;
    if (typeof s?.seq === "number") this.replayed(s.seq, typeof s.term === "number" ? s.term : undefined);
  }
}
