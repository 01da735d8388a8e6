// Aggregates over many groups at once, with per-group state in typed arrays indexed by group slot:
// the hash aggregate computes each row's slot once per chunk, then every aggregate runs one tight
// loop over (slot, value, weight). count(*), count(x), and sum/avg over integer and float columns
// have typed-array versions (no per-row allocation: integer sums are exact doubles while below
// 2^53 and move to a bigint for the slot beyond that); every other aggregate keeps one
// Accumulator (accumulators.ts) per slot.

import { registerStateClasses } from "../state/state-codec.js";
import { Column, type DataType, Decimal, type EvalContext, SqlError, SqlState } from "../../types/index.js";
import { readSafe, words } from "../expression/int64.js";

/** 2^53: integer sums below it in magnitude are exact in a double (a local constant: hot loops) */
const SAFE = 9007199254740992;
import { type Accumulator, accumulatorFactory, type AggregateSpec, intResult } from "./accumulators.js";
import { aggKind } from "./kind.js";

export interface SlotAggregate {
  /** Makes room for slots [0, capacity). */
  grow(capacity: number): void;
  /** Folds rows [0, n) into their slots; `filter` is the FILTER (WHERE) mask, `order` the ORDER BY key columns. */
  update(slots: Int32Array, n: number, args: Column[], ops: Int8Array | null, filter: Column | null, order: Column[] | null): void;
  result(slot: number): unknown;
  /** Forgets a slot's state (the group is gone; the slot will be reused). */
  reset(slot: number): void;
  /**
   * Set when the result is (while numState says so) a plain number: the physical kind of the
   * result column it goes to (a bigint result as an exact safe integer, a double).
   */
  readonly numKind?: "int64" | "float64";
  /** With numKind: 0 the result is NULL, 1 it is numValue(slot), 2 ask result(slot). */
  numState?(slot: number): number;
  numValue?(slot: number): number;
}

function grown(a: Float64Array, capacity: number): Float64Array {
  if (a.length >= capacity) return a;
  const b = new Float64Array(Math.max(capacity, a.length * 2));
  b.set(a);
  return b;
}

function passes(filter: Column | null, i: number): boolean {
  if (filter === null) return true;
  return (filter.data as Uint8Array)[i] === 1 && (filter.nulls === null || filter.nulls[i] === 0);
}

/** count(*) and count(x). */
class CountSlots implements SlotAggregate {
  private n: Float64Array = new Float64Array(16);
  readonly numKind = "int64";
  constructor(private readonly star: boolean) {}
  grow(capacity: number): void {
    this.n = grown(this.n, capacity);
  }
  update(slots: Int32Array, rows: number, args: Column[], ops: Int8Array | null, filter: Column | null): void {
    const cnt = this.n;
    const nulls = this.star ? null : args[0].nulls;
    if (ops === null && nulls === null && filter === null) {
      for (let i = 0; i < rows; i++) cnt[slots[i]]++;
      return;
    }
    for (let i = 0; i < rows; i++) {
      if (nulls !== null && nulls[i] === 1) continue;
      if (!passes(filter, i)) continue;
      cnt[slots[i]] += ops === null ? 1 : ops[i];
    }
  }
  result(slot: number): unknown {
    return BigInt(this.n[slot]);
  }
  numState(): number {
    return 1;
  }
  numValue(slot: number): number {
    return this.n[slot];
  }
  reset(slot: number): void {
    this.n[slot] = 0;
  }
}

/** sum / avg of an integer column: exact doubles below 2^53, a bigint per slot beyond. */
class IntSumSlots implements SlotAggregate {
  private sum: Float64Array = new Float64Array(16);
  private cnt: Float64Array = new Float64Array(16);
  private big: (bigint | undefined)[] = [];
  private anyBig = false;
  readonly numKind: "int64" | "float64" | undefined;

  constructor(
    private readonly type: DataType,
    private readonly avg: boolean,
  ) {
    this.numKind = !avg && type.id === "bigint" ? "int64" : avg && type.id === "double" ? "float64" : undefined;
  }

  numState(slot: number): number {
    if (this.cnt[slot] === 0) return 0;
    return this.anyBig && this.big[slot] !== undefined ? 2 : 1;
  }

