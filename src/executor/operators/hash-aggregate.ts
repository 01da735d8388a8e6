// HashAggregate: GROUP BY keys with retractable aggregates. Output rows are the group-by values
// then one column per aggregate. Chunks (inserts and deletes) update the groups as they arrive;
// at each barrier every group that changed emits a -1 of the row it emitted before (if any) and a
// +1 of its new row (if the group still has rows), so an ad-hoc query with one final barrier emits
// inserts only. With no GROUP BY there is exactly one group, which always has a row (count 0,
// sum NULL on empty input).
// State: key → group slot (for one int32 key a typed open-addressing table, int-hash-table.ts;
// otherwise a Map keyed by the key value for one column, by a self-delimiting string for several,
// see row-key.ts); the group keys in a RowStore; per slot the
// net row count, each aggregate's state (slot-aggregates.ts) and the values last emitted
// (emitted-values.ts: fixed-width results in typed arrays, compared as numbers). A barrier makes
// one pass over the changed slots, staging each output column directly (aggregate values into typed
// arrays, group keys gathered from the RowStore by slot id when a chunk is emitted).
// Continuous queries grouping by a type whose equal values print differently (numeric 1.0 and
// 1.00, interval '1 day' and '24 hours', char with trailing blanks) also count, per group, the rows
// holding each printing of the key, so that a group always shows a printing one of its rows still
// has (after the row with 1.0 is deleted, the group of 1.00 shows 1.00).

import { registerStateSymbol } from "../state/state-codec.js";
import type { AggregateNode } from "../../planner/physical-plan.js";
import { Chunk, type Column, compareValues, physicalKind, SqlError, SqlState } from "../../types/index.js";

/** slotKey of a slot whose group was dropped (distinct from every real key, NULL included). */
const EVICTED = Symbol("evicted") as unknown as KeyPrimitive;
registerStateSymbol("HashAggregate.evicted", EVICTED as unknown as symbol);
import { EmittedValues } from "../aggregate/emitted-values.js";
import { type SlotAggregate, slotAggregate } from "../aggregate/slot-aggregates.js";
import { ChunkBuilder } from "../chunk-builder.js";
import { IntHashTable } from "../int-hash-table.js";
import { NumericTupleIndex } from "../aggregate/numeric-tuple-index.js";
import { compileExpr, type CompiledExpr } from "../expression/compile.js";
import { CHUNK_SIZE, type Emit, type Message, type Operator, type OperatorEnv } from "../message.js";
import { columnKeys, encodeKeyPart, exactValueKey, exactValuesKey, int64Key, int64Words, type KeyPrimitive, rowKeys, sameKey } from "../row-key.js";
import { RowStore } from "../row-store.js";

interface AggSlot {
  agg: SlotAggregate;
  args: CompiledExpr[];
  filter: CompiledExpr | null;
  order: CompiledExpr[] | null;
}

export interface HashAggregateOptions {
  /** no delete will ever arrive (ad-hoc queries): min/max keep only the running extreme */
  appendOnly: boolean;
}

