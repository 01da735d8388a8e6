// The streaming runtime of one process: every running dataflow, in dependency order, and the
// subscribers of relations. A write publishes its changes; a barrier then moves every dataflow to
// the next epoch, in order, so a view's changes reach the views built on it within the same epoch.
// Everything runs synchronously: when `barrier()` returns, every view reflects every write
// published before it (read-your-writes), and ad-hoc reads between barriers see one consistent
// epoch across all views. The exception is the async AI map (remote model calls): its rows, and
// the barriers behind them, come out when the model answers; `settle()` (FLUSH) waits for that,
// and `admit()` holds writers back while the dataflows hold too many unanswered rows.

import type { Chunk } from "../../types/index.js";
import type { Dataflow } from "./dataflow.js";

export type ChangeListener = (changes: Chunk, epoch: number) => void;

/** Unanswered rows the dataflows may hold before writers wait (backpressure). */
export const MAX_PENDING_MODEL_ROWS = 10_000;

/**
 * What a dataflow being backfilled missed: the changes and watermarks published to its inputs
 * since its snapshot was taken, in order, to deliver once the snapshot is in (see hold()).
 */
export class HeldInputs {
  readonly messages: ({ relation: string; changes: Chunk } | { relation: string; column: number; value: unknown })[] = [];
  constructor(readonly inputs: ReadonlySet<string>) {}

  /** Delivers what was held to `df`, in publication order. */
  replayInto(df: Dataflow): void {
    for (const m of this.messages) {
      if ("changes" in m) df.deliver(m.relation, m.changes);
      else df.deliverWatermark(m.relation, m.column, m.value);
    }
    this.messages.length = 0;
  }
}

export class StreamRuntime {
  private dataflows: Dataflow[] = [];
  /** inputs of dataflows being backfilled: their changes are kept until the dataflow is added */
  private readonly holds = new Set<HeldInputs>();
  private readonly listeners = new Map<string, Set<ChangeListener>>();
  /** changes of base relations published since the last barrier, for their subscribers */
  private pendingForListeners = new Map<string, Chunk[]>();
  private lastEpoch = 0;
  private dirty = false;
  private ticker: NodeJS.Timeout | null = null;
  /**
   * The clock epochs come from (ms since the Unix epoch). Temporal filters read it through the
   * barriers, and sessions read it for now(): tests replace it to move time without sleeping.
   */
  clock: () => number = Date.now;
  /** How often barriers tick while a dataflow reads the clock (temporal filters), ms. */
  tickMillis = 1000;
  private barrierScheduled = false;
  /** told how long each barrier took to pass through every dataflow, ms (/metrics) */
  private readonly barrierListeners = new Set<(ms: number) => void>();

  /** Calls `listener` with the latency of every barrier; returns the function that stops it. */
  onBarrier(listener: (ms: number) => void): () => void {
    this.barrierListeners.add(listener);
    return () => {
      this.barrierListeners.delete(listener);
    };
  }

  /** The current epoch: a logical timestamp, increasing, close to wall-clock milliseconds. */
  get epoch(): number {
    return this.lastEpoch;
  }

  add(df: Dataflow): void {
    // answers arriving later change views that others read: a barrier carries them on
    df.onAsyncEmit = () => this.scheduleBarrier();
    this.dataflows.push(df);
    this.updateTicker();
  }

  remove(id: string): void {
    for (const d of this.dataflows) if (d.id === id) d.close();
    this.dataflows = this.dataflows.filter((d) => d.id !== id);
    this.updateTicker();
  }

