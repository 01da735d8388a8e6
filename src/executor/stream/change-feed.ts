// ChangeFeed (source): the changes of one relation (a table's INSERT/UPDATE/DELETE, a stream's
// appends, a materialized view's output) entering a dataflow. The runtime delivers change chunks
// (all of the relation's columns, ops +1/-1) and injects barriers; the feed picks the columns its
// scan node asked for. It is push-driven: `next()` never has anything to pull. No state.

import { Chunk } from "../../types/index.js";
import type { ScanNode } from "../../planner/physical-plan.js";
import { emitChunk } from "../chunk-builder.js";
import type { Emit, Message, SourceOperator } from "../message.js";

export class ChangeFeed implements SourceOperator {
  readonly name = "ChangeFeed";
  readonly stateFields = [] as const;

  constructor(
    readonly node: ScanNode,
    private readonly emit: Emit,
  ) {}

  get relation(): string {
    return this.node.relation;
  }

  next(): boolean {
    return false;
  }

  /** Sends a change chunk (all relation columns) downstream, narrowed to the scanned columns. */
  deliver(chunk: Chunk): void {
    if (chunk.length === 0) return;
    const cols = this.node.columns.map((c) => chunk.columns[c]);
    emitChunk(this.emit, new Chunk(cols, chunk.length, chunk.ops));
  }

  /** A watermark on relation column `column`, if this feed scans that column. */
  deliverWatermark(column: number, value: unknown): void {
    const pos = this.node.columns.indexOf(column);
    if (pos >= 0) this.emit({ kind: "watermark", column: pos, value });
  }

  push(_port: number, msg: Message): void {
    this.emit(msg);
  }
}
