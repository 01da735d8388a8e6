// HashJoin: a symmetric hash join (inner, left, right, full, semi, anti) on equi-keys with an
// optional residual condition over left ++ right columns. Each input's rows are stored under their
// join key (join-side.ts); an arriving row (insert or delete) probes the other side's rows with the
// same key and, for every pair that also passes the condition, emits left ++ right with the
// arriving row's op. NULL keys never match.
// Outer and semi/anti output is decided at barriers: each row of a preserved side counts its
// matches; at a barrier a row whose count went 0 → >0 retracts its NULL-extended row and one whose
// count went to 0 emits it (semi: emits the left row while matched; anti: while unmatched). An
// ad-hoc query, with one final barrier, thus gets each unmatched row exactly once.
// Output: left ++ right columns; semi and anti output the left columns only.
// Lookup (temporal) joins: right-side changes only update the right state; left rows probe it as
// it stands when they arrive, and an inner lookup join stores no left rows.
// Interval joins (JoinNode.stateCleanup, inner joins only): the join keeps the latest watermark
// of each input column; at a barrier after one moved it evicts the stored rows that no future row
// of the other side can match (see planner/interval-join.ts), and forwards each input
// watermark column on its output column, held back to the oldest value still stored on that side
// (an output row's column comes from a new row, at or above the watermark, or a stored one).
// Other joins drop watermarks.
// State: both sides' rows, key chains, and match counts / emitted flags of preserved sides.

import type { JoinNode } from "../../planner/physical-plan.js";
import { Chunk, type Column, compareValues, type DataType } from "../../types/index.js";
import { AlignedOperator } from "../barrier-aligner.js";
import { ChunkBuilder, emitChunk, selectTrue } from "../chunk-builder.js";
import { compileExpr, type CompiledExpr } from "../expression/compile.js";
import { type BarrierMessage, CHUNK_SIZE, checkCancelled, type Emit, type Message, type Operator, type OperatorEnv, type WatermarkMessage } from "../message.js";
import { anyNullMask, rowKeys } from "../row-key.js";
import { JoinSide } from "./join-side.js";

/** A compiled JoinCleanupBound (JoinNode.stateCleanup). */
interface CleanupBound {
  column: number;
  rowExpr: CompiledExpr;
  rowType: DataType;
  otherColumn: number;
  otherExpr: CompiledExpr;
  otherType: DataType;
}

export class HashJoin extends AlignedOperator implements Operator {
  readonly name = "HashJoin";
  /** what checkpoints capture (see executor/state) */
  readonly stateFields = ["sides", "watermarks", "watermarksMoved", "forwarded", "pendingWatermarks"] as const;
  private readonly sides: [JoinSide, JoinSide];
  private readonly keyExprs: [CompiledExpr[], CompiledExpr[]];
  private readonly condition: CompiledExpr | null;
  private readonly leftWidth: number;
  private readonly rightWidth: number;
  private readonly emitsPairs: boolean;
  private readonly semi: boolean;
  private readonly out: ChunkBuilder;
  // pairs being collected for one flush: probe row index and the other side's row id
  private probeIdx: Int32Array = new Int32Array(CHUNK_SIZE);
  private buildIds: Int32Array = new Int32Array(CHUNK_SIZE);
  private pairs = 0;
  // interval join cleanup: per side its bounds, the latest watermark per input column, the
  // watermarks forwarded per output column
  private readonly cleanup: [CleanupBound[], CleanupBound[]] | null = null;
  private readonly watermarks: [Map<number, unknown>, Map<number, unknown>] = [new Map(), new Map()];
  private watermarksMoved = false;
  private readonly forwarded = new Map<number, unknown>();

