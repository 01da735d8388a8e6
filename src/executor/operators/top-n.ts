// TopN (incremental): within each partition (one when there is no PARTITION BY), keeps the rows
// ranked offset+1 .. offset+limit by the sort keys, exactly, under inserts and deletes — the
// continuous form of ORDER BY ... LIMIT and of ROW_NUMBER() OVER (...) <= n. At each barrier,
// every partition that changed emits the difference between the rows it shows now and the rows
// it showed before (with rowNumber, a row whose rank moved is retracted and re-inserted with its
// new rank). Ties are broken by the row's value, so the result is deterministic.
// State: per partition, every input row in rank order (a sorted array; binary search to insert
// and delete) and the output rows emitted last.

import type { TopNNode } from "../../planner/physical-plan.js";
import { compareValues, type DataType, SqlError, SqlState } from "../../types/index.js";
import { ChunkBuilder } from "../chunk-builder.js";
import { appendOutputDiff } from "../output-diff.js";
import { compileExpr, type CompiledExpr } from "../expression/compile.js";
import type { Emit, Message, Operator, OperatorEnv } from "../message.js";
import { exactRowKeys, exactValuesKey, type KeyPrimitive, rowKeys } from "../row-key.js";

interface Entry {
  row: unknown[];
  sort: unknown[];
  key: KeyPrimitive;
}

interface Partition {
  entries: Entry[];
  emitted: Map<KeyPrimitive, { row: unknown[]; count: number }>;
}

export class TopN implements Operator {
  readonly name = "TopN";
  /** what checkpoints capture (see executor/state) */
  readonly stateFields = ["partitions", "dirty"] as const;
  private readonly partitions = new Map<KeyPrimitive, Partition>();
  private readonly dirty = new Set<KeyPrimitive>();
  private readonly partitionExprs: CompiledExpr[];
  private readonly sortExprs: CompiledExpr[];
  private readonly inputTypes: DataType[];
  private readonly out: ChunkBuilder;

  constructor(
    private readonly node: TopNNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {
    this.partitionExprs = node.partitionBy.map(compileExpr);
    this.sortExprs = node.keys.map((k) => compileExpr(k.expr));
    this.inputTypes = node.input.types;
    this.out = new ChunkBuilder(node.types, (chunk) => this.emit({ kind: "chunk", chunk }));
  }

  /** Rank order: the sort keys (with NULLS FIRST/LAST), then the row's key for a total order. */
  /** input rows held in state (sage_catalog.operators, EXPLAIN ANALYZE) */
  get stateRows(): number {
    let n = 0;
    for (const p of this.partitions.values()) n += p.entries.length;
    return n;
  }

  private compare(a: Entry, b: Entry): number {
    const keys = this.node.keys;
    for (let k = 0; k < keys.length; k++) {
      const x = a.sort[k];
      const y = b.sort[k];
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === keys[k].nullsFirst ? -1 : 1;
      }
      const c = compareValues(keys[k].expr.type, x, y);
      if (c !== 0) return keys[k].desc ? -c : c;
    }
    const ka = String(a.key);
    const kb = String(b.key);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  }

  /** First position whose entry is not before `e`. */
  private lowerBound(entries: Entry[], e: Entry): number {
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(entries[mid], e) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private onChunk(msg: Extract<Message, { kind: "chunk" }>): void {
    const chunk = msg.chunk;
    const n = chunk.length;
    const { ctx, outer } = this.env;
    const parts = this.partitionExprs.map((e) => e(chunk, ctx, outer));
    const partKeys: KeyPrimitive[] = parts.length ? rowKeys(parts, n) : new Array<KeyPrimitive>(n).fill("");
    const sorts = this.sortExprs.map((e) => e(chunk, ctx, outer));
    // a row's identity is exact: numeric 1.0 and 1.00 are two rows, each retracted as itself
    const keys = exactRowKeys(chunk.columns, n);
    for (let i = 0; i < n; i++) {
      let p = this.partitions.get(partKeys[i]);
      if (!p) {
        p = { entries: [], emitted: new Map() };
        this.partitions.set(partKeys[i], p);
      }
      const e: Entry = { row: chunk.row(i), sort: sorts.map((c) => c.get(i)), key: keys[i] };
      const at = this.lowerBound(p.entries, e);
      if (chunk.op(i) > 0) {
        p.entries.splice(at, 0, e);
      } else {
        // equal entries (same sort values and row) sit together from `at`
        if (at >= p.entries.length || this.compare(p.entries[at], e) !== 0) {
          throw new SqlError(SqlState.InternalError, "internal error: TopN was asked to delete a row it does not hold");
        }
        p.entries.splice(at, 1);
      }
      this.dirty.add(partKeys[i]);
    }
  }

  private onBarrier(): void {
    const { limit, offset, rowNumber } = this.node;
    const outTypes = this.node.types;
    for (const pk of this.dirty) {
      const p = this.partitions.get(pk)!;
      const now = new Map<KeyPrimitive, { row: unknown[]; count: number }>();
      const shown = p.entries.slice(offset, offset + limit);
      shown.forEach((e, i) => {
        const row = rowNumber ? [...e.row, BigInt(offset + i + 1)] : e.row;
        const k = exactValuesKey(outTypes, row);
        const have = now.get(k);
        if (have) have.count++;
        else now.set(k, { row, count: 1 });
      });
      appendOutputDiff(this.out, p.emitted, now);
      p.emitted = now;
      if (p.entries.length === 0) this.partitions.delete(pk);
    }
    this.dirty.clear();
    this.out.flush();
  }

  push(_port: number, msg: Message): void {
    switch (msg.kind) {
      case "chunk":
        this.onChunk(msg);
        break;
      case "watermark":
        // ranks can change with any row, so no watermark survives a TopN
        break;
      case "barrier":
        this.onBarrier();
        this.emit(msg);
        break;
    }
  }

  /** for tests: the input types this operator ranks */
  get types(): readonly DataType[] {
    return this.inputTypes;
  }
}