  /** While some dataflow reads the clock, a timer forces barriers so that time moves it even without input. */
  private updateTicker(): void {
    const needed = this.dataflows.some((d) => d.readsClock);
    if (needed && this.ticker === null) {
      this.ticker = setInterval(() => {
        try {
          this.tick();
        } catch {
          // a failing dataflow fails the next statement that writes to it; a timer must not crash the process
        }
      }, this.tickMillis);
      this.ticker.unref();
    } else if (!needed && this.ticker !== null) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  /** A barrier even without changes: dataflows that read the clock see the time move. */
  tick(): number {
    return this.barrier(this.dataflows.some((d) => d.readsClock));
  }

  /** Stops the clock ticks (the database is closing). */
  stop(): void {
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
  }

  private scheduleBarrier(): void {
    if (this.barrierScheduled) return;
    this.barrierScheduled = true;
    setImmediate(() => {
      this.barrierScheduled = false;
      if (this.dirty) this.barrier();
    });
  }

  /** Unanswered rows held by async operators, over all dataflows. */
  get pendingRows(): number {
    let n = 0;
    for (const df of this.dataflows) n += df.pendingRows;
    return n;
  }

  /** Whether writers should wait (see admit). */
  get overloaded(): boolean {
    return this.pendingRows > this.maxPendingRows;
  }

  /** Unanswered rows the dataflows may hold before writers wait. */
  maxPendingRows = MAX_PENDING_MODEL_ROWS;

  /** Waits until the dataflows hold at most maxPendingRows unanswered rows: a slow model slows its writers. */
  async admit(): Promise<void> {
    while (this.pendingRows > this.maxPendingRows) await this.anyProgress();
  }

  /**
   * FLUSH: waits until every dataflow has emitted everything it accepted (model answers included)
   * and every view reflects it. Dataflows stopped by on_error = 'fail' are listed by failures().
   */
  async settle(): Promise<void> {
    for (;;) {
      if (this.pendingRows > 0) {
        await this.anyProgress();
        continue;
      }
      if (!this.dirty) break;
      this.barrier();
    }
  }

  /** Dataflows stopped by a model failure under on_error = 'fail', with the failure. */
  failures(): { id: string; error: Error }[] {
    return this.dataflows.flatMap((df) => (df.failure ? [{ id: df.id, error: df.failure }] : []));
  }

  private anyProgress(): Promise<void> {
    const busy = this.dataflows.flatMap((d) => d.asyncOperators).filter((o) => o.pendingRows > 0 && !o.failure);
    if (busy.length === 0) return Promise.resolve();
    return Promise.race(busy.map((o) => o.progress()));
  }

  get(id: string): Dataflow | undefined {
    return this.dataflows.find((d) => d.id === id);
  }

  all(): readonly Dataflow[] {
    return this.dataflows;
  }

  /** Whether anything consumes the changes of `relation` (writes skip building change chunks otherwise). */
  hasConsumers(relation: string): boolean {
    for (const h of this.holds) if (h.inputs.has(relation)) return true;
    return (this.listeners.get(relation)?.size ?? 0) > 0 || this.dataflows.some((d) => d.inputs.includes(relation));
  }

  /**
   * Keeps what is published to `inputs` from now on, for a dataflow whose backfill from a snapshot
   * taken now yields to the event loop (writes go on meanwhile). Call release() when it is added
   * (after replayInto) or abandoned.
   */
  hold(inputs: Iterable<string>): HeldInputs & { release(): void } {
    const held = Object.assign(new HeldInputs(new Set(inputs)), { release: () => void this.holds.delete(held) });
    this.holds.add(held);
    return held;
  }

  listen(relation: string, listener: ChangeListener): () => void {
    let set = this.listeners.get(relation);
    if (!set) {
      set = new Set();
      this.listeners.set(relation, set);
    }
    set.add(listener);
    return () => {
      set!.delete(listener);
    };
  }

  /** A relation changed: hand the changes to the dataflows reading it (effective at the next barrier). */
  publish(relation: string, changes: Chunk, fromDataflow = false): void {
    if (changes.length === 0) return;
    this.dirty = true;
    for (const df of this.dataflows) if (df.id !== relation) df.deliver(relation, changes);
    for (const h of this.holds) if (h.inputs.has(relation)) h.messages.push({ relation, changes });
    if (!fromDataflow && this.listeners.has(relation)) {
      const list = this.pendingForListeners.get(relation);
      if (list) list.push(changes);
      else this.pendingForListeners.set(relation, [changes]);
    }
  }

  /** A stream's watermark moved: every dataflow reading it learns (after the changes before it). */
  publishWatermark(relation: string, column: number, value: unknown): void {
    this.dirty = true;
    for (const df of this.dataflows) df.deliverWatermark(relation, column, value);
    for (const h of this.holds) if (h.inputs.has(relation)) h.messages.push({ relation, column, value });
  }

  /** Called by a materialized view's sink at a barrier with its net changes for the epoch. */
  viewChanged(relation: string, changes: Chunk | null, epoch: number): void {
    if (changes === null || changes.length === 0) return;
    this.publish(relation, changes, true);
    for (const l of this.listeners.get(relation) ?? []) l(changes, epoch);
  }

  nextEpoch(): number {
    this.lastEpoch = Math.max(this.lastEpoch + 1, this.clock());
    return this.lastEpoch;
  }

  /** Moves every dataflow to a new epoch; returns it. A no-op when nothing changed. */
  barrier(force = false): number {
    if (!this.dirty && !force) return this.lastEpoch;
    const epoch = this.nextEpoch();
    const pending = this.pendingForListeners;
    this.pendingForListeners = new Map();
    for (const [relation, chunks] of pending) {
      for (const c of chunks) for (const l of this.listeners.get(relation) ?? []) l(c, epoch);
    }
    const started = this.barrierListeners.size > 0 ? performance.now() : 0;
    for (const df of this.dataflows) df.barrier(epoch);
    this.dirty = false;
    if (this.barrierListeners.size > 0) {
      const ms = performance.now() - started;
      for (const l of this.barrierListeners) l(ms);
    }
    return epoch;
  }
}