  constructor(
    private readonly node: JoinNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {
    super(2);
    const t = node.joinType;
    const leftTypes = node.left.types;
    const rightTypes = node.right.types;
    this.leftWidth = leftTypes.length;
    this.rightWidth = rightTypes.length;
    this.sides = [
      new JoinSide(leftTypes, t === "left" || t === "full" || t === "semi" || t === "anti"),
      new JoinSide(rightTypes, t === "right" || t === "full"),
    ];
    this.keyExprs = [node.leftKeys.map(compileExpr), node.rightKeys.map(compileExpr)];
    this.condition = node.condition !== undefined ? compileExpr(node.condition) : null;
    this.emitsPairs = t !== "semi" && t !== "anti";
    this.semi = t === "semi";
    this.out = new ChunkBuilder(node.types, (chunk) => this.emit({ kind: "chunk", chunk }));
    const sc = node.stateCleanup;
    if (sc !== undefined && t === "inner" && node.lookup !== true) {
      const compile = (bounds: NonNullable<typeof sc.left>): CleanupBound[] =>
        bounds.map((b) => ({
          column: b.column,
          rowExpr: compileExpr(b.rowExpr),
          rowType: b.rowExpr.type,
          otherColumn: b.otherColumn,
          otherExpr: compileExpr(b.otherExpr),
          otherType: b.otherExpr.type,
        }));
      this.cleanup = [compile(sc.left ?? []), compile(sc.right ?? [])];
    }
  }

  /** How many rows the join stores (both inputs). */
  get stateRows(): number {
    return this.sides[0].size + this.sides[1].size;
  }

  protected onMessage(port: number, msg: Exclude<Message, BarrierMessage>): void {
    if (msg.kind === "chunk") this.onChunk(port, msg.chunk);
    else if (this.cleanup !== null) this.onWatermark(port, msg);
    // other joins drop watermarks: a stored row may join with any later row
  }

  private onWatermark(s: number, msg: WatermarkMessage): void {
    const type = this.node[s === 0 ? "left" : "right"].types[msg.column];
    const seen = this.watermarks[s].get(msg.column);
    if (msg.value === null || msg.value === undefined) return;
    if (seen !== undefined && compareValues(type, msg.value, seen) <= 0) return;
    this.watermarks[s].set(msg.column, msg.value);
    this.watermarksMoved = true;
  }

  /** Evaluates a one-column expression at one value. */
  private evalAt(expr: CompiledExpr, type: DataType, value: unknown): unknown {
    const c = Chunk.fromRows([type], [[value]]);
    return expr(c, this.env.ctx, this.env.outer).get(0);
  }

  /**
   * At a barrier after a watermark moved: evicts each side's rows that can no longer match, then
   * forwards the input watermarks on the output columns (held back by the rows still stored).
   */
  private cleanState(): void {
    const bounds = this.cleanup!;
    for (let s = 0; s < 2; s++) {
      const S = this.sides[s];
      const own = this.watermarks[s];
      const other = this.watermarks[1 - s];
      const sideTypes = this.node[s === 0 ? "left" : "right"].types;
      const otherTypes = this.node[s === 0 ? "right" : "left"].types;
      // the applicable bounds: both watermarks known
      const active: { b: CleanupBound; threshold: unknown; ownWm: unknown }[] = [];
      for (const b of bounds[s]) {
        const ownWm = own.get(b.column);
        const otherWm = other.get(b.otherColumn);
        if (ownWm === undefined || otherWm === undefined) continue;
        let threshold: unknown;
        try {
          threshold = this.evalAt(b.otherExpr, otherTypes[b.otherColumn], otherWm);
        } catch {
          continue; // e.g. overflow at the watermark: no cleanup by this bound
        }
        if (threshold !== null && threshold !== undefined) active.push({ b, threshold, ownWm });
      }
      const wmCols = [...own.keys()];
      if (active.length === 0 && wmCols.length === 0) continue;
      const ids = S.liveIds();
      let keep: Uint8Array | null = null;
      for (const { b, threshold, ownWm } of active) {
        const colType = sideTypes[b.column];
        const raw = S.store.gatherColumn(b.column, ids);
        let vals: Column;
        try {
          vals = b.rowExpr(new Chunk([raw], ids.length, null), this.env.ctx, this.env.outer);
        } catch {
          continue;
        }
        for (let k = 0; k < ids.length; k++) {
          const v = vals.get(k);
          const r = raw.get(k);
          if (v === null || r === null) continue;
          if (compareValues(b.rowType, v, threshold) < 0 && compareValues(colType, r, ownWm) < 0) {
            if (keep === null) keep = new Uint8Array(ids.length).fill(1);
            keep[k] = 0;
          }
        }
      }
      let remaining = ids;
      if (keep !== null) {
        const rest = new Int32Array(ids.length);
        let n = 0;
        for (let k = 0; k < ids.length; k++) {
          if (keep[k] === 1) rest[n++] = ids[k];
          else S.remove(ids[k]);
        }
        remaining = rest.subarray(0, n);
      }
      // output watermarks: min(input watermark, oldest stored value) per input watermark column
      for (const c of wmCols) {
        let wm = own.get(c);
        const type = sideTypes[c];
        const vals = S.store.gatherColumn(c, remaining);
        for (let k = 0; k < remaining.length; k++) {
          const v = vals.get(k);
          if (v !== null && compareValues(type, v, wm) < 0) wm = v;
        }
        const outCol = s === 0 ? c : this.leftWidth + c;
        const prev = this.forwarded.get(outCol);
        if (prev === undefined || compareValues(type, wm, prev) > 0) {
          this.forwarded.set(outCol, wm);
          this.pendingWatermarks.push({ kind: "watermark", column: outCol, value: wm });
        }
      }
    }
  }

  private pendingWatermarks: WatermarkMessage[] = [];

  private onChunk(s: number, chunk: Chunk): void {
    const n = chunk.length;
    if (n === 0) return;
    const S = this.sides[s];
    const O = this.sides[1 - s];
    const { ctx, outer } = this.env;
    const keyCols = this.keyExprs[s].map((e) => e(chunk, ctx, outer));
    const keys = rowKeys(keyCols, n);
    const nullMask = anyNullMask(keyCols, n);
    const ops = chunk.ops;
    const rowIds = new Int32Array(n).fill(-1);
    const lookup = this.node.lookup === true;
    for (let i = 0; i < n; i++) {
      const w = ops === null ? 1 : ops[i];
      const keyIsNull = nullMask !== null && nullMask[i] === 1;
      if (keyIsNull && !S.preserved) continue; // can never match nor be output
      const key = keys[i];
      if (lookup && s === 1) {
        // the lookup table changed: later left rows see it, rows already joined stay as they were
        if (w > 0) S.insert(chunk.columns, i, key, keyIsNull);
        else {
          const id = S.find(chunk.columns, i, key, keyIsNull);
          if (id >= 0) S.remove(id);
        }
        continue;
      }
      if (lookup && !S.preserved) {
        // an inner lookup join keeps no left rows: nothing on the right ever probes them
        if (keyIsNull) continue;
        for (let j = O.first(key); j !== -1; j = O.nextId(j)) {
          this.probeIdx[this.pairs] = i;
          this.buildIds[this.pairs] = j;
          if (++this.pairs === CHUNK_SIZE) this.flushPairs(s, chunk, rowIds);
        }
        continue;
      }
      if (w > 0) {
        rowIds[i] = S.insert(chunk.columns, i, key, keyIsNull);
      } else {
        const id = S.find(chunk.columns, i, key, keyIsNull);
        if (id < 0) continue;
        if (S.preserved && S.emitted[id] === 1) this.emitExtension(s, id, -1);
        S.remove(id);
      }
      if (keyIsNull) continue;
      for (let j = O.first(key); j !== -1; j = O.nextId(j)) {
        this.probeIdx[this.pairs] = i;
        this.buildIds[this.pairs] = j;
        if (++this.pairs === CHUNK_SIZE) this.flushPairs(s, chunk, rowIds);
      }
    }
    this.flushPairs(s, chunk, rowIds);
  }

  /** Evaluates the collected pairs: emits the matching ones and counts matches for preserved sides. */
  private flushPairs(s: number, chunk: Chunk, rowIds: Int32Array): void {
    const count = this.pairs;
    if (count === 0) return;
    this.pairs = 0;
    // one arriving chunk can pair with millions of stored rows: a statement timeout stops it here
    checkCancelled(this.env.ctx);
    const S = this.sides[s];
    const O = this.sides[1 - s];
    const probeIdx = this.probeIdx;
    const buildIds = this.buildIds;
    let pairChunk: Chunk | null = null;
    if (this.condition !== null || this.emitsPairs) {
      const probeCols = chunk.columns.map((c) => c.take(probeIdx, count));
      const buildCols = O.store.gather(buildIds, count);
      const cols: Column[] = s === 0 ? [...probeCols, ...buildCols] : [...buildCols, ...probeCols];
      let ops: Int8Array | null = null;
      if (chunk.ops !== null) {
        ops = new Int8Array(count);
        for (let k = 0; k < count; k++) ops[k] = chunk.ops[probeIdx[k]];
      }
      pairChunk = new Chunk(cols, count, ops);
    }
    let sel: Int32Array | null = null; // matching pair positions (null: all)
    let matched = count;
    if (this.condition !== null) {
      const mask = this.condition(pairChunk!, this.env.ctx, this.env.outer);
      const r = selectTrue(mask.data as Uint8Array, mask.nulls, count);
      if (r.count < count) {
        sel = r.idx;
        matched = r.count;
      }
    }
    if (matched === 0) return;
    if (this.emitsPairs) emitChunk(this.emit, sel === null ? pairChunk! : pairChunk!.take(sel, matched));
    const ops = chunk.ops;
    if (O.preserved) {
      for (let m = 0; m < matched; m++) {
        const k = sel === null ? m : sel[m];
        const j = buildIds[k];
        O.matches[j] += ops === null ? 1 : ops[probeIdx[k]];
        O.markDirty(j);
      }
    }
    if (S.preserved) {
      for (let m = 0; m < matched; m++) {
        const k = sel === null ? m : sel[m];
        const id = rowIds[probeIdx[k]];
        if (id >= 0) S.matches[id] += 1;
      }
    }
  }

  /** Emits the NULL-extended row of side s's row `id` (semi/anti: the left row itself). */
  private emitExtension(s: number, id: number, op: number): void {
    const store = this.sides[s].store;
    const b = this.out;
    if (!this.emitsPairs) {
      for (let c = 0; c < this.leftWidth; c++) b.appendValue(c, store.value(c, id));
    } else if (s === 0) {
      for (let c = 0; c < this.leftWidth; c++) b.appendValue(c, store.value(c, id));
      b.appendNulls(this.leftWidth, this.rightWidth);
    } else {
      b.appendNulls(0, this.leftWidth);
      for (let c = 0; c < this.rightWidth; c++) b.appendValue(this.leftWidth + c, store.value(c, id));
    }
    b.finishRow(op);
  }

  protected onBarrier(barrier: BarrierMessage): void {
    for (let s = 0; s < 2; s++) {
      const side = this.sides[s];
      if (!side.preserved) continue;
      for (const id of side.takeDirty()) {
        const want = this.semi ? side.matches[id] > 0 : side.matches[id] <= 0;
        if (want && side.emitted[id] === 0) {
          this.emitExtension(s, id, 1);
          side.emitted[id] = 1;
        } else if (!want && side.emitted[id] === 1) {
          this.emitExtension(s, id, -1);
          side.emitted[id] = 0;
        }
      }
    }
    this.out.flush();
    if (this.cleanup !== null && this.watermarksMoved) {
      this.watermarksMoved = false;
      this.cleanState();
      const wms = this.pendingWatermarks;
      this.pendingWatermarks = [];
      for (const w of wms) this.emit(w);
    }
    this.emit(barrier);
  }
}
