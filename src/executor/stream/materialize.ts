// Materialize (sink): keeps a materialized view's contents, the multiset of rows its query
// produces, in a TableStore that ad-hoc SELECTs scan, and hands the net changes of each epoch to
// the runtime at the barrier (for views on this view and for SUBSCRIBE).
// State: the stored rows, and an index from row value to the row ids holding it (so a -1 finds a
// copy to delete); the changes of the epoch in progress.

import { Chunk, type DataType, SqlError, SqlState } from "../../types/index.js";
import type { TableStore } from "../../storage/index.js";
import { ChunkBuilder, concatChunks } from "../chunk-builder.js";
import type { Message, Operator } from "../message.js";
import { type KeyPrimitive, rowKeys } from "../row-key.js";

export type EpochChanges = (changes: Chunk | null, epoch: number) => void;

export class Materialize implements Operator {
  readonly name = "Materialize";
  private readonly index = new Map<KeyPrimitive, number[]>();
  private pending: Chunk[] = [];
  rowsIn = 0;

  constructor(
    readonly types: readonly DataType[],
    readonly store: TableStore,
    private readonly onEpoch: EpochChanges,
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
    const keys = rowKeys(chunk.columns, n);
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

  /** The net changes since the last barrier: each row's count summed, zero-count rows dropped. */
  private drainChanges(): Chunk | null {
    const chunks = this.pending;
    this.pending = [];
    if (chunks.length === 0) return null;
    const net = new Map<KeyPrimitive, { chunk: Chunk; row: number; count: number }>();
    for (const chunk of chunks) {
      const keys = rowKeys(chunk.columns, chunk.length);
      for (let i = 0; i < chunk.length; i++) {
        let e = net.get(keys[i]);
        if (e === undefined) {
          e = { chunk, row: i, count: 0 };
          net.set(keys[i], e);
        }
        e.count += chunk.op(i);
      }
    }
    let out: Chunk | null = null;
    const parts: Chunk[] = [];
    const b = new ChunkBuilder(this.types, (c) => parts.push(c));
    for (const e of net.values()) {
      if (e.count === 0) continue;
      const row = e.chunk.row(e.row);
      const op = e.count > 0 ? 1 : -1;
      for (let k = 0; k < Math.abs(e.count); k++) b.appendValues(row, op);
    }
    b.flush();
    if (parts.length === 1) out = parts[0];
    else if (parts.length > 1) out = concatChunks(this.types, parts);
    return out;
  }
}
