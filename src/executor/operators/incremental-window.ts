// IncrementalWindow: window functions (OVER (PARTITION BY ... ORDER BY ... frame)) in a continuous
// query. A row's window values depend only on the rows of its partition, so each change marks its
// partition; at a barrier every marked partition is recomputed with the batch evaluation
// (window.ts, over just that partition's rows) and the difference from what the partition showed
// before is emitted: output rows that changed are retracted and their new form inserted, unchanged
// rows emit nothing. With several OVER clauses the partition is what their PARTITION BY lists
// share (none shared: the whole input is one partition). Watermarks are dropped: a late row can
// change any value of its partition.
// State: per partition, its input rows (with multiplicities) and the output rows emitted last.

import type { BoundExpr, WindowNode } from "../../planner/physical-plan.js";
import { Chunk, type DataType, SqlError, SqlState } from "../../types/index.js";
import { ChunkBuilder } from "../chunk-builder.js";
import { appendOutputDiff, type CountedRows } from "../output-diff.js";
import { compileExpr, type CompiledExpr } from "../expression/compile.js";
import type { Emit, Message, Operator, OperatorEnv } from "../message.js";
import { exactRowKeys, exactValuesKey, type KeyPrimitive, rowKeys } from "../row-key.js";
import { Window } from "./window.js";

type Rows = CountedRows;

interface Partition {
  rows: Rows;
  size: number;
  emitted: Rows;
}

/** The PARTITION BY expressions every window call shares (compared structurally). */
function sharedPartitionBy(node: WindowNode): BoundExpr[] {
  const key = (e: BoundExpr) => JSON.stringify(e, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
  const [first, ...rest] = node.functions.map((f) => f.partitionBy);
  if (first === undefined) return [];
  return first.filter((e) => rest.every((list) => list.some((x) => key(x) === key(e))));
}

export class IncrementalWindow implements Operator {
  readonly name = "IncrementalWindow";
  readonly stateFields = ["partitions", "dirty"] as const;
  private readonly partitions = new Map<KeyPrimitive, Partition>();
  private readonly dirty = new Set<KeyPrimitive>();
  private readonly partitionExprs: CompiledExpr[];
  private readonly inputTypes: DataType[];
  private readonly out: ChunkBuilder;
  /** the batch evaluation, run once per changed partition */
  private readonly batch: Window;
  private batchOutput: Chunk[] = [];

  constructor(
    private readonly node: WindowNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {
    this.partitionExprs = sharedPartitionBy(node).map(compileExpr);
    this.inputTypes = node.input.types;
    this.out = new ChunkBuilder(node.types, (chunk) => this.emit({ kind: "chunk", chunk }));
    this.batch = new Window(node, env, (m) => {
      if (m.kind === "chunk") this.batchOutput.push(m.chunk);
    });
  }

  private onChunk(chunk: Chunk): void {
    const n = chunk.length;
    if (n === 0) return;
    const { ctx, outer } = this.env;
    const parts = this.partitionExprs.map((e) => e(chunk, ctx, outer));
    const partKeys: KeyPrimitive[] = parts.length ? rowKeys(parts, n) : new Array<KeyPrimitive>(n).fill("");
    // a row's identity is exact: numeric 1.0 and 1.00 are two rows, each retracted as itself
    const keys = exactRowKeys(chunk.columns, n);
    for (let i = 0; i < n; i++) {
      let p = this.partitions.get(partKeys[i]);
      if (!p) {
        p = { rows: new Map(), size: 0, emitted: new Map() };
        this.partitions.set(partKeys[i], p);
      }
      const have = p.rows.get(keys[i]);
      if (chunk.op(i) > 0) {
        if (have) have.count++;
        else p.rows.set(keys[i], { row: chunk.row(i), count: 1 });
        p.size++;
      } else {
        if (!have) throw new SqlError(SqlState.InternalError, "internal error: a window was asked to delete a row it does not hold");
        if (--have.count === 0) p.rows.delete(keys[i]);
        p.size--;
      }
      this.dirty.add(partKeys[i]);
    }
  }

  /** The partition's output rows now, by the batch window evaluation. */
  private evaluate(p: Partition): Rows {
    const now: Rows = new Map();
    if (p.size === 0) return now;
    const rows: unknown[][] = [];
    for (const { row, count } of p.rows.values()) for (let k = 0; k < count; k++) rows.push(row);
    this.batchOutput = [];
    this.batch.push(0, { kind: "chunk", chunk: Chunk.fromRows(this.inputTypes, rows) });
    this.batch.push(0, { kind: "barrier", epoch: 0, final: true });
    const types = this.node.types;
    for (const c of this.batchOutput) {
      for (let i = 0; i < c.length; i++) {
        const row = c.row(i);
        const k = exactValuesKey(types, row);
        const have = now.get(k);
        if (have) have.count++;
        else now.set(k, { row, count: 1 });
      }
    }
    this.batchOutput = [];
    return now;
  }

  private onBarrier(): void {
    for (const pk of this.dirty) {
      const p = this.partitions.get(pk)!;
      const now = this.evaluate(p);
      appendOutputDiff(this.out, p.emitted, now);
      p.emitted = now;
      if (p.size === 0) this.partitions.delete(pk);
    }
    this.dirty.clear();
    this.out.flush();
  }

  push(_port: number, msg: Message): void {
    switch (msg.kind) {
      case "chunk":
        this.onChunk(msg.chunk);
        break;
      case "watermark":
        break;
      case "barrier":
        this.onBarrier();
        this.emit(msg);
        break;
    }
  }

  /** for tests and metrics: how many partitions are held */
  get partitionCount(): number {
    return this.partitions.size;
  }
}