  /** The sum (exact: below 2^53), or the average as result() computes it. */
  numValue(slot: number): number {
    return this.avg ? this.sum[slot] / this.cnt[slot] : this.sum[slot];
  }

  grow(capacity: number): void {
    this.sum = grown(this.sum, capacity);
    this.cnt = grown(this.cnt, capacity);
  }

  private addBig(s: number, v: bigint): void {
    const cur = this.big[s];
    this.big[s] = (cur !== undefined ? cur : BigInt(this.sum[s])) + v;
    this.anyBig = true;
  }

  update(slots: Int32Array, rows: number, args: Column[], ops: Int8Array | null, filter: Column | null): void {
    const col = args[0];
    const nulls = col.nulls;
    const sum = this.sum;
    const cnt = this.cnt;
    if (col.kind === "int32") {
      const d = col.data as Int32Array;
      let i = 0;
      if (ops === null && nulls === null && filter === null && !this.anyBig) {
        for (; i < rows; i++) {
          const s = slots[i];
          const r = sum[s] + d[i];
          if (r >= SAFE || r <= -SAFE) break; // continue below, in the general loop
          sum[s] = r;
          cnt[s]++;
        }
      }
      for (; i < rows; i++) {
        if ((nulls !== null && nulls[i] === 1) || !passes(filter, i)) continue;
        const s = slots[i];
        const w = ops === null ? 1 : ops[i];
        cnt[s] += w;
        const v = d[i] * w;
        if (this.anyBig && this.big[s] !== undefined) {
          this.big[s]! += BigInt(v);
          continue;
        }
        const r = sum[s] + v;
        if (r >= SAFE || r <= -SAFE) this.addBig(s, BigInt(v));
        else sum[s] = r;
      }
      return;
    }
    // int64
    const d = col.data as BigInt64Array;
    const w32 = words(d);
    for (let i = 0; i < rows; i++) {
      if ((nulls !== null && nulls[i] === 1) || !passes(filter, i)) continue;
      const s = slots[i];
      const w = ops === null ? 1 : ops[i];
      cnt[s] += w;
      const x = readSafe(w32, i);
      if (x !== x || (this.anyBig && this.big[s] !== undefined)) {
        this.addBig(s, w > 0 ? d[i] : -d[i]);
        continue;
      }
      const r = sum[s] + x * w;
      if (r >= SAFE || r <= -SAFE) this.addBig(s, BigInt(x * w));
      else sum[s] = r;
    }
  }

  result(slot: number): unknown {
    if (this.cnt[slot] === 0) return null;
    const b = this.big[slot];
    const total = b !== undefined ? b : BigInt(this.sum[slot]);
    if (!this.avg) return intResult(total, this.type);
    if (this.type.id === "numeric") return Decimal.fromBigInt(total).div(Decimal.fromBigInt(BigInt(this.cnt[slot])));
    return Number(total) / this.cnt[slot];
  }

  reset(slot: number): void {
    this.sum[slot] = 0;
    this.cnt[slot] = 0;
    if (this.big[slot] !== undefined) this.big[slot] = undefined;
  }
}

/** sum / avg of a float column; NaN and infinities are counted apart so they can be retracted. */
class FloatSumSlots implements SlotAggregate {
  private sum: Float64Array = new Float64Array(16);
  private cnt: Float64Array = new Float64Array(16);
  private special: Float64Array = new Float64Array(48); // per slot: NaN, +Inf, -Inf counts

  constructor(
    private readonly type: DataType,
    private readonly avg: boolean,
  ) {}

  grow(capacity: number): void {
    this.sum = grown(this.sum, capacity);
    this.cnt = grown(this.cnt, capacity);
    this.special = grown(this.special, capacity * 3);
  }

  update(slots: Int32Array, rows: number, args: Column[], ops: Int8Array | null, filter: Column | null): void {
    const col = args[0];
    const d = col.data as Float64Array;
    const nulls = col.nulls;
    const sum = this.sum;
    const cnt = this.cnt;
    const real = this.type.id === "real";
    for (let i = 0; i < rows; i++) {
      if ((nulls !== null && nulls[i] === 1) || !passes(filter, i)) continue;
      const s = slots[i];
      const w = ops === null ? 1 : ops[i];
      const v = d[i];
      cnt[s] += w;
      if (v - v === 0) {
        const r = real ? Math.fround(sum[s] + v * w) : sum[s] + v * w;
        if (r - r !== 0) throw new SqlError(SqlState.NumericValueOutOfRange, "value out of range: overflow");
        sum[s] = r;
      } else this.special[s * 3 + (v !== v ? 0 : v > 0 ? 1 : 2)] += w;
    }
  }

