// WorkTableScan (source): the working table of an enclosing recursive CTE — the rows its previous
// round produced — read by the recursive term. The RecursiveCte operator publishes each round's
// rows under its id in the query's ExecutionContext before it runs the recursive term. State: none.

import type { Chunk } from "../../types/index.js";
import type { WorkTableScanNode } from "../../planner/physical-plan.js";
import { emitChunk } from "../chunk-builder.js";
import type { Emit, ExecutionContext, Message, OperatorEnv, SourceOperator } from "../message.js";

const tables = new WeakMap<ExecutionContext, Map<string, readonly Chunk[]>>();

/** Makes `chunks` the working table `id` for scans run in `ctx`. */
export function setWorkTable(ctx: ExecutionContext, id: string, chunks: readonly Chunk[]): void {
  let m = tables.get(ctx);
  if (m === undefined) {
    m = new Map();
    tables.set(ctx, m);
  }
  m.set(id, chunks);
}

export function clearWorkTable(ctx: ExecutionContext, id: string): void {
  tables.get(ctx)?.delete(id);
}

export class WorkTableScan implements SourceOperator {
  readonly name = "WorkTableScan";
  private chunks: readonly Chunk[] | null = null;
  private pos = 0;

  constructor(
    private readonly node: WorkTableScanNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {}

  next(): boolean {
    if (this.chunks === null) this.chunks = tables.get(this.env.ctx)?.get(this.node.id) ?? [];
    if (this.pos >= this.chunks.length) return false;
    emitChunk(this.emit, this.chunks[this.pos++]);
    return true;
  }

  push(_port: number, msg: Message): void {
    this.emit(msg);
  }
}
