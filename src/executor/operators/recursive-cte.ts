// RecursiveCte (source): WITH RECURSIVE. Runs the base term, then the recursive term over and over,
// each round reading (through WorkTableScan) the rows the previous round added, until a round adds
// none. UNION ALL keeps every row; UNION drops rows equal to any row already produced (NULLs equal).
// Each call to next() runs one round and emits its new rows, so a LIMIT above can stop the
// recursion early. The terms run as nested queries in the same ExecutionContext.
// State: the current working table and, for UNION, the keys of all rows produced so far.
// Input is a snapshot: this operator is refused for continuous queries (it cannot retract).

import type { Chunk } from "../../types/index.js";
import type { RecursiveCteNode } from "../../planner/physical-plan.js";
import { emitChunk } from "../chunk-builder.js";
import type { Emit, Message, OperatorEnv, SourceOperator } from "../message.js";
import { type KeyPrimitive, rowKeys } from "../row-key.js";
import { runQuery } from "../run-query.js";
import { clearWorkTable, setWorkTable } from "./work-table-scan.js";

export class RecursiveCte implements SourceOperator {
  readonly name = "RecursiveCte";
  private started = false;
  private finished = false;
  private work: Chunk[] = [];
  private readonly seen = new Set<KeyPrimitive>();

  constructor(
    private readonly node: RecursiveCteNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {}

  next(): boolean {
    if (this.finished) return false;
    const { ctx } = this.env;
    const outer = this.env.outer ?? [];
    let produced: Chunk[];
    if (!this.started) {
      this.started = true;
      produced = runQuery(this.node.base, ctx, outer);
    } else {
      setWorkTable(ctx, this.node.id, this.work);
      try {
        produced = runQuery(this.node.recursive, ctx, outer);
      } finally {
        clearWorkTable(ctx, this.node.id);
      }
    }
    this.work = this.node.all ? produced.filter((c) => c.length > 0) : this.dedupe(produced);
    if (this.work.length === 0) {
      this.finished = true;
      return false;
    }
    for (const c of this.work) emitChunk(this.emit, c);
    return true;
  }

  /** The rows of `chunks` not seen before (nor earlier in `chunks`). */
  private dedupe(chunks: Chunk[]): Chunk[] {
    const out: Chunk[] = [];
    for (const c of chunks) {
      const keys = rowKeys(c.columns, c.length);
      const keep: number[] = [];
      for (let i = 0; i < c.length; i++) {
        if (this.seen.has(keys[i])) continue;
        this.seen.add(keys[i]);
        keep.push(i);
      }
      if (keep.length === c.length) out.push(c);
      else if (keep.length > 0) out.push(c.take(keep));
    }
    return out;
  }

  push(_port: number, msg: Message): void {
    this.emit(msg);
  }
}
