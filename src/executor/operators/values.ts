// Values (source): the rows of a VALUES list, each expression evaluated once (constants,
// parameters, outer values of a correlated subquery, scalar subqueries). State: the next row.

import type { ValuesNode } from "../../planner/physical-plan.js";
import { ChunkBuilder } from "../chunk-builder.js";
import { evalConst } from "../expression/compile.js";
import { CHUNK_SIZE, type Emit, type Message, type OperatorEnv, type SourceOperator } from "../message.js";

export class Values implements SourceOperator {
  readonly name = "Values";
  readonly stateFields = [] as const;
  private pos = 0;

  constructor(
    private readonly node: ValuesNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {}

  next(): boolean {
    const rows = this.node.rows;
    if (this.pos >= rows.length) return false;
    const end = Math.min(rows.length, this.pos + CHUNK_SIZE);
    const b = new ChunkBuilder(this.node.types, (chunk) => this.emit({ kind: "chunk", chunk }));
    for (; this.pos < end; this.pos++) {
      const row = rows[this.pos];
      b.appendValues(
        row.map((e) => evalConst(e, this.env.ctx, this.env.outer)),
        1,
      );
    }
    b.flush();
    return true;
  }

  push(_port: number, msg: Message): void {
    this.emit(msg);
  }
}
