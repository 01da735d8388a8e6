// Scan (source): reads a relation's current contents through ctx.relations, one chunk per
// next() call, split to at most CHUNK_SIZE rows. State: the open iterator.

import type { Chunk } from "../../types/index.js";
import type { ScanNode } from "../../planner/physical-plan.js";
import { emitChunk } from "../chunk-builder.js";
import type { Emit, Message, OperatorEnv, SourceOperator } from "../message.js";

export class Scan implements SourceOperator {
  readonly name = "Scan";
  private iter: Iterator<Chunk> | null = null;

  constructor(
    private readonly node: ScanNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {}

  next(): boolean {
    this.iter ??= this.env.ctx.relations.scan(this.node.relation, this.node.columns)[Symbol.iterator]();
    for (;;) {
      const r = this.iter.next();
      if (r.done === true) return false;
      if (r.value.length === 0) continue;
      emitChunk(this.emit, r.value);
      return true;
    }
  }

  push(_port: number, msg: Message): void {
    this.emit(msg);
  }
}