  readonly numKind = "float64";

  numState(slot: number): number {
    return this.cnt[slot] === 0 ? 0 : 1;
  }

  numValue(slot: number): number {
    return this.result(slot) as number;
  }

  result(slot: number): unknown {
    const n = this.cnt[slot];
    if (n === 0) return null;
    const sp = this.special;
    let s: number;
    if (sp[slot * 3] > 0 || (sp[slot * 3 + 1] > 0 && sp[slot * 3 + 2] > 0)) s = NaN;
    else if (sp[slot * 3 + 1] > 0) s = Infinity;
    else if (sp[slot * 3 + 2] > 0) s = -Infinity;
    else s = this.sum[slot];
    const r = this.avg ? s / n : s;
    return this.type.id === "real" ? Math.fround(r) : r;
  }

  reset(slot: number): void {
    this.sum[slot] = 0;
    this.cnt[slot] = 0;
    this.special[slot * 3] = this.special[slot * 3 + 1] = this.special[slot * 3 + 2] = 0;
  }
}

/** Any aggregate: one Accumulator per slot, fed row by row. */
class AccumulatorSlots implements SlotAggregate {
  private accs: (Accumulator | undefined)[] = [];
  constructor(private readonly make: () => Accumulator) {}
  /** restoring a checkpoint: a fresh accumulator (with its functions) for each restored one */
  stateTemplate(field: string): object | undefined {
    return field === "accs" ? this.make() : undefined;
  }
  grow(): void {}
  update(slots: Int32Array, rows: number, args: Column[], ops: Int8Array | null, filter: Column | null, order: Column[] | null): void {
    const vals = new Array<unknown>(args.length);
    const ord = order !== null ? new Array<unknown>(order.length) : undefined;
    for (let i = 0; i < rows; i++) {
      if (!passes(filter, i)) continue;
      const s = slots[i];
      let acc = this.accs[s];
      if (acc === undefined) {
        acc = this.make();
        this.accs[s] = acc;
      }
      for (let c = 0; c < args.length; c++) vals[c] = args[c].get(i);
      if (ord !== undefined) for (let c = 0; c < order!.length; c++) ord[c] = order![c].get(i);
      acc.update(vals, ops === null ? 1 : ops[i], ord);
    }
  }
  result(slot: number): unknown {
    let acc = this.accs[slot];
    if (acc === undefined) {
      acc = this.make();
      this.accs[slot] = acc;
    }
    return acc.result();
  }
  reset(slot: number): void {
    this.accs[slot] = undefined;
  }
}

/** The slot aggregate for one call: a typed-array version when there is one, else accumulators. */
export function slotAggregate(spec: AggregateSpec, appendOnly: boolean, evalCtx: EvalContext): SlotAggregate {
  const kind = aggKind(spec.fn, spec.argTypes.length);
  const arg = spec.argTypes[0];
  if (!spec.distinct) {
    if (kind === "count_star") return new CountSlots(true);
    if (kind === "count") return new CountSlots(false);
    if ((kind === "sum" || kind === "avg") && arg !== undefined) {
      const avg = kind === "avg";
      if (arg.id === "smallint" || arg.id === "integer" || arg.id === "bigint") {
        if (spec.type.id === "bigint" || spec.type.id === "numeric" || spec.type.id === "double") {
          return new IntSumSlots(spec.type, avg);
        }
      }
      if ((arg.id === "real" || arg.id === "double") && (spec.type.id === "real" || spec.type.id === "double")) {
        return new FloatSumSlots(spec.type, avg);
      }
    }
  }
  return new AccumulatorSlots(accumulatorFactory(spec, appendOnly, evalCtx));
}

registerStateClasses(CountSlots, IntSumSlots, FloatSumSlots, AccumulatorSlots);
