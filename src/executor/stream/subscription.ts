// SUBSCRIBE: a push query. It first delivers the current contents (as inserts), then every change
// with its op and the epoch (a logical timestamp) at which it became visible, until cancelled.
// Changes queue here until the consumer takes them; a consumer that falls too far behind is cut
// off with an error rather than letting the queue grow without bound.

import { Chunk, SqlError, SqlState, Types, type ChangeFeedHandle, type ResultColumn } from "../../types/index.js";

/** Rows a subscriber may have waiting before it is dropped. */
export const MAX_QUEUED_ROWS = 1_000_000;

export interface SubscriptionBatch {
  /** each row: op ('insert' | 'delete'), ts (epoch, bigint), then the relation's columns */
  rows: unknown[][];
}

export class Subscription implements ChangeFeedHandle {
  readonly columns: ResultColumn[];
  private queue: unknown[][][] = [];
  private queued = 0;
  private waiting: ((batch: unknown[][] | null) => void) | null = null;
  private failure: SqlError | null = null;
  private closed = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(columns: ResultColumn[]) {
    this.columns = [{ name: "op", type: Types.text }, { name: "ts", type: Types.bigint }, ...columns];
  }

  onClose(cleanup: () => void): void {
    this.cleanups.push(cleanup);
  }

  /** Queues the changes of one epoch. */
  deliver(changes: Chunk, epoch: number): void {
    if (this.closed || changes.length === 0) return;
    const ts = BigInt(epoch);
    const rows: unknown[][] = [];
    for (let i = 0; i < changes.length; i++) rows.push([changes.op(i) > 0 ? "insert" : "delete", ts, ...changes.row(i)]);
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(rows);
      return;
    }
    this.queue.push(rows);
    this.queued += rows.length;
    if (this.queued > MAX_QUEUED_ROWS) {
      this.fail(new SqlError(SqlState.ProgramLimitExceeded, `subscriber fell more than ${MAX_QUEUED_ROWS} rows behind and was disconnected`));
    }
  }

  private fail(err: SqlError): void {
    this.failure = err;
    this.queue = [];
    this.queued = 0;
    this.cancel();
  }

  /** The next batch of change rows; waits for one; null once cancelled. Throws if the subscription failed. */
  next(): Promise<unknown[][] | null> {
    if (this.failure) return Promise.reject(this.failure);
    const batch = this.queue.shift();
    if (batch) {
      this.queued -= batch.length;
      return Promise.resolve(batch);
    }
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /** Stops the subscription (the consumer cancelled or went away). */
  cancel(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.cleanups) c();
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(null);
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
