// Project: computes one output column per expression over each chunk, keeping the ops. A
// watermark on an input column is forwarded for each output that is that column unchanged, and
// for each output the planner marked monotone in it (its expression evaluated at the watermark).
// No state.

import type { ProjectNode } from "../../planner/physical-plan.js";
import { Chunk, Column } from "../../types/index.js";
import { compileExpr, type CompiledExpr } from "../expression/compile.js";
import type { Emit, Message, Operator, OperatorEnv } from "../message.js";

export class Project implements Operator {
  readonly stateFields = [] as const;
  readonly name = "Project";
  private readonly exprs: CompiledExpr[];

  constructor(
    private readonly node: ProjectNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {
    this.exprs = node.exprs.map(compileExpr);
  }

  /** Output `output` for a row whose column `column` is `value` (the other columns NULL). */
  private evaluateAt(output: number, column: number, value: unknown): unknown {
    const types = this.node.input.types;
    const cols = types.map((t, c) => Column.constant(t, c === column ? value : null, 1));
    return this.exprs[output](new Chunk(cols, 1), this.env.ctx, this.env.outer).get(0);
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
        for (const m of this.node.monotone ?? []) {
          if (m.input !== msg.column) continue;
          const value = this.evaluateAt(m.output, msg.column, msg.value);
          if (value !== null) this.emit({ kind: "watermark", column: m.output, value });
        }
        break;
      case "barrier":
        this.emit(msg);
        break;
    }
  }
}
