// Filter: keeps the rows whose predicate is true (NULL and false drop), with their ops; a chunk
// that passes whole is forwarded as is. Watermarks and barriers pass through. No state.

import type { FilterNode } from "../../planner/physical-plan.js";
import { selectTrue } from "../chunk-builder.js";
import { compileExpr, type CompiledExpr } from "../expression/compile.js";
import type { Emit, Message, Operator, OperatorEnv } from "../message.js";

export class Filter implements Operator {
  readonly stateFields = [] as const;
  readonly name = "Filter";
  private readonly predicate: CompiledExpr;

  constructor(
    node: FilterNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {
    this.predicate = compileExpr(node.predicate);
  }

  push(_port: number, msg: Message): void {
    if (msg.kind !== "chunk") {
      this.emit(msg);
      return;
    }
    const chunk = msg.chunk;
    const mask = this.predicate(chunk, this.env.ctx, this.env.outer);
    const { idx, count } = selectTrue(mask.data as Uint8Array, mask.nulls, chunk.length);
    if (count === chunk.length) this.emit(msg);
    else if (count > 0) this.emit({ kind: "chunk", chunk: chunk.take(idx, count) });
  }
}