export class HashAggregate implements Operator {
  readonly name = "HashAggregate";
  /** what checkpoints capture (see executor/state) */
  readonly stateFields = ["aggs", "groups", "keyStore", "slotKey", "rows", "dirty", "dirtyList", "emitted", "hasShown", "shown", "capacity", "intIndex", "nullSlot", "closedBelow", "prints", "shownKey"] as const;
  private readonly keys: CompiledExpr[];
  private readonly aggs: AggSlot[];
  private readonly groups = new Map<KeyPrimitive, number>();
  private readonly keyStore: RowStore;
  private slotKey: KeyPrimitive[] = [];
  private rows: Float64Array = new Float64Array(16);
  private dirty: Uint8Array = new Uint8Array(16);
  private dirtyList: number[] = [];
  /** (printCols only) per slot: the aggregate values last emitted */
  private emitted: (unknown[] | undefined)[] = [];
  /** per slot: 1 when the group has an emitted row (its values in `shown`) */
  private hasShown: Uint8Array = new Uint8Array(16);
  /** per aggregate: the values last emitted per slot, and the staging of its output column */
  private readonly shown: EmittedValues[];
  /** staged output rows of a barrier: group slot and op */
  private readonly stageSlots = new Int32Array(CHUNK_SIZE);
  private readonly stageOps = new Int8Array(CHUNK_SIZE);
  private stageN = 0;
  private stageAnyDelete = false;
  private capacity = 16;
  /** for a single integer (int32) key: the typed index, and the slot of the NULL group */
  private readonly intIndex: IntHashTable | null;
  /** composite all-numeric keys: a cache in front of `groups` (not state: rebuilt by lookups) */
  private readonly tupleIndex: NumericTupleIndex | null;
  private readonly tupleParts: Float64Array;
  private nullSlot = -1;
  private readonly out: ChunkBuilder;
  /** per group-by column: the watermark seen on it (groups with a smaller key value are closed) */
  private readonly closedBelow: unknown[];
  /** group-by columns whose equal values can print differently (streaming only; else empty) */
  private readonly printCols: number[];
  /** per slot (when printCols): rows per printing of the key, with the key values to show */
  private prints: (Map<KeyPrimitive, { n: number; values: unknown[] }> | undefined)[] = [];
  /** per slot (when printCols): the key values of the row last emitted */
  private shownKey: (unknown[] | undefined)[] = [];

  constructor(
    private readonly node: AggregateNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
    options: HashAggregateOptions,
  ) {
    this.keys = node.groupBy.map(compileExpr);
    this.intIndex =
      node.groupBy.length === 1 && physicalKind(node.groupBy[0].type) === "int32" ? new IntHashTable(1024) : null;
    const numericKey = (k: string) => k === "int32" || k === "int64" || k === "float64";
    this.tupleIndex =
      node.groupBy.length >= 2 && node.groupBy.every((g) => numericKey(physicalKind(g.type))) ? new NumericTupleIndex(node.groupBy.length) : null;
    this.tupleParts = new Float64Array(node.groupBy.length);
    this.keyStore = new RowStore(
      node.groupBy.map((g) => g.type),
      16,
    );
    this.aggs = node.aggregates.map((a) => ({
      agg: slotAggregate(
        { fn: a.fn, argTypes: a.args.map((x) => x.type), type: a.type, distinct: a.distinct, orderBy: a.orderBy },
        options.appendOnly,
        env.ctx.eval,
      ),
      args: a.args.map(compileExpr),
      filter: a.filter !== undefined ? compileExpr(a.filter) : null,
      order: a.orderBy !== undefined && a.orderBy.length > 0 ? a.orderBy.map((k) => compileExpr(k.expr)) : null,
    }));
    for (const a of this.aggs) a.agg.grow(this.capacity);
    this.shown = this.aggs.map((a, i) => new EmittedValues(a.agg, node.aggregates[i].type, this.capacity, CHUNK_SIZE));
    this.out = new ChunkBuilder(node.types, (chunk) => this.emit({ kind: "chunk", chunk }));
    this.closedBelow = node.groupBy.map(() => undefined);
    this.printCols = options.appendOnly
      ? []
      : node.groupBy.flatMap((g, i) => (g.type.id === "numeric" || g.type.id === "interval" || g.type.id === "char" ? [i] : []));
    if (this.keys.length === 0) {
      // the one group of an aggregate without GROUP BY: it exists (and is emitted) from the start
      this.newSlot([], 0, "");
    }
  }

  private grow(min: number): void {
    let cap = this.capacity;
    while (cap < min) cap *= 2;
    const rows = new Float64Array(cap);
    rows.set(this.rows);
    this.rows = rows;
    const dirty = new Uint8Array(cap);
    dirty.set(this.dirty);
    this.dirty = dirty;
    const hasShown = new Uint8Array(cap);
    hasShown.set(this.hasShown);
    this.hasShown = hasShown;
    for (const a of this.aggs) a.agg.grow(cap);
    for (const e of this.shown) e.grow(cap);
    this.capacity = cap;
  }

