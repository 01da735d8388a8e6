// What a checkpoint stores of a task that is neither a relation's rows nor a dataflow's operator
// state: a sink's changes not yet confirmed written to its target (and its epoch numbering), so
// that a restore from the checkpoint hands them to the target again and the target's own progress
// (a Postgres progress row, JetStream message ids) decides what it already has.

export interface CheckpointedTask {
  /** Its state as plain JSON data, taken in the same synchronous step as the checkpoint's barrier. */
  checkpointState(): unknown;
  /** Takes back a checkpoint's state (recovery, after the checkpoint's DDL and before the log tail). */
  restoreCheckpointState(state: unknown): void;
}
