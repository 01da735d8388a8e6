// Project: computes one output column per expression over each chunk, keeping the ops. A
// watermark on an input column is forwarded for each output that is that column unchanged.
// No state.

import type { ProjectNode } from "../../planner/physical-plan.js";
import { compileExpr, type CompiledExpr } from "../expression/compile.js";
import type { Emit, Message, Operator, OperatorEnv } from "../message.js";

export class Project implements Operator {
  readonly name = "Project";
  private readonly exprs: CompiledExpr[];

  constructor(
    private readonly node: ProjectNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {
    this.exprs = node.exprs.map(compileExpr);
  }

  push(_port: number, msg: Message): void {
    switch (msg.kind) {
      case "chunk": {
        const chunk = msg.chunk;
        const cols = this.exprs.map((e) => e(chunk, this.env.ctx, this.env.outer));
        this.emit({ kind: "chunk", chunk: chunk.withColumns(cols) });
        break;
      }
      case "watermark":
        this.node.exprs.forEach((e, i) => {
          if (e.kind === "column" && e.index === msg.column) this.emit({ kind: "watermark", column: i, value: msg.value });
        });
        break;
      case "barrier":
        this.emit(msg);
        break;
    }
  }
}
