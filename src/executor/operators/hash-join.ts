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
// State: both sides' rows, key chains, and match counts / emitted flags of preserved sides.

import type { JoinNode } from "../../planner/physical-plan.js";
import { Chunk, type Column } from "../../types/index.js";
import { AlignedOperator } from "../barrier-aligner.js";
import { ChunkBuilder, emitChunk, selectTrue } from "../chunk-builder.js";
import { compileExpr, type CompiledExpr } from "../expression/compile.js";
import { type BarrierMessage, CHUNK_SIZE, type Emit, type Message, type Operator, type OperatorEnv } from "../message.js";
import { anyNullMask, rowKeys } from "../row-key.js";
import { JoinSide } from "./join-side.js";

export class HashJoin extends AlignedOperator implements Operator {
  readonly name = "HashJoin";
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
  }

  protected onMessage(port: number, msg: Exclude<Message, BarrierMessage>): void {
    if (msg.kind === "chunk") this.onChunk(port, msg.chunk);
    // watermarks stop here: join output has no watermark until interval joins clean state by them
  }

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
    this.emit(barrier);
  }
}
