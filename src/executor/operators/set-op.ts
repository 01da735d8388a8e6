// SetOp: UNION / INTERSECT / EXCEPT, with or without ALL, over multisets of rows (NULLs equal,
// as for DISTINCT). Each distinct row counts its net occurrences in the left and right inputs
// (inserts +1, deletes -1); at each barrier a changed row emits the difference between how many
// copies it should now have and how many it has emitted:
//   UNION: l+r (ALL) or [l+r>0] · INTERSECT: min(l,r) or [l>0 ∧ r>0] · EXCEPT: max(l-r,0) or [l>0 ∧ r=0]
// State: distinct rows (RowStore) by key, their left/right counts and emitted copies. With a
// column whose equal values print differently (numeric 1.0 / 1.00, interval, char), also per
// distinct row the copies of each printing (from the inputs whose rows are output: both for UNION,
// the left for INTERSECT and EXCEPT), so the row is shown as a printing still present.

import type { SetOpNode } from "../../planner/physical-plan.js";
import type { Chunk } from "../../types/index.js";
import { AlignedOperator } from "../barrier-aligner.js";
import { ChunkBuilder } from "../chunk-builder.js";
import type { BarrierMessage, Emit, Message, Operator } from "../message.js";
import { exactRowKeys, exactValuesKey, type KeyPrimitive, rowKeys, sameKey } from "../row-key.js";
import { RowStore } from "../row-store.js";

export class SetOp extends AlignedOperator implements Operator {
  readonly name = "SetOp";
  /** what checkpoints capture (see executor/state) */
  readonly stateFields = ["ids", "store", "keyOf", "left", "right", "emitted", "dirty", "dirtyList"] as const;
  private readonly ids = new Map<KeyPrimitive, number>();
  private readonly store: RowStore;
  private keyOf: KeyPrimitive[] = [];
  private left: Float64Array = new Float64Array(64);
  private right: Float64Array = new Float64Array(64);
  private emitted: Float64Array = new Float64Array(64);
  private dirty: Uint8Array = new Uint8Array(64);
  private dirtyList: number[] = [];
  private readonly out: ChunkBuilder;
  /** a column's equal values can print differently: track printings (see the header) */
  private readonly printing: boolean;
  private prints: (Map<KeyPrimitive, { n: number; row: unknown[] }> | undefined)[] = [];
  /** per distinct row: the printing its emitted copies have */
  private shown: (unknown[] | undefined)[] = [];

  constructor(
    private readonly node: SetOpNode,
    private readonly emit: Emit,
  ) {
    super(2);
    this.printing = node.types.some((t) => t.id === "numeric" || t.id === "interval" || t.id === "char");
    this.store = new RowStore(node.types, 64);
    this.out = new ChunkBuilder(node.types, (chunk) => this.emit({ kind: "chunk", chunk }));
  }

  /** distinct rows held in state (sage_catalog.operators, EXPLAIN ANALYZE) */
  get stateRows(): number {
    return this.ids.size;
  }

  private ensure(id: number): void {
    if (id < this.left.length) return;
    const cap = Math.max(id + 1, this.left.length * 2);
    const g = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.left = g(this.left);
    this.right = g(this.right);
    this.emitted = g(this.emitted);
    const d = new Uint8Array(cap);
    d.set(this.dirty);
    this.dirty = d;
  }

  protected onMessage(port: number, msg: Exclude<Message, BarrierMessage>): void {
    if (msg.kind === "chunk") this.onChunk(port, msg.chunk);
  }

  private onChunk(port: number, chunk: Chunk): void {
    const n = chunk.length;
    const keys = rowKeys(chunk.columns, n);
    const ops = chunk.ops;
    const exact = this.printing && (port === 0 || this.node.op === "union") ? exactRowKeys(chunk.columns, n) : null;
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      let id = this.ids.get(k);
      if (id === undefined) {
        id = this.store.append(chunk.columns, i);
        this.ensure(id);
        this.ids.set(k, id);
        this.keyOf[id] = k;
      }
      const w = ops === null ? 1 : ops[i];
      if (exact !== null) {
        let m = this.prints[id];
        if (m === undefined) m = this.prints[id] = new Map();
        const e = m.get(exact[i]);
        if (e !== undefined) {
          e.n += w;
          if (e.n <= 0) m.delete(exact[i]);
        } else if (w > 0) m.set(exact[i], { n: w, row: chunk.row(i) });
      }
      if (port === 0) this.left[id] += w;
      else this.right[id] += w;
      if (this.dirty[id] === 0) {
        this.dirty[id] = 1;
        this.dirtyList.push(id);
      }
    }
  }

  private wanted(l: number, r: number): number {
    if (l < 0) l = 0;
    if (r < 0) r = 0;
    const all = this.node.all;
    switch (this.node.op) {
      case "union":
        return all ? l + r : l + r > 0 ? 1 : 0;
      case "intersect":
        return all ? Math.min(l, r) : l > 0 && r > 0 ? 1 : 0;
      case "except":
        return all ? Math.max(l - r, 0) : l > 0 && r === 0 ? 1 : 0;
    }
  }

  /** Appends `count` copies of a row (`row`, or distinct row `id` as stored) with `op`. */
  private appendCopies(id: number, row: readonly unknown[] | undefined, count: number, op: number): void {
    const width = this.node.types.length;
    for (let k = 0; k < count; k++) {
      for (let c = 0; c < width; c++) this.out.appendValue(c, row !== undefined ? row[c] : this.store.value(c, id));
      this.out.finishRow(op);
    }
  }

  /** The printing to show distinct row `id` as: the one shown while still present, else another present one. */
  private pickPrint(id: number): unknown[] | undefined {
    const m = this.prints[id];
    const cur = this.shown[id];
    if (m === undefined || m.size === 0) return cur;
    if (cur !== undefined && m.has(exactValuesKey(this.node.types, cur))) return cur;
    return m.values().next().value!.row;
  }

  protected onBarrier(barrier: BarrierMessage): void {
    const list = this.dirtyList;
    this.dirtyList = [];
    for (const id of list) {
      this.dirty[id] = 0;
      const want = this.wanted(this.left[id], this.right[id]);
      let row: unknown[] | undefined;
      if (this.printing) {
        const cur = this.shown[id];
        row = this.pickPrint(id);
        if (cur !== undefined && row !== undefined && this.emitted[id] > 0 && !sameKey(exactValuesKey(this.node.types, cur), exactValuesKey(this.node.types, row))) {
          // the printing shown is gone from the input: show another one
          this.appendCopies(id, cur, this.emitted[id], -1);
          this.emitted[id] = 0;
        }
        this.shown[id] = want > 0 ? row : undefined;
      }
      const diff = want - this.emitted[id];
      this.appendCopies(id, row, Math.abs(diff), diff > 0 ? 1 : -1);
      this.emitted[id] = want;
      if (this.left[id] <= 0 && this.right[id] <= 0 && want === 0) {
        this.ids.delete(this.keyOf[id]);
        this.store.free(id);
        this.left[id] = this.right[id] = this.emitted[id] = 0;
        if (this.printing) this.prints[id] = this.shown[id] = undefined;
      }
    }
    this.out.flush();
    this.emit(barrier);
  }
}
