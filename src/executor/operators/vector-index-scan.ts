// VectorIndexScan (source): the rows of a table nearest to a query vector, through its HNSW index
// (ctx.relations.vectorIndex). Evaluates the query vector and LIMIT (+ OFFSET) once (constants,
// parameters, outer values), asks the index for that many rows passing `filter` (the index
// over-fetches and widens until enough pass), and emits them nearest first in one chunk.
// State: whether it ran. With a NULL query vector every distance is NULL, so any k rows answer (as
// a sequential scan would give them): the first k passing the filter.

import { Chunk, SqlError, SqlState } from "../../types/index.js";
import type { VectorIndexScanNode } from "../../planner/physical-plan.js";
import { emitChunk } from "../chunk-builder.js";
import { compileExpr, evalConst, type CompiledExpr } from "../expression/compile.js";
import type { Emit, Message, OperatorEnv, SourceOperator } from "../message.js";

export class VectorIndexScan implements SourceOperator {
  readonly name = "VectorIndexScan";
  // ad-hoc only (a one-shot read of the index): nothing to keep across a checkpoint
  readonly stateFields = [] as const;
  private done = false;
  private readonly filter: CompiledExpr | null;

  constructor(
    private readonly node: VectorIndexScanNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {
    this.filter = node.filter ? compileExpr(node.filter) : null;
  }

  next(): boolean {
    if (this.done) return false;
    this.done = true;
    const { ctx, outer } = this.env;
    const node = this.node;
    const reader = ctx.relations.vectorIndex?.(node.index);
    if (!reader) throw new SqlError(SqlState.UndefinedObject, `index "${node.indexName}" is not available`);
    const limit = evalConst(node.limit, ctx, outer);
    const offset = node.offset ? evalConst(node.offset, ctx, outer) : 0;
    if (limit === null) throw new SqlError(SqlState.FeatureNotSupported, "an HNSW index scan needs a LIMIT");
    const k = Number(limit) + Number(offset ?? 0);
    const query = evalConst(node.query, ctx, outer);
    if (k <= 0) return false;
    if (query !== null && !(query instanceof Float32Array)) throw new SqlError(SqlState.DatatypeMismatch, "the query of an HNSW index scan must be a vector");
    const filter = this.filter;
    const accept = filter
      ? (rowId: number): boolean => {
          const row = reader.rows([rowId], node.columns);
          if (row.length === 0) return false;
          const verdict = filter(row, ctx, outer);
          return verdict.get(0) === true;
        }
      : undefined;
    const ids = query === null ? reader.firstRows(k, accept) : reader.search(query, k, ctx.hnswEfSearch, accept).map((f) => f.rowId);
    const chunk: Chunk = reader.rows(ids, node.columns);
    emitChunk(this.emit, chunk);
    return true;
  }

  push(_port: number, msg: Message): void {
    this.emit(msg);
  }
}
