// Sort (batch): collects its input and, at the final barrier, emits it ordered by the sort keys
// (stable; NULLS FIRST/LAST; see sort-order.ts) in chunks of CHUNK_SIZE rows. Deletes cancel
// earlier inserts of equal rows. Intermediate barriers pass through with no output: an ORDER BY
// only has meaning for the final, consistent result.
// State: the input chunks and their evaluated sort-key columns.

import type { SortNode } from "../../planner/physical-plan.js";
import type { Chunk } from "../../types/index.js";
import { concatChunks, consolidate } from "../chunk-builder.js";
import { compileExpr, type CompiledExpr } from "../expression/compile.js";
import { CHUNK_SIZE, type Emit, type Message, type Operator, type OperatorEnv } from "../message.js";
import { sortIndices } from "../sort-order.js";

export class Sort implements Operator {
  readonly name = "Sort";
  /** what checkpoints capture (see executor/state) */
  readonly stateFields = ["chunks", "buffered", "sawDelete"] as const;
  private readonly keys: CompiledExpr[];
  private chunks: Chunk[] = [];
  private buffered = 0;
  private sawDelete = false;

  constructor(
    private readonly node: SortNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
    /** only this many leading rows are wanted (a LIMIT above); Infinity: all */
    private readonly topN = Infinity,
  ) {
    this.keys = node.keys.map((k) => compileExpr(k.expr));
  }

  push(_port: number, msg: Message): void {
    if (msg.kind === "chunk") {
      const c = msg.chunk;
      if (c.length === 0) return;
      this.chunks.push(c);
      this.buffered += c.length;
      if (c.ops !== null && c.ops.some((o) => o !== 1)) this.sawDelete = true;
      if (this.topN !== Infinity && !this.sawDelete && this.buffered > Math.max(4 * this.topN, 65536)) this.truncate();
      return;
    }
    if (msg.kind === "barrier") {
      if (msg.final) this.flush();
      this.emit(msg);
    }
  }

  /** rows buffered until the final barrier (EXPLAIN ANALYZE, max_query_memory) */
  get stateRows(): number {
    return this.buffered;
  }

  /** All buffered rows, in order (at most topN). */
  private sorted(): { all: Chunk; order: Int32Array } {
    const all = consolidate(concatChunks(this.node.types, this.chunks));
    this.chunks = [];
    const { ctx, outer } = this.env;
    const keyCols = this.keys.map((k) => k(all, ctx, outer));
    const order = sortIndices(keyCols, this.node.keys, all.length);
    return { all, order: order.length > this.topN ? order.subarray(0, this.topN) : order };
  }

  /** Keeps only the first topN rows (stable: kept rows precede later arrivals on ties). */
  private truncate(): void {
    const { all, order } = this.sorted();
    this.chunks = [all.take(order)];
    this.buffered = order.length;
  }

  private flush(): void {
    if (this.chunks.length === 0) return;
    const { all, order } = this.sorted();
    const n = order.length;
    for (let s = 0; s < n; s += CHUNK_SIZE) {
      const e = Math.min(n, s + CHUNK_SIZE);
      this.emit({ kind: "chunk", chunk: all.take(order.subarray(s, e)) });
    }
  }
}
