// DistinctOn: DISTINCT ON (keys) — passes the first row of each key group in input order (the
// planner sorts the input first); NULL keys form one group. Insert-only input (a delete raises
// 0A000). State: the set of keys seen.

import { SqlError, SqlState } from "../../types/index.js";
import type { DistinctOnNode } from "../../planner/physical-plan.js";
import { compileExpr, type CompiledExpr } from "../expression/compile.js";
import type { Emit, Message, Operator, OperatorEnv } from "../message.js";
import { type KeyPrimitive, rowKeys } from "../row-key.js";

export class DistinctOn implements Operator {
  readonly name = "DistinctOn";
  /** what checkpoints capture (see executor/state) */
  readonly stateFields = ["seen"] as const;
  private readonly keys: CompiledExpr[];
  private readonly seen = new Set<KeyPrimitive>();

  constructor(
    node: DistinctOnNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {
    this.keys = node.keys.map(compileExpr);
  }

  /** distinct keys seen (EXPLAIN ANALYZE, max_query_memory) */
  get stateRows(): number {
    return this.seen.size;
  }

  push(_port: number, msg: Message): void {
    if (msg.kind !== "chunk") {
      if (msg.kind === "barrier") this.emit(msg);
      return;
    }
    const chunk = msg.chunk;
    if (chunk.ops !== null && chunk.ops.some((o) => o !== 1)) {
      throw new SqlError(SqlState.FeatureNotSupported, "DISTINCT ON over a changing input is not supported");
    }
    const n = chunk.length;
    const keys = rowKeys(
      this.keys.map((k) => k(chunk, this.env.ctx, this.env.outer)),
      n,
    );
    const idx = new Int32Array(n);
    let count = 0;
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      if (!this.seen.has(k)) {
        this.seen.add(k);
        idx[count++] = i;
      }
    }
    if (count === n) this.emit(msg);
    else if (count > 0) this.emit({ kind: "chunk", chunk: chunk.take(idx, count) });
  }
}
