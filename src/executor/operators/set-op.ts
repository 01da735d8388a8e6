// SetOp: UNION / INTERSECT / EXCEPT, with or without ALL, over multisets of rows (NULLs equal,
// as for DISTINCT). Each distinct row counts its net occurrences in the left and right inputs
// (inserts +1, deletes -1); at each barrier a changed row emits the difference between how many
// copies it should now have and how many it has emitted:
//   UNION: l+r (ALL) or [l+r>0] · INTERSECT: min(l,r) or [l>0 ∧ r>0] · EXCEPT: max(l-r,0) or [l>0 ∧ r=0]
// State: distinct rows (RowStore) by key, their left/right counts and emitted copies.

import type { SetOpNode } from "../../planner/physical-plan.js";
import type { Chunk } from "../../types/index.js";
import { AlignedOperator } from "../barrier-aligner.js";
import { ChunkBuilder } from "../chunk-builder.js";
import type { BarrierMessage, Emit, Message, Operator } from "../message.js";
import { type KeyPrimitive, rowKeys } from "../row-key.js";
import { RowStore } from "../row-store.js";

export class SetOp extends AlignedOperator implements Operator {
  readonly name = "SetOp";
  private readonly ids = new Map<KeyPrimitive, number>();
  private readonly store: RowStore;
  private keyOf: KeyPrimitive[] = [];
  private left: Float64Array = new Float64Array(64);
  private right: Float64Array = new Float64Array(64);
  private emitted: Float64Array = new Float64Array(64);
  private dirty: Uint8Array = new Uint8Array(64);
  private dirtyList: number[] = [];
  private readonly out: ChunkBuilder;

  constructor(
    private readonly node: SetOpNode,
    private readonly emit: Emit,
  ) {
    super(2);
    this.store = new RowStore(node.types, 64);
    this.out = new ChunkBuilder(node.types, (chunk) => this.emit({ kind: "chunk", chunk }));
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

  protected onBarrier(barrier: BarrierMessage): void {
    const list = this.dirtyList;
    this.dirtyList = [];
    const width = this.node.types.length;
    for (const id of list) {
      this.dirty[id] = 0;
      const want = this.wanted(this.left[id], this.right[id]);
      const diff = want - this.emitted[id];
      const op = diff > 0 ? 1 : -1;
      for (let k = 0; k < Math.abs(diff); k++) {
        for (let c = 0; c < width; c++) this.out.appendValue(c, this.store.value(c, id));
        this.out.finishRow(op);
      }
      this.emitted[id] = want;
      if (this.left[id] <= 0 && this.right[id] <= 0 && want === 0) {
        this.ids.delete(this.keyOf[id]);
        this.store.free(id);
        this.left[id] = this.right[id] = this.emitted[id] = 0;
      }
    }
    this.out.flush();
    this.emit(barrier);
  }
}
