// Collect (sink): gathers the chunks that reach the top of the plan; runQuery reads them after
// the final barrier. Should retractions reach it, the result is consolidated (each row's net
// count) so the caller always gets inserts only. State: the chunks received.

import type { Chunk, DataType } from "../../types/index.js";
import { concatChunks, consolidate, emitChunk } from "../chunk-builder.js";
import { checkCancelled, type ExecutionContext, type Message, type Operator } from "../message.js";

export class Collect implements Operator {
  readonly stateFields = [] as const;
  readonly name = "Collect";
  private chunks: Chunk[] = [];
  private anyDelete = false;
  /** rows received so far (max_query_memory counts them) */
  rows = 0;
  done = false;

  constructor(
    private readonly types: readonly DataType[],
    private readonly ctx: ExecutionContext,
  ) {}

  push(_port: number, msg: Message): void {
    if (msg.kind === "chunk") {
      checkCancelled(this.ctx);
      if (msg.chunk.length === 0) return;
      if (msg.chunk.ops !== null && msg.chunk.ops.some((o) => o !== 1)) this.anyDelete = true;
      this.chunks.push(msg.chunk);
      this.rows += msg.chunk.length;
    } else if (msg.kind === "barrier" && msg.final) {
      this.done = true;
    }
  }

  /** The rows received, as insert-only chunks. */
  result(): Chunk[] {
    if (!this.anyDelete) return this.chunks.map((c) => (c.ops === null ? c : c.withOps(null)));
    const out: Chunk[] = [];
    emitChunk((m) => {
      if (m.kind === "chunk") out.push(m.chunk);
    }, consolidate(concatChunks(this.types, this.chunks)));
    return out;
  }
}