  private newSlot(keyCols: Column[], i: number, key: KeyPrimitive): number {
    const slot = this.keyStore.append(keyCols, i);
    if (slot >= this.capacity) this.grow(slot + 1);
    if (this.intIndex === null) this.groups.set(key, slot);
    this.slotKey[slot] = key;
    this.dirty[slot] = 1;
    this.dirtyList.push(slot);
    return slot;
  }

  /** Each row's group slot (creating groups as needed). */
  private assignSlots(keyCols: Column[], n: number): Int32Array {
    const slots = new Int32Array(n);
    if (keyCols.length === 0) return slots; // slot 0
    const groups = this.groups;
    if (this.intIndex !== null) {
      // one int32 key: the typed open-addressing table, NULL in its own slot
      const index = this.intIndex;
      const col = keyCols[0];
      const d = col.data as Int32Array;
      const nulls = col.nulls;
      for (let i = 0; i < n; i++) {
        let s: number;
        if (nulls !== null && nulls[i] === 1) {
          s = this.nullSlot;
          if (s < 0) s = this.nullSlot = this.newSlot(keyCols, i, null);
        } else {
          s = index.get(d[i]);
          if (s < 0) {
            s = this.newSlot(keyCols, i, d[i]);
            index.set(d[i], s);
          }
        }
        slots[i] = s;
      }
      return slots;
    }
    if (keyCols.length === 1 && keyCols[0].kind === "float64") {
      const col = keyCols[0];
      const d = col.data as Int32Array | Float64Array;
      const nulls = col.nulls;
      for (let i = 0; i < n; i++) {
        const k = nulls !== null && nulls[i] === 1 ? null : d[i];
        let s = groups.get(k);
        if (s === undefined) s = this.newSlot(keyCols, i, k);
        slots[i] = s;
      }
      return slots;
    }
    if (keyCols.length === 1 && keyCols[0].kind === "int64") {
      const col = keyCols[0];
      const d = col.data as BigInt64Array;
      const w = int64Words(d);
      const nulls = col.nulls;
      for (let i = 0; i < n; i++) {
        const k = nulls !== null && nulls[i] === 1 ? null : int64Key(w, d, i);
        let s = groups.get(k);
        if (s === undefined) s = this.newSlot(keyCols, i, k);
        slots[i] = s;
      }
      return slots;
    }
    if (this.tupleIndex !== null) return this.assignTupleSlots(keyCols, n, slots);
    const keys = keyCols.length === 1 ? columnKeys(keyCols[0], n) : rowKeys(keyCols, n);
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      let s = groups.get(k);
      if (s === undefined) s = this.newSlot(keyCols, i, k);
      slots[i] = s;
    }
    return slots;
  }

  /**
   * assignSlots for all-numeric composite keys: rows found in the tuple index skip the string
   * key; the others take the `groups` path (the same key rowKeys gives) and fill the index.
   * Tuples with a NULL or an int64 beyond 2^53 are not indexed (always the string path).
   */
  private assignTupleSlots(keyCols: Column[], n: number, slots: Int32Array): Int32Array {
    const index = this.tupleIndex!;
    const parts = this.tupleParts;
    const width = keyCols.length;
    const keyParts: KeyPrimitive[][] = keyCols.map((c) => columnKeys(c, n));
    for (let i = 0; i < n; i++) {
      let plain = true;
      for (let c = 0; c < width; c++) {
        const k = keyParts[c][i];
        if (typeof k !== "number") {
          plain = false;
          break;
        }
        parts[c] = k;
      }
      let s = plain ? index.get(parts) : -1;
      if (s < 0) {
        let key = "";
        for (let c = 0; c < width; c++) key += encodeKeyPart(keyParts[c][i]);
        const found = this.groups.get(key);
        s = found === undefined ? this.newSlot(keyCols, i, key) : found;
        if (plain) index.set(parts, s);
      }
      slots[i] = s;
    }
    return slots;
  }

  /** Drops an evicted group's tuple from the tuple index. */
  private forgetTuple(slot: number): void {
    const parts = this.tupleParts;
    for (let c = 0; c < parts.length; c++) {
      const v = this.keyStore.value(c, slot);
      if (typeof v === "number") parts[c] = v;
      else if (typeof v === "bigint" && v >= -9007199254740991n && v <= 9007199254740991n) parts[c] = Number(v);
      else return; // NULL or a large int64: never indexed
    }
    this.tupleIndex!.delete(parts);
  }

  private onChunk(msg: Extract<Message, { kind: "chunk" }>): void {
    const chunk = msg.chunk;
    const n = chunk.length;
    if (n === 0) return;
    const { ctx, outer } = this.env;
    const keyCols = this.keys.map((k) => k(chunk, ctx, outer));
    const slots = this.assignSlots(keyCols, n);
    const ops = chunk.ops;
    if (this.printCols.length > 0) this.countPrints(keyCols, slots, n, ops);
    const rows = this.rows;
    const dirty = this.dirty;
    if (ops === null) {
      for (let i = 0; i < n; i++) {
        const s = slots[i];
        rows[s]++;
        if (dirty[s] === 0) this.markDirty(s);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const s = slots[i];
        rows[s] += ops[i];
        if (dirty[s] === 0) this.markDirty(s);
      }
    }
    for (const a of this.aggs) {
      a.agg.update(
        slots,
        n,
        a.args.map((e) => e(chunk, ctx, outer)),
        ops,
        a.filter !== null ? a.filter(chunk, ctx, outer) : null,
        a.order !== null ? a.order.map((e) => e(chunk, ctx, outer)) : null,
      );
    }
  }

  private markDirty(s: number): void {
    this.dirty[s] = 1;
    this.dirtyList.push(s);
  }

  /** Counts each row under its group's printing of the key (see printCols). */
  private countPrints(keyCols: Column[], slots: Int32Array, n: number, ops: Int8Array | null): void {
    const types = this.node.groupBy.map((g) => g.type);
    for (let i = 0; i < n; i++) {
      const s = slots[i];
      const values = keyCols.map((c) => c.get(i));
      const k = exactValuesKey(types, values);
      let m = this.prints[s];
      if (m === undefined) m = this.prints[s] = new Map();
      const w = ops === null ? 1 : ops[i];
      const e = m.get(k);
      if (e !== undefined) {
        e.n += w;
        if (e.n <= 0) m.delete(k);
      } else if (w > 0) m.set(k, { n: w, values });
    }
  }

  /** The key values a group shows: the printing shown so far while a row still has it, else another one its rows have. */
  private groupValues(slot: number): unknown[] | null {
    const m = this.prints[slot];
    if (m === undefined || m.size === 0) return null;
    const cur = this.shownKey[slot];
    if (cur !== undefined && m.has(exactValuesKey(this.node.groupBy.map((g) => g.type), cur))) return cur;
    return m.values().next().value!.values;
  }

  private samePrint(a: readonly unknown[] | null | undefined, b: readonly unknown[] | null | undefined): boolean {
    if (a == null || b == null) return a == b;
    const types = this.node.groupBy.map((g) => g.type);
    return sameKey(exactValuesKey(types, a), exactValuesKey(types, b));
  }

  /** Appends a row of the group in `slot`: its key (`keyValues`, or the stored key), then `values`. */
  private emitRow(slot: number, values: readonly unknown[], op: number, keyValues: readonly unknown[] | null = null): void {
    const nk = this.keys.length;
    for (let c = 0; c < nk; c++) this.out.appendValue(c, keyValues !== null ? keyValues[c] : this.keyStore.value(c, slot));
    for (let a = 0; a < values.length; a++) this.out.appendValue(nk + a, values[a]);
    this.out.finishRow(op);
  }

  /** Whether a group's new values print as the old ones (sum 2.0 after 2.00 is a change). */
  private sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
    const aggs = this.node.aggregates;
    for (let i = 0; i < a.length; i++) {
      if (!sameKey(exactValueKey(aggs[i].type, a[i]), exactValueKey(aggs[i].type, b[i]))) return false;
    }
    return true;
  }

  /** Whether the group in `slot` is behind a watermark on one of its key columns. */
  private isClosed(slot: number): boolean {
    for (let k = 0; k < this.closedBelow.length; k++) {
      const w = this.closedBelow[k];
      if (w === undefined) continue;
      const v = this.keyStore.value(k, slot);
      if (v !== null && compareValues(this.node.groupBy[k].type, v, w) < 0) return true;
    }
    return false;
  }

  /** groups held in state (sage_catalog.operators, EXPLAIN ANALYZE) */
  get stateRows(): number {
    return this.intIndex === null ? this.groups.size : this.intIndex.size + (this.nullSlot >= 0 ? 1 : 0);
  }

  /** Drops a group's state (its rows are gone, or its window closed). */
  private evict(slot: number): void {
    const key = this.slotKey[slot];
    if (this.tupleIndex !== null) this.forgetTuple(slot);
    if (this.intIndex === null) this.groups.delete(key);
    else if (key === null) this.nullSlot = -1;
    else this.intIndex.delete(key as number);
    this.keyStore.free(slot);
    for (const a of this.aggs) a.agg.reset(slot);
    this.rows[slot] = 0;
    this.emitted[slot] = undefined;
    if (this.hasShown[slot] === 1) {
      this.hasShown[slot] = 0;
      for (const e of this.shown) e.clear(slot);
    }
    if (this.printCols.length > 0) {
      this.prints[slot] = undefined;
      this.shownKey[slot] = undefined;
    }
    this.slotKey[slot] = EVICTED;
  }

  /** At a barrier after a watermark: groups behind it are final; emit them (EOWC) and drop their state. */
  private closeWindows(): void {
    if (!this.closedBelow.some((w) => w !== undefined)) return;
    for (let slot = 0; slot < this.slotKey.length; slot++) {
      if (this.slotKey[slot] === EVICTED || this.slotKey[slot] === undefined || this.dirty[slot] === 1) continue;
      if (!this.isClosed(slot)) continue;
      if (this.node.emitOnWindowClose && this.rows[slot] > 0) {
        this.emitRow(slot, this.aggs.map((a) => a.agg.result(slot)), 1, this.printCols.length > 0 ? this.groupValues(slot) : null);
      }
      this.evict(slot);
    }
  }

  /** Ends a staged output row (flushing a full chunk). */
  private stageRow(slot: number, op: number): void {
    const r = this.stageN;
    this.stageSlots[r] = slot;
    this.stageOps[r] = op;
    if (op !== 1) this.stageAnyDelete = true;
    this.stageN = r + 1;
    if (this.stageN >= CHUNK_SIZE) this.flushStage();
  }

  /** Emits the staged rows as one chunk: group keys gathered from the key store, aggregate columns from their staging. */
  private flushStage(): void {
    const n = this.stageN;
    if (n === 0) return;
    const cols: Column[] = [];
    for (let c = 0; c < this.keys.length; c++) cols.push(this.keyStore.gatherColumn(c, this.stageSlots, n));
    for (const e of this.shown) cols.push(e.take(n));
    const ops = this.stageAnyDelete ? this.stageOps.slice(0, n) : null;
    this.stageN = 0;
    this.stageAnyDelete = false;
    this.emit({ kind: "chunk", chunk: new Chunk(cols, n, ops) });
  }

  private onBarrier(final: boolean): void {
    if (this.printCols.length > 0) {
      this.onBarrierPrinting(final);
      return;
    }
    const global = this.keys.length === 0;
    const eowc = this.node.emitOnWindowClose === true && !final;
    const list = this.dirtyList;
    this.dirtyList = [];
    const shown = this.shown;
    const na = shown.length;
    const hasShown = this.hasShown;
    let gone: number[] | null = null;
    for (let li = 0; li < list.length; li++) {
      const slot = list[li];
      if (this.slotKey[slot] === EVICTED) continue;
      this.dirty[slot] = 0;
      // open windows stay quiet; closed ones are emitted once by closeWindows
      if (eowc) continue;
      const count = this.rows[slot];
      if (count < 0) throw new SqlError(SqlState.InternalError, "aggregate received a delete of a row it never saw");
      const alive = global || count > 0;
      const before = hasShown[slot] === 1;
      if (alive) {
        for (let a = 0; a < na; a++) shown[a].load(slot);
        if (before) {
          let same = true;
          for (let a = 0; a < na; a++) {
            if (!shown[a].sameAsEmitted(slot)) {
              same = false;
              break;
            }
          }
          if (same) continue;
        }
      }
      if (before) {
        const r = this.stageN;
        for (let a = 0; a < na; a++) shown[a].stageEmitted(slot, r);
        this.stageRow(slot, -1);
      }
      if (alive) {
        const r = this.stageN;
        for (let a = 0; a < na; a++) shown[a].stageLoaded(r);
        this.stageRow(slot, 1);
        if (final) {
          if (before) {
            hasShown[slot] = 0;
            for (let a = 0; a < na; a++) shown[a].clear(slot);
          }
        } else {
          hasShown[slot] = 1;
          for (let a = 0; a < na; a++) shown[a].commit(slot);
        }
      } else {
        // the group's key must stay in the key store until its rows are flushed
        (gone ??= []).push(slot);
      }
    }
    this.flushStage();
    if (gone !== null) for (const slot of gone) this.evict(slot);
    if (!final) this.closeWindows();
    this.out.flush();
  }

  /** onBarrier for groups keyed by printing (printCols): row by row, with the key printing each group shows. */
  private onBarrierPrinting(final: boolean): void {
    const global = this.keys.length === 0;
    const eowc = this.node.emitOnWindowClose === true && !final;
    const list = this.dirtyList;
    this.dirtyList = [];
    for (const slot of list) {
      if (this.slotKey[slot] === EVICTED) continue;
      if (eowc) {
        // open windows stay quiet; closed ones are emitted once by closeWindows
        this.dirty[slot] = 0;
        continue;
      }
      this.dirty[slot] = 0;
      const count = this.rows[slot];
      if (count < 0) throw new SqlError(SqlState.InternalError, "aggregate received a delete of a row it never saw");
      const alive = global || count > 0;
      const now = alive ? this.aggs.map((a) => a.agg.result(slot)) : undefined;
      const before = this.emitted[slot];
      const printing = this.printCols.length > 0;
      const keyBefore = printing ? (this.shownKey[slot] ?? null) : null;
      const keyNow = printing && now !== undefined ? this.groupValues(slot) : null;
      if (before !== undefined && now !== undefined && this.sameValues(before, now) && (!printing || this.samePrint(keyBefore, keyNow))) continue;
      if (before !== undefined) this.emitRow(slot, before, -1, keyBefore);
      if (now !== undefined) this.emitRow(slot, now, 1, keyNow);
      if (printing) this.shownKey[slot] = final || keyNow === null ? undefined : keyNow;
      this.emitted[slot] = final ? undefined : now;
      if (!alive) this.evict(slot);
    }
    if (!final) this.closeWindows();
    this.out.flush();
  }

  push(_port: number, msg: Message): void {
    switch (msg.kind) {
      case "chunk":
        this.onChunk(msg);
        break;
      case "watermark": {
        // a watermark on a plain group-by column stays a watermark on that output column
        this.node.groupBy.forEach((g, i) => {
          if (g.kind === "column" && g.index === msg.column) {
            const prev = this.closedBelow[i];
            if (prev === undefined || compareValues(g.type, msg.value, prev) > 0) this.closedBelow[i] = msg.value;
            this.emit({ kind: "watermark", column: i, value: msg.value });
          }
        });
        break;
      }
      case "barrier":
        this.onBarrier(msg.final);
        this.emit(msg);
        break;
    }
  }
}
