// Materialize (sink): keeps a materialized view's contents, the multiset of rows its query
// produces, in a TableStore that ad-hoc SELECTs scan, and hands the net changes of each epoch to
// the runtime at the barrier (for views on this view and for SUBSCRIBE).
// State: the stored rows, and an index from row value to the row ids holding it (so a -1 finds a
// copy to delete; keyed by representation, so a -1 of numeric 1.00 never deletes a 1.0); the
// changes of the epoch in progress.
// Why the index is built lazily: most views over streams only ever receive inserts (projections
// and filters), and keying every row was their main cost. Until the first delete, inserts are
// appended to the store a chunk at a time and no index is kept; the first chunk holding a delete
// builds it once from the stored rows (the same way a restore does). The store alone is what
// checkpoints capture, so the index being absent changes nothing there.

import { Chunk, type DataType, SqlError, SqlState } from "../../types/index.js";
import { ROW_ID_COLUMN, type TableStore } from "../../storage/index.js";
import type { Message, Operator } from "../message.js";
import { exactRowKeys, type KeyPrimitive } from "../row-key.js";
import { netChanges } from "./net-changes.js";

export type EpochChanges = (changes: Chunk | null, epoch: number) => void;

export class Materialize implements Operator {
  readonly name = "Materialize";
  /** what checkpoints capture (see executor/state) */
  readonly stateFields = [] as const;
  private readonly index = new Map<KeyPrimitive, number[]>();
  /** whether `index` covers the stored rows (false until a delete needs it) */
  private indexed = false;
  private pending: Chunk[] = [];
  rowsIn = 0;

  constructor(
    readonly types: readonly DataType[],
    readonly store: TableStore,
    private readonly onEpoch: EpochChanges,
    /** whether anything reads the view's changes (views on it, SUBSCRIBE); when not, they are not computed */
    private readonly hasConsumers: () => boolean = () => true,
  ) {}

  push(_port: number, msg: Message): void {
    if (msg.kind === "chunk") {
      this.apply(msg.chunk);
      return;
    }
    if (msg.kind === "barrier") {
      this.onEpoch(this.drainChanges(), msg.epoch);
    }
    // watermarks end here: a view's contents do not depend on them
  }

  private apply(chunk: Chunk): void {
    const n = chunk.length;
    if (n === 0) return;
    this.rowsIn += n;
    if (!this.indexed) {
      if (insertsOnly(chunk)) {
        this.store.appendChunk(chunk);
        this.pending.push(chunk);
        return;
      }
      this.buildIndex();
    }
    const keys = exactRowKeys(chunk.columns, n);
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      if (chunk.op(i) > 0) {
        const id = this.store.appendRow(chunk.row(i));
        const ids = this.index.get(k);
        if (ids) ids.push(id);
        else this.index.set(k, [id]);
      } else {
        const ids = this.index.get(k);
        const id = ids?.pop();
        if (id === undefined) {
          throw new SqlError(SqlState.InternalError, "internal error: a materialized view was asked to delete a row it does not hold");
        }
        if (ids!.length === 0) this.index.delete(k);
        this.store.delete(id);
      }
    }
    this.pending.push(chunk);
  }

  /** After a checkpoint restored the store (the view's relation): the index is rebuilt when a delete needs it. */
  afterRestore(): void {
    this.index.clear();
    this.indexed = false;
  }

  private buildIndex(): void {
    this.index.clear();
    this.indexed = true;
    const all = this.types.map((_, i) => i);
    for (const chunk of this.store.scan([ROW_ID_COLUMN, ...all])) {
      const ids = chunk.columns[0];
      const keys = exactRowKeys(chunk.columns.slice(1), chunk.length);
      for (let i = 0; i < chunk.length; i++) {
        const id = ids.get(i) as number;
        const list = this.index.get(keys[i]);
        if (list) list.push(id);
        else this.index.set(keys[i], [id]);
      }
    }
  }

  /** The net changes since the last barrier. */
  private drainChanges(): Chunk | null {
    const chunks = this.pending;
    this.pending = [];
    if (chunks.length === 0 || !this.hasConsumers()) return null;
    return netChanges(this.types, chunks);
  }
}

function insertsOnly(chunk: Chunk): boolean {
  const ops = chunk.ops;
  if (ops === null) return true;
  for (let i = 0; i < chunk.length; i++) if (ops[i] < 0) return false;
  return true;
}
