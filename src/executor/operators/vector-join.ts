// VectorJoin: for each left row, runs `probe` (a nested plan over a VectorIndexScan whose query
// vector reads the row through `correlated`) against the HNSW index as it stands at that moment,
// and emits left ++ probe columns where `condition` holds; a left join emits an unmatched left
// row once, NULL-extended. Nothing is cached: on a stream each row is looked up at arrival time.
// State: for each live left row (by value), the output rows its inserts produced, so that a
// deleted left row retracts exactly those even when the index has changed since.

import type { Chunk } from "../../types/index.js";
import type { VectorJoinNode } from "../../planner/physical-plan.js";
import { ChunkBuilder, selectTrue } from "../chunk-builder.js";
import { compileExpr, type CompiledExpr } from "../expression/compile.js";
import type { Emit, Message, Operator, OperatorEnv } from "../message.js";
import { type KeyPrimitive, rowKeys } from "../row-key.js";
import { runQuery } from "../run-query.js";

export class VectorJoin implements Operator {
  readonly name = "VectorJoin";
  readonly stateFields = ["produced"] as const;
  private readonly correlated: CompiledExpr[];
  private readonly condition: CompiledExpr | null;
  /** left row key → the output rows of each of its live inserts (oldest first) */
  private readonly produced = new Map<KeyPrimitive, unknown[][][]>();

  constructor(
    private readonly node: VectorJoinNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
    /** keep what each left row produced (not needed when no deletes will flow: ad-hoc queries) */
    private readonly options: { keepState: boolean } = { keepState: true },
  ) {
    this.correlated = node.correlated.map(compileExpr);
    this.condition = node.condition ? compileExpr(node.condition) : null;
  }

  /** The output rows of left row i (probe runs now). */
  private join(chunk: Chunk, i: number, corr: { get(i: number): unknown }[]): unknown[][] {
    const { ctx, outer } = this.env;
    const left = chunk.columns.map((c) => c.get(i));
    const rows: unknown[][] = [];
    for (const rc of runQuery(this.node.probe, ctx, corr.map((c) => c.get(i)))) {
      for (let j = 0; j < rc.length; j++) rows.push([...left, ...rc.columns.map((c) => c.get(j))]);
    }
    if (this.condition !== null && rows.length > 0) {
      const combined: Chunk[] = [];
      const b = new ChunkBuilder(this.node.types, (c) => combined.push(c));
      for (const r of rows) b.appendValues(r, 1);
      b.flush();
      const kept: unknown[][] = [];
      let base = 0;
      for (const c of combined) {
        const mask = this.condition(c, ctx, outer);
        const sel = selectTrue(mask.data as Uint8Array, mask.nulls, c.length);
        for (let k = 0; k < sel.count; k++) kept.push(rows[base + sel.idx[k]]);
        base += c.length;
      }
      rows.length = 0;
      rows.push(...kept);
    }
    if (rows.length === 0 && this.node.joinType === "left") {
      rows.push([...left, ...this.node.probe.types.map(() => null)]);
    }
    return rows;
  }

  push(_port: number, msg: Message): void {
    if (msg.kind !== "chunk") {
      this.emit(msg);
      return;
    }
    const chunk = msg.chunk;
    const { ctx, outer } = this.env;
    const corr = this.correlated.map((c) => c(chunk, ctx, outer));
    const keys = rowKeys(chunk.columns, chunk.length);
    const out = new ChunkBuilder(this.node.types, (c) => this.emit({ kind: "chunk", chunk: c }));
    for (let i = 0; i < chunk.length; i++) {
      const op = chunk.op(i);
      if (op > 0) {
        const rows = this.join(chunk, i, corr);
        for (const r of rows) out.appendValues(r, 1);
        if (!this.options.keepState) continue;
        const list = this.produced.get(keys[i]);
        if (list) list.push(rows);
        else this.produced.set(keys[i], [rows]);
      } else {
        // retract what the matching insert produced (a delete of a row never inserted: nothing)
        const list = this.produced.get(keys[i]);
        const rows = list?.shift();
        if (list && list.length === 0) this.produced.delete(keys[i]);
        for (const r of rows ?? []) out.appendValues(r, -1);
      }
    }
    out.flush();
  }
}
