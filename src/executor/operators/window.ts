// Window (batch): collects its input; at the final barrier, for each distinct (PARTITION BY,
// ORDER BY) it sorts the rows by partition keys (ASC NULLS LAST) then the ORDER BY keys, walks the
// partitions and appends one column per window function: row_number, rank, dense_rank,
// percent_rank, cume_dist, ntile, lag/lead (offset, default), first_value/last_value/nth_value over
// the frame, and aggregates over the frame (window-frame.ts). Aggregates slide: each row adds the
// rows entering its frame and retracts those leaving (accumulators.ts), so the default frame is
// one pass. Output: the input columns then the function columns, in the order of the last sort.
// Deletes cancel earlier inserts of equal rows. State: the input chunks.

import type { SortKey, WindowCall, WindowNode } from "../../planner/physical-plan.js";
import { type Chunk, type Column, type DataType, SqlError, SqlState } from "../../types/index.js";
import { type Accumulator, accumulatorFactory } from "../aggregate/accumulators.js";
import { concatChunks, consolidate, emitChunk } from "../chunk-builder.js";
import { compileExpr, evalConst } from "../expression/compile.js";
import type { Emit, Message, Operator, OperatorEnv } from "../message.js";
import { rowComparator, sortIndices, type SortSpec } from "../sort-order.js";
import { checkOffset, computeFrames, type FrameOffsets, type Partition, type RangeKey } from "./window-frame.js";
import { Column as Col } from "../../types/index.js";

interface SpecGroup {
  partitionBy: WindowCall["partitionBy"];
  orderBy: SortKey[];
  calls: { call: WindowCall; index: number }[];
}

function intOut(n: number, type: DataType): unknown {
  return type.id === "bigint" ? BigInt(n) : n;
}

export class Window implements Operator {
  readonly name = "Window";
  /** what checkpoints capture (see executor/state) */
  readonly stateFields = ["chunks"] as const;
  private chunks: Chunk[] = [];
  private readonly groups: SpecGroup[] = [];

