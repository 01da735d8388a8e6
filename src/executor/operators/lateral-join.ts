// LateralJoin: a dependent join (FROM a, LATERAL (...) b; JOIN LATERAL ... ON ...). For each left
// row the `correlated` expressions give the outer values the right plan runs with (a nested query
// in the same ExecutionContext, cached per distinct outer values); each right row is appended to
// the left row and kept when `condition` holds. A left join outputs a left row without matches
// once, NULL-extended. Left rows keep their op (a deleted left row retracts what it produced).
// State: the cache of right results by outer values (for the query run).

import type { Chunk } from "../../types/index.js";
import type { LateralJoinNode } from "../../planner/physical-plan.js";
import { ChunkBuilder, selectTrue } from "../chunk-builder.js";
import { compileExpr, type CompiledExpr } from "../expression/compile.js";
import type { Emit, Message, Operator, OperatorEnv } from "../message.js";
import { type KeyPrimitive, valuesKey } from "../row-key.js";
import { runQuery } from "../run-query.js";

const CACHE_LIMIT = 10000;

export class LateralJoin implements Operator {
  readonly name = "LateralJoin";
  /** what checkpoints capture (see executor/state) */
  readonly stateFields = ["cache"] as const;
  private readonly correlated: CompiledExpr[];
  private readonly condition: CompiledExpr | null;
  private readonly cache = new Map<KeyPrimitive, Chunk[]>();
  private readonly leftWidth: number;

  constructor(
    private readonly node: LateralJoinNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {
    this.correlated = node.correlated.map(compileExpr);
    this.condition = node.condition ? compileExpr(node.condition) : null;
    this.leftWidth = node.left.types.length;
  }

  private right(outerVals: unknown[]): Chunk[] {
    const key = valuesKey(
      this.node.correlated.map((c) => c.type),
      outerVals,
    );
    let r = this.cache.get(key);
    if (r === undefined) {
      r = runQuery(this.node.right, this.env.ctx, outerVals);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, r);
    }
    return r;
  }

  push(_port: number, msg: Message): void {
    if (msg.kind !== "chunk") {
      this.emit(msg);
      return;
    }
    const chunk = msg.chunk;
    const { ctx, outer } = this.env;
    const corr = this.correlated.map((c) => c(chunk, ctx, outer));
    const out = new ChunkBuilder(this.node.types, (c) => this.emit({ kind: "chunk", chunk: c }));
    const lw = this.leftWidth;
    const rw = this.node.right.types.length;
    for (let i = 0; i < chunk.length; i++) {
      const op = chunk.op(i);
      const outerVals = corr.map((c) => c.get(i));
      let matched = false;
      for (const rc of this.right(outerVals)) {
        if (rc.length === 0) continue;
        // the left row repeated beside every right row of this chunk
        const rows: Chunk[] = [];
        const b = new ChunkBuilder(this.node.types, (c) => rows.push(c));
        for (let j = 0; j < rc.length; j++) {
          b.appendPart(chunk.columns, i, 0);
          b.appendPart(rc.columns, j, lw);
          b.finishRow(1);
        }
        b.flush();
        for (const combined of rows) {
          let idx: ArrayLike<number> | null = null;
          let count = combined.length;
          if (this.condition !== null) {
            const mask = this.condition(combined, ctx, outer);
            const sel = selectTrue(mask.data as Uint8Array, mask.nulls, combined.length);
            idx = sel.idx;
            count = sel.count;
          }
          for (let k = 0; k < count; k++) {
            const j = idx === null ? k : idx[k];
            out.appendPart(combined.columns, j, 0);
            out.finishRow(op);
          }
          if (count > 0) matched = true;
        }
      }
      if (!matched && this.node.joinType === "left") {
        out.appendPart(chunk.columns, i, 0);
        out.appendNulls(lw, rw);
        out.finishRow(op);
      }
    }
    out.flush();
  }
}
