// Scan (source): reads a relation's current contents through ctx.relations, one chunk per
// next() call, split to at most CHUNK_SIZE rows; with keyEquals, only the row with that key
// (looked up by the relation's unique key, when it can). State: the open iterator.

import type { Chunk } from "../../types/index.js";
import type { ScanNode } from "../../planner/physical-plan.js";
import { emitChunk } from "../chunk-builder.js";
import type { Emit, Message, OperatorEnv, SourceOperator } from "../message.js";

export class Scan implements SourceOperator {
  readonly name = "Scan";
  readonly stateFields = [] as const;
  private iter: Iterator<Chunk> | null = null;

  constructor(
    private readonly node: ScanNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {}

  next(): boolean {
    this.iter ??= this.open()[Symbol.iterator]();
    for (;;) {
      const r = this.iter.next();
      if (r.done === true) return false;
      if (r.value.length === 0) continue;
      emitChunk(this.emit, r.value);
      return true;
    }
  }

  private open(): Iterable<Chunk> {
    const { relations, params } = this.env.ctx;
    const key = this.node.keyEquals;
    if (key !== undefined && relations.lookup !== undefined) {
      const value = key.value.kind === "const" ? key.value.value : params[key.value.index];
      // a NULL key matches nothing; the filter above would drop every row anyway
      if (value === null || value === undefined) return [];
      const found = relations.lookup(this.node.relation, this.node.columns, key.column, value);
      if (found !== undefined) return found;
    }
    return relations.scan(this.node.relation, this.node.columns);
  }

  push(_port: number, msg: Message): void {
    this.emit(msg);
  }
}