  constructor(
    private readonly node: WindowNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {
    const byKey = new Map<string, SpecGroup>();
    node.functions.forEach((call, index) => {
      const key = JSON.stringify([call.partitionBy, call.orderBy], (_k, v: unknown) =>
        typeof v === "bigint" ? v.toString() + "n" : v,
      );
      let g = byKey.get(key);
      if (g === undefined) {
        g = { partitionBy: call.partitionBy, orderBy: call.orderBy, calls: [] };
        byKey.set(key, g);
        this.groups.push(g);
      }
      g.calls.push({ call, index });
    });
  }

  /** rows buffered until the final barrier (EXPLAIN ANALYZE, max_query_memory) */
  get stateRows(): number {
    let n = 0;
    for (const c of this.chunks) n += c.length;
    return n;
  }

  push(_port: number, msg: Message): void {
    if (msg.kind === "chunk") {
      if (msg.chunk.length > 0) this.chunks.push(msg.chunk);
      return;
    }
    if (msg.kind === "barrier") {
      if (msg.final) this.flush();
      this.emit(msg);
    }
  }

  private flush(): void {
    if (this.chunks.length === 0) return;
    const inputTypes = this.node.types.slice(0, this.node.types.length - this.node.functions.length);
    const all = consolidate(concatChunks(inputTypes, this.chunks));
    this.chunks = [];
    const n = all.length;
    const results: unknown[][] = this.node.functions.map(() => new Array<unknown>(n).fill(null));
    let order: Int32Array = new Int32Array(0);
    for (const g of this.groups) order = this.evaluateGroup(all, g, results);
    const ordered = all.take(order);
    const fnCols = this.node.functions.map((f, i) => {
      const r = results[i];
      const vals = new Array<unknown>(n);
      for (let j = 0; j < n; j++) vals[j] = r[order[j]];
      return Col.fromValues(f.type, vals);
    });
    emitChunk(this.emit, ordered.withColumns([...ordered.columns, ...fnCols]));
  }

  /** Computes the group's functions into `results` (by input row); returns the sort order used. */
  private evaluateGroup(all: Chunk, g: SpecGroup, results: unknown[][]): Int32Array {
    const n = all.length;
    const { ctx, outer } = this.env;
    const partCols = g.partitionBy.map((e) => compileExpr(e)(all, ctx, outer));
    const orderCols = g.orderBy.map((k) => compileExpr(k.expr)(all, ctx, outer));
    const partSpecs: SortSpec[] = partCols.map(() => ({ desc: false, nullsFirst: false }));
    const order = sortIndices([...partCols, ...orderCols], [...partSpecs, ...g.orderBy], n);
    const samePart = partCols.length > 0 ? rowComparator(partCols, partSpecs) : null;
    const samePeer = orderCols.length > 0 ? rowComparator(orderCols, g.orderBy) : null;
    // argument columns per call, evaluated once over all rows
    const args = g.calls.map(({ call }) => call.args.map((a) => compileExpr(a)(all, ctx, outer)));
    const filters = g.calls.map(({ call }) => (call.filter !== undefined ? compileExpr(call.filter)(all, ctx, outer) : null));
    const offsets: FrameOffsets[] = g.calls.map(({ call }) => {
      const start = call.frame.start.offset !== undefined ? evalConst(call.frame.start.offset, ctx, outer) : null;
      const end = call.frame.end.offset !== undefined ? evalConst(call.frame.end.offset, ctx, outer) : null;
      if (call.frame.start.offset !== undefined) checkOffset(start, "starting");
      if (call.frame.end.offset !== undefined) checkOffset(end, "ending");
      return { start, end };
    });
    let p = 0;
    while (p < n) {
      let q = p + 1;
      while (q < n && (samePart === null || samePart(order[p], order[q]) === 0)) q++;
      const rows = order.subarray(p, q);
      const part = this.peers(rows, samePeer);
      g.calls.forEach(({ call, index }, ci) => {
        this.evaluateCall(call, rows, part, args[ci], filters[ci], offsets[ci], orderCols, g.orderBy, results[index]);
      });
      p = q;
    }
    return order;
  }

  private peers(rows: Int32Array, samePeer: ((a: number, b: number) => number) | null): Partition {
    const m = rows.length;
    const group = new Int32Array(m);
    const starts: number[] = [0];
    for (let k = 1; k < m; k++) {
      if (samePeer !== null && samePeer(rows[k - 1], rows[k]) === 0) group[k] = group[k - 1];
      else {
        group[k] = group[k - 1] + 1;
        starts.push(k);
      }
    }
    if (samePeer === null) {
      group.fill(0);
      starts.length = 1;
    }
    if (m === 0) starts.length = 0;
    starts.push(m);
    return { size: m, group, groupStart: Int32Array.from(starts), groups: starts.length - 1 };
  }

  private evaluateCall(
    call: WindowCall,
    rows: Int32Array,
    part: Partition,
    args: Column[],
    filter: Column | null,
    offsets: FrameOffsets,
    orderCols: Column[],
    orderBy: SortKey[],
    out: unknown[],
  ): void {
    const m = rows.length;
    const fn = windowFunctionName(call.fn);
    const t = call.type;
    if (!call.aggregate) {
      switch (fn) {
        case "row_number":
          for (let k = 0; k < m; k++) out[rows[k]] = intOut(k + 1, t);
          return;
        case "rank":
          for (let k = 0; k < m; k++) out[rows[k]] = intOut(part.groupStart[part.group[k]] + 1, t);
          return;
        case "dense_rank":
          for (let k = 0; k < m; k++) out[rows[k]] = intOut(part.group[k] + 1, t);
          return;
        case "percent_rank":
          for (let k = 0; k < m; k++) out[rows[k]] = m > 1 ? part.groupStart[part.group[k]] / (m - 1) : 0;
          return;
        case "cume_dist":
          for (let k = 0; k < m; k++) out[rows[k]] = part.groupStart[part.group[k] + 1] / m;
          return;
        case "ntile":
          for (let k = 0; k < m; k++) {
            const v = args[0].get(rows[k]);
            if (v === null) {
              out[rows[k]] = null;
              continue;
            }
            const buckets = Number(v);
            if (buckets <= 0) throw new SqlError("22014", "argument of ntile must be greater than zero");
            out[rows[k]] = intOut(ntileOf(k, m, buckets), t);
          }
          return;
        case "lag":
        case "lead": {
          const dir = fn === "lag" ? -1 : 1;
          for (let k = 0; k < m; k++) {
            const r = rows[k];
            const offV = args.length > 1 ? args[1].get(r) : 1;
            if (offV === null) {
              out[r] = null;
              continue;
            }
            const j = k + dir * Number(offV);
            out[r] = j >= 0 && j < m ? args[0].get(rows[j]) : args.length > 2 ? args[2].get(r) : null;
          }
          return;
        }
        case "first_value":
        case "last_value":
        case "nth_value": {
          const rk = rangeKeyOf(call, rows, orderCols, orderBy);
          const { starts, ends } = computeFrames(call.frame, part, offsets, rk, this.env.ctx.eval);
          for (let k = 0; k < m; k++) {
            const s = starts[k];
            const e = ends[k];
            let j = -1;
            if (fn === "first_value") j = s;
            else if (fn === "last_value") j = e - 1;
            else {
              const nv = args[1].get(rows[k]);
              if (nv === null) {
                out[rows[k]] = null;
                continue;
              }
              const nth = Number(nv);
              if (nth <= 0) throw new SqlError("22016", "argument of nth_value must be greater than zero");
              j = s + nth - 1;
            }
            out[rows[k]] = j >= s && j < e ? args[0].get(rows[j]) : null;
          }
          return;
        }
        default:
          throw new SqlError(SqlState.UndefinedFunction, `window function ${call.fn} is not supported`);
      }
    }
    this.evaluateAggregate(call, rows, part, args, filter, offsets, orderCols, orderBy, out);
  }

  /** An aggregate over each row's frame, sliding: rows entering the frame are added, leaving ones retracted. */
  private evaluateAggregate(
    call: WindowCall,
    rows: Int32Array,
    part: Partition,
    args: Column[],
    filter: Column | null,
    offsets: FrameOffsets,
    orderCols: Column[],
    orderBy: SortKey[],
    out: unknown[],
  ): void {
    const m = rows.length;
    const appendOnly = call.frame.start.kind === "unbounded_preceding";
    const make = accumulatorFactory(
      { fn: call.fn, argTypes: call.args.map((a) => a.type), type: call.type, distinct: call.distinct === true },
      appendOnly,
      this.env.ctx.eval,
    );
    const rk = rangeKeyOf(call, rows, orderCols, orderBy);
    const { starts, ends } = computeFrames(call.frame, part, offsets, rk, this.env.ctx.eval);
    const vals = new Array<unknown>(args.length);
    const feed = (acc: Accumulator, j: number, w: number): void => {
      const r = rows[j];
      if (filter !== null && !(filter.get(r) === true)) return;
      for (let c = 0; c < args.length; c++) vals[c] = args[c].get(r);
      acc.update(vals, w);
    };
    let acc = make();
    let cs = 0;
    let ce = 0;
    let last: unknown = null;
    let lastS = -1;
    let lastE = -1;
    for (let k = 0; k < m; k++) {
      const s = starts[k];
      const e = Math.max(ends[k], s);
      if (s === lastS && e === lastE) {
        out[rows[k]] = last;
        continue;
      }
      if (s >= ce) {
        // the new frame does not overlap the old one: start afresh
        acc = make();
        cs = ce = s;
      }
      while (ce < e) feed(acc, ce++, 1);
      while (cs < s) feed(acc, cs++, -1);
      if (ce > e) {
        // the frame end moved backwards (only with unusual frames): rebuild
        acc = make();
        for (let j = s; j < e; j++) feed(acc, j, 1);
        cs = s;
        ce = e;
      }
      last = acc.result();
      lastS = s;
      lastE = e;
      out[rows[k]] = last;
    }
  }
}

function ntileOf(k: number, m: number, buckets: number): number {
  const per = Math.floor(m / buckets);
  const extra = m % buckets;
  const big = (per + 1) * extra; // rows in the first `extra` buckets
  if (per === 0) return k + 1;
  return k < big ? Math.floor(k / (per + 1)) + 1 : extra + Math.floor((k - big) / per) + 1;
}

/** The ORDER BY key values of a partition, for RANGE frames with offsets. */
function rangeKeyOf(call: WindowCall, rows: Int32Array, orderCols: Column[], orderBy: SortKey[]): RangeKey | null {
  const f = call.frame;
  const needs =
    f.mode === "range" &&
    (f.start.kind === "preceding" || f.start.kind === "following" || f.end.kind === "preceding" || f.end.kind === "following");
  if (!needs) return null;
  if (orderCols.length !== 1) {
    throw new SqlError(
      SqlState.WindowingError,
      "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column",
    );
  }
  const col = orderCols[0];
  const values = Array.from(rows, (r) => col.get(r));
  const off = f.start.offset ?? f.end.offset;
  return { values, type: col.type, desc: orderBy[0].desc, offsetType: off?.type };
}

const WINDOW_FUNCTIONS = [
  "row_number",
  "percent_rank",
  "dense_rank",
  "cume_dist",
  "rank",
  "ntile",
  "lag",
  "lead",
  "first_value",
  "last_value",
  "nth_value",
];

/** The window function a registry id names (ids may carry an argument-type suffix). */
function windowFunctionName(fn: string): string {
  const id = fn.toLowerCase();
  for (const name of WINDOW_FUNCTIONS) if (id === name || id.startsWith(name + "_")) return name;
  return id;
}
