// The values a hash aggregate last emitted for one aggregate, per group slot, and the staging of
// that aggregate's output column for the changes of one barrier. Aggregates with a fixed-width
// result (SlotAggregate.numKind: count, integer sum to bigint, float sums, integer avg to double)
// keep the emitted value as a double in a Float64Array and are compared as numbers; their output
// column is written straight into a typed array (bigint results as two int32 words, no BigInt
// objects while the value is a safe integer). Other results (and integer sums that left the safe
// range) are kept as values and compared by their exact key (equal values that print differently,
// numeric 2.0 and 2.00, are a change).

import { registerTransientFields } from "../state/state-codec.js";
import { Column, ColumnBuilder, type DataType } from "../../types/index.js";
import { exactValueKey, sameKey } from "../row-key.js";
import type { SlotAggregate } from "./slot-aggregates.js";

const TWO_32 = 4294967296;

/** state codes: the value is NULL, a number (num), or any value (obj) */
const NULL = 1;
const NUM = 2;
const OBJ = 3;

export class EmittedValues {
  private readonly kind: "int64" | "float64" | null;
  private state: Uint8Array;
  private num: Float64Array;
  private obj: unknown[] = [];
  // the current value of the slot loaded last
  private curState = NULL;
  private curNum = 0;
  private curObj: unknown = null;
  // staged output column (reused; copied out at flush)
  private readonly sNulls: Uint8Array;
  private sAnyNull = false;
  private readonly sF64: Float64Array | null;
  private readonly sI64: BigInt64Array | null;
  private readonly sW32: Int32Array | null;
  private readonly sObj: unknown[] | null;

  constructor(
    private readonly agg: SlotAggregate,
    private readonly type: DataType,
    capacity: number,
    chunkSize: number,
  ) {
    const k = agg.numKind ?? null;
    // the typed path writes the column's own physical representation
    this.kind = k === "int64" && type.id === "bigint" ? k : k === "float64" && (type.id === "double" || type.id === "real") ? k : null;
    this.state = new Uint8Array(capacity);
    this.num = new Float64Array(capacity);
    this.sNulls = new Uint8Array(chunkSize);
    this.sF64 = this.kind === "float64" ? new Float64Array(chunkSize) : null;
    this.sI64 = this.kind === "int64" ? new BigInt64Array(chunkSize) : null;
    this.sW32 = this.sI64 !== null ? new Int32Array(this.sI64.buffer) : null;
    this.sObj = this.kind === null ? new Array<unknown>(chunkSize) : null;
  }

  grow(capacity: number): void {
    if (this.state.length >= capacity) return;
    const s = new Uint8Array(capacity);
    s.set(this.state);
    this.state = s;
    const n = new Float64Array(capacity);
    n.set(this.num);
    this.num = n;
  }

  /** Computes the current value of `slot` (held until the next load). */
  load(slot: number): void {
    const agg = this.agg;
    if (this.kind !== null) {
      const st = agg.numState!(slot);
      if (st === 0) {
        this.curState = NULL;
        return;
      }
      if (st === 1) {
        this.curState = NUM;
        this.curNum = agg.numValue!(slot);
        return;
      }
    }
    const v = agg.result(slot);
    if (v === null || v === undefined) this.curState = NULL;
    else {
      this.curState = OBJ;
      this.curObj = v;
    }
  }

  private asValue(st: number, n: number, o: unknown): unknown {
    if (st === NULL) return null;
    if (st === OBJ) return o;
    return this.kind === "int64" ? BigInt(n) : n;
  }

  /** Whether the loaded value prints as the one emitted for `slot` (which must have one). */
  sameAsEmitted(slot: number): boolean {
    const es = this.state[slot];
    const cs = this.curState;
    if (es === NUM && cs === NUM) {
      const a = this.num[slot];
      const b = this.curNum;
      // doubles: NaN is NaN, -0 is not 0 (they print differently)
      return this.kind === "int64" ? a === b : Object.is(a, b);
    }
    if (es === NULL || cs === NULL) return es === cs;
    const t = this.type;
    return sameKey(exactValueKey(t, this.asValue(es, this.num[slot], this.obj[slot])), exactValueKey(t, this.asValue(cs, this.curNum, this.curObj)));
  }

  /** Records the loaded value as emitted for `slot`. */
  commit(slot: number): void {
    const cs = this.curState;
    this.state[slot] = cs;
    if (cs === NUM) this.num[slot] = this.curNum;
    if (cs === OBJ) this.obj[slot] = this.curObj;
    else if (this.obj[slot] !== undefined) this.obj[slot] = undefined;
  }

  /** Forgets the emitted value of `slot`. */
  clear(slot: number): void {
    this.state[slot] = 0;
    if (this.obj[slot] !== undefined) this.obj[slot] = undefined;
  }

  /** Stages the value emitted for `slot` at output row r. */
  stageEmitted(slot: number, r: number): void {
    this.stage(r, this.state[slot], this.num[slot], this.obj[slot]);
  }

  /** Stages the loaded value at output row r. */
  stageLoaded(r: number): void {
    this.stage(r, this.curState, this.curNum, this.curObj);
  }

  private stage(r: number, st: number, n: number, o: unknown): void {
    if (st === NULL) {
      this.sNulls[r] = 1;
      this.sAnyNull = true;
      if (this.sObj !== null) this.sObj[r] = null;
      else if (this.sF64 !== null) this.sF64[r] = 0;
      else this.sW32![2 * r] = this.sW32![2 * r + 1] = 0;
      return;
    }
    this.sNulls[r] = 0;
    if (this.sObj !== null) this.sObj[r] = o;
    else if (this.sF64 !== null) this.sF64[r] = st === NUM ? n : (o as number);
    else if (st === NUM) {
      const w = this.sW32!;
      w[2 * r] = n >>> 0;
      w[2 * r + 1] = Math.floor(n / TWO_32) | 0;
    } else this.sI64![r] = o as bigint;
  }

  /** The staged rows [0, n) as a column; the staging is reused afterwards. */
  take(n: number): Column {
    const nulls = this.sAnyNull ? this.sNulls.slice(0, n) : null;
    this.sAnyNull = false;
    if (this.sObj !== null) {
      const b = new ColumnBuilder(this.type, n);
      for (let i = 0; i < n; i++) b.push(this.sObj[i]);
      this.sObj.fill(undefined, 0, n);
      return b.build();
    }
    const data = this.sF64 !== null ? this.sF64.slice(0, n) : this.sI64!.slice(0, n);
    return new Column(this.type, data, nulls, n);
  }
}

registerTransientFields(EmittedValues, ["sNulls", "sAnyNull", "sF64", "sI64", "sW32", "sObj"]);
