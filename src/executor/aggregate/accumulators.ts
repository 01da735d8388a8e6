// Retractable accumulators, one per group (or window frame): each takes one row's argument values
// with a weight (+1 add, -1 retract) and gives the aggregate's current value. These are the
// general path; hash-aggregate.ts has typed-array versions of the hot ones.
//   count/count(*): a counter · sum/avg: exact (bigint for integers, Decimal for numeric, doubles
//   with NaN/±Infinity counted apart, Interval, float64 per vector element) · min/max: a counted
//   multiset with the extreme cached · bool_and/or: counts of true and false · bit_and/or/xor:
//   counts per bit · string_agg/array_agg/jsonb_agg/jsonb_object_agg: list-accumulators.ts ·
//   variance family: Youngs–Cramer for floats, exact Decimal sums otherwise.
// DISTINCT wraps any of them with a counted map of distinct argument values.

import { registerStateClasses } from "../state/state-codec.js";
import {
  compareValues,
  type DataType,
  Decimal,
  type EvalContext,
  Interval,
  SqlError,
  SqlState,
} from "../../types/index.js";
import type { SortKey } from "../../planner/physical-plan.js";
import { type KeyPrimitive, sameKey, valueKey, valuesKey } from "../row-key.js";
import { type AggKind, aggKind } from "./kind.js";
import { ListAcc } from "./list-accumulators.js";

export interface Accumulator {
  /** Adds (weight > 0) or retracts (weight < 0) one row; `order` holds the call's ORDER BY key values. */
  update(args: readonly unknown[], weight: number, order?: readonly unknown[]): void;
  result(): unknown;
}

export interface AggregateSpec {
  fn: string;
  argTypes: DataType[];
  type: DataType;
  distinct: boolean;
  orderBy?: SortKey[];
}

const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

function isIntId(t: DataType): boolean {
  return t.id === "smallint" || t.id === "integer" || t.id === "bigint";
}

/** Converts an exact integer sum to the call's result type. */
export function intResult(v: bigint, type: DataType): unknown {
  switch (type.id) {
    case "bigint":
      if (v < INT64_MIN || v > INT64_MAX) throw new SqlError(SqlState.NumericValueOutOfRange, "bigint out of range");
      return v;
    case "integer":
    case "smallint":
      return Number(v);
    case "numeric":
      return Decimal.fromBigInt(v);
    default:
      return Number(v);
  }
}

/**
 * A float sum that survives retraction of NaN and infinities (counted apart). A finite sum that
 * overflows is 22003, as Postgres's float accumulators raise; `real` rounds after each step.
 */
export class FloatSum {
  sum = 0;
  nan = 0;
  pinf = 0;
  ninf = 0;
  real = false;

  add(v: number, w: number): void {
    if (v - v === 0) {
      const r = this.real ? Math.fround(this.sum + v * w) : this.sum + v * w;
      if (r - r !== 0) throw new SqlError(SqlState.NumericValueOutOfRange, "value out of range: overflow");
      this.sum = r;
    } else if (v !== v) this.nan += w;
    else if (v > 0) this.pinf += w;
    else this.ninf += w;
  }

  value(): number {
    if (this.nan > 0 || (this.pinf > 0 && this.ninf > 0)) return NaN;
    if (this.pinf > 0) return Infinity;
    if (this.ninf > 0) return -Infinity;
    return this.sum;
  }
}

/**
 * A numeric sum that survives retraction: NaN and infinities are counted apart (so retracting
 * them restores the finite sum), and so are the display scales of the finite inputs, because
 * Postgres gives a sum the largest scale among its inputs: after 1.00 is retracted from
 * {1.0, 1.00} the sum is 1.0 again, not 1.00.
 */
export class NumericSum {
  private sum: Decimal = Decimal.ZERO;
  private nan = 0;
  private pinf = 0;
  private ninf = 0;
  /** per display scale: how many finite inputs have it */
  private readonly scales = new Map<number, number>();

  add(v: Decimal, w: number): void {
    if (v.isNaN()) this.nan += w;
    else if (v.isInfinite()) {
      if (v.sign() > 0) this.pinf += w;
      else this.ninf += w;
    } else {
      this.sum = w > 0 ? this.sum.add(v) : this.sum.sub(v);
      const n = (this.scales.get(v.scale) ?? 0) + w;
      if (n === 0) this.scales.delete(v.scale);
      else this.scales.set(v.scale, n);
    }
  }

  value(): Decimal {
    if (this.nan > 0 || (this.pinf > 0 && this.ninf > 0)) return Decimal.NaN;
    if (this.pinf > 0) return Decimal.POSITIVE_INFINITY;
    if (this.ninf > 0) return Decimal.NEGATIVE_INFINITY;
    let scale = 0;
    for (const [s, n] of this.scales) if (n > 0 && s > scale) scale = s;
    // the retracted inputs cancelled exactly, so the sum is exact at the scale of those left
    return this.sum.scale === scale ? this.sum : this.sum.round(scale);
  }
}

function toBigInt(v: unknown): bigint {
  return typeof v === "bigint" ? v : BigInt(v as number);
}

class CountAcc implements Accumulator {
  n = 0;
  constructor(private readonly star: boolean) {}
  update(args: readonly unknown[], w: number): void {
    if (this.star || args[0] !== null) this.n += w;
  }
  result(): unknown {
    return BigInt(this.n);
  }
}

/** sum and avg over integers (bigint), numerics (Decimal), floats, intervals and vectors. */
class SumAcc implements Accumulator {
  private n = 0;
  private big = 0n;
  private readonly dec = new NumericSum();
  private readonly flt = new FloatSum();
  private iv: Interval = Interval.ZERO;
  private vec: Float64Array | null = null;
  private readonly mode: "int" | "numeric" | "float" | "interval" | "vector";

  constructor(
    argType: DataType,
    private readonly type: DataType,
    private readonly avg: boolean,
  ) {
    if (isIntId(argType)) this.mode = "int";
    else if (argType.id === "numeric") this.mode = "numeric";
    else if (argType.id === "real" || argType.id === "double") this.mode = "float";
    else if (argType.id === "interval") this.mode = "interval";
    else if (argType.id === "vector") this.mode = "vector";
    else throw new SqlError(SqlState.UndefinedFunction, `${avg ? "avg" : "sum"} over ${argType.id} is not supported`);
    if (this.mode === "float" && type.id === "real") this.flt.real = true;
  }

  update(args: readonly unknown[], w: number): void {
    const v = args[0];
    if (v === null) return;
    this.n += w;
    switch (this.mode) {
      case "int":
        this.big += w > 0 ? toBigInt(v) : -toBigInt(v);
        break;
      case "numeric":
        this.dec.add(v as Decimal, w);
        break;
      case "float":
        this.flt.add(v as number, w);
        break;
      case "interval":
        this.iv = w > 0 ? this.iv.add(v as Interval) : this.iv.sub(v as Interval);
        break;
      case "vector": {
        const x = v as Float32Array;
        if (this.vec === null) this.vec = new Float64Array(x.length);
        else if (this.vec.length !== x.length) {
          throw new SqlError(SqlState.DataException, `expected ${this.vec.length} dimensions, not ${x.length}`);
        }
        for (let i = 0; i < x.length; i++) this.vec[i] += w * x[i];
        break;
      }
    }
  }

  result(): unknown {
    if (this.n === 0) return null;
    switch (this.mode) {
      case "int":
        if (!this.avg) return intResult(this.big, this.type);
        if (this.type.id === "numeric") return Decimal.fromBigInt(this.big).div(Decimal.fromBigInt(BigInt(this.n)));
        return Number(this.big) / this.n;
      case "numeric":
        return this.avg ? this.dec.value().div(Decimal.fromBigInt(BigInt(this.n))) : this.dec.value();
      case "float": {
        const s = this.flt.value();
        const r = this.avg ? s / this.n : s;
        return this.type.id === "real" ? Math.fround(r) : r;
      }
      case "interval":
        return this.avg ? this.iv.div(this.n) : this.iv;
      case "vector": {
        const out = new Float32Array(this.vec!.length);
        for (let i = 0; i < out.length; i++) out[i] = this.avg ? this.vec![i] / this.n : this.vec![i];
        return out;
      }
    }
  }
}

/** bit_and / bit_or / bit_xor, retractable: per bit, how many inputs have it set. */
class BitAcc implements Accumulator {
  private n = 0;
  private readonly ones = new Float64Array(64);
  constructor(
    private readonly op: "bit_and" | "bit_or" | "bit_xor",
    private readonly type: DataType,
  ) {}
  update(args: readonly unknown[], w: number): void {
    const v = args[0];
    if (v === null) return;
    this.n += w;
    let x = BigInt.asUintN(64, toBigInt(v));
    for (let b = 0; x !== 0n; b++, x >>= 1n) if ((x & 1n) === 1n) this.ones[b] += w;
  }
  result(): unknown {
    if (this.n === 0) return null;
    let r = 0n;
    for (let b = 63; b >= 0; b--) {
      const c = this.ones[b];
      const set = this.op === "bit_and" ? c === this.n : this.op === "bit_or" ? c > 0 : c % 2 === 1;
      r = (r << 1n) | (set ? 1n : 0n);
    }
    const signed = BigInt.asIntN(64, r);
    return this.type.id === "bigint" ? signed : Number(BigInt.asIntN(this.type.id === "smallint" ? 16 : 32, signed));
  }
}

/** min / max over a counted multiset; in append-only mode just the running extreme. */
class ExtremeAcc implements Accumulator {
  private best: unknown = null;
  private values: Map<KeyPrimitive, { v: unknown; n: number }> | null;
  private stale = false;

  constructor(
    private readonly type: DataType,
    private readonly max: boolean,
    appendOnly: boolean,
  ) {
    this.values = appendOnly ? null : new Map();
  }

  private better(a: unknown, b: unknown): boolean {
    const c = compareValues(this.type, a, b);
    return this.max ? c > 0 : c < 0;
  }

  update(args: readonly unknown[], w: number): void {
    const v = args[0];
    if (v === null) return;
    if (this.values === null) {
      if (w < 0) throw new SqlError(SqlState.InternalError, "retraction reached an append-only min/max");
      if (this.best === null || this.better(v, this.best)) this.best = v;
      return;
    }
    const k = valueKey(this.type, v);
    const e = this.values.get(k);
    if (e === undefined) {
      if (w < 0) return;
      this.values.set(k, { v, n: w });
    } else {
      e.n += w;
      if (e.n <= 0) {
        this.values.delete(k);
        // (NaN is a key like any other: compare as the Map does)
        if (this.best !== null && sameKey(valueKey(this.type, this.best), k)) this.stale = true;
      }
    }
    if (w > 0 && !this.stale && (this.best === null || this.better(v, this.best))) this.best = v;
  }

  result(): unknown {
    if (this.stale && this.values !== null) {
      this.best = null;
      for (const e of this.values.values()) if (this.best === null || this.better(e.v, this.best)) this.best = e.v;
      this.stale = false;
    }
    return this.best;
  }
}

class BoolAcc implements Accumulator {
  private t = 0;
  private f = 0;
  constructor(private readonly and: boolean) {}
  update(args: readonly unknown[], w: number): void {
    const v = args[0];
    if (v === null) return;
    if (v === true) this.t += w;
    else this.f += w;
  }
  result(): unknown {
    if (this.t + this.f === 0) return null;
    return this.and ? this.f === 0 : this.t > 0;
  }
}

/** var_samp, var_pop, stddev_samp, stddev_pop. */
class VarianceAcc implements Accumulator {
  private n = 0;
  // floats: Youngs–Cramer running sum and sum of squared deviations (invertible)
  private sx = 0;
  private sxx = 0;
  // integers and numerics: exact sums
  private ex: Decimal = Decimal.ZERO;
  private ex2: Decimal = Decimal.ZERO;
  private readonly float: boolean;

  constructor(
    argType: DataType,
    private readonly type: DataType,
    private readonly kind: AggKind,
  ) {
    this.float = argType.id === "real" || argType.id === "double";
  }

  update(args: readonly unknown[], w: number): void {
    const v = args[0];
    if (v === null) return;
    if (this.float) {
      const x = v as number;
      if (w > 0) {
        this.n += 1;
        this.sx += x;
        if (this.n > 1) {
          const t = x * this.n - this.sx;
          this.sxx += (t * t) / (this.n * (this.n - 1));
        } else {
          this.sxx = 0;
        }
      } else {
        if (this.n > 1) {
          const t = x * this.n - this.sx;
          this.sxx -= (t * t) / (this.n * (this.n - 1));
        } else {
          this.sxx = 0;
        }
        this.n -= 1;
        this.sx -= x;
      }
      return;
    }
    const d = v instanceof Decimal ? v : Decimal.fromBigInt(toBigInt(v));
    this.n += w;
    if (w > 0) {
      this.ex = this.ex.add(d);
      this.ex2 = this.ex2.add(d.mul(d));
    } else {
      this.ex = this.ex.sub(d);
      this.ex2 = this.ex2.sub(d.mul(d));
    }
  }

  result(): unknown {
    const samp = this.kind === "var_samp" || this.kind === "stddev_samp";
    const sqrt = this.kind === "stddev_samp" || this.kind === "stddev_pop";
    if (this.n === 0 || (samp && this.n === 1)) return null;
    if (this.float) {
      const sxx = this.sxx < 0 ? 0 : this.sxx;
      const v = sxx / (samp ? this.n - 1 : this.n);
      const r = sqrt ? Math.sqrt(v) : v;
      return this.type.id === "real" ? Math.fround(r) : this.type.id === "numeric" ? Decimal.fromNumber(r) : r;
    }
    const n = Decimal.fromBigInt(BigInt(this.n));
    let num = n.mul(this.ex2).sub(this.ex.mul(this.ex));
    if (num.sign() <= 0) num = Decimal.ZERO;
    const den = samp ? n.mul(Decimal.fromBigInt(BigInt(this.n - 1))) : n.mul(n);
    const v = num.div(den);
    const r = sqrt ? v.sqrt(v.scale) : v;
    return this.type.id === "numeric" ? r : r.toNumber();
  }
}

/** DISTINCT: the inner accumulator sees each distinct argument value once. */
class DistinctAcc implements Accumulator {
  /** per distinct value: its copies, and the copy the inner accumulator was given */
  private counts = new Map<KeyPrimitive, { n: number; args: readonly unknown[]; order?: readonly unknown[] }>();
  constructor(
    private readonly inner: Accumulator,
    private readonly types: DataType[],
  ) {}
  update(args: readonly unknown[], w: number, order?: readonly unknown[]): void {
    const k = valuesKey(this.types, args);
    const e = this.counts.get(k);
    const before = e?.n ?? 0;
    const after = before + w;
    if (after <= 0) this.counts.delete(k);
    else if (e) e.n = after;
    else this.counts.set(k, { n: after, args: args.slice(), order: order?.slice() });
    if (before <= 0 && after > 0) this.inner.update(args, 1, order);
    // retract the copy that went in (numeric 1.0, not an equal 1.00 deleted last)
    else if (before > 0 && after <= 0) this.inner.update(e!.args, -1, e!.order);
  }
  result(): unknown {
    return this.inner.result();
  }
}

/** A factory of accumulators for one aggregate call. `appendOnly`: no retraction will come. */
export function accumulatorFactory(spec: AggregateSpec, appendOnly: boolean, evalCtx: EvalContext): () => Accumulator {
  const kind = aggKind(spec.fn, spec.argTypes.length);
  if (kind === null) throw new SqlError(SqlState.UndefinedFunction, `aggregate ${spec.fn} is not supported`);
  const argType = spec.argTypes[0] ?? { id: "unknown" };
  let make: () => Accumulator;
  switch (kind) {
    case "count_star":
      make = () => new CountAcc(true);
      break;
    case "count":
      make = () => new CountAcc(false);
      break;
    case "sum":
    case "avg":
      make = () => new SumAcc(argType, spec.type, kind === "avg");
      break;
    case "min":
    case "max":
      make = () => new ExtremeAcc(argType, kind === "max", appendOnly);
      break;
    case "bool_and":
    case "bool_or":
      make = () => new BoolAcc(kind === "bool_and");
      break;
    case "bit_and":
    case "bit_or":
    case "bit_xor":
      make = () => new BitAcc(kind, spec.type);
      break;
    case "string_agg":
    case "string_agg_bytea":
    case "array_agg":
    case "array_agg_array":
    case "jsonb_agg":
    case "jsonb_object_agg":
      make = () => new ListAcc(spec, kind, evalCtx);
      break;
    default:
      make = () => new VarianceAcc(argType, spec.type, kind);
      break;
  }
  if (spec.distinct && kind !== "min" && kind !== "max" && kind !== "bool_and" && kind !== "bool_or" && kind !== "bit_and" && kind !== "bit_or") {
    const inner = make;
    return () => new DistinctAcc(inner(), spec.argTypes);
  }
  return make;
}

registerStateClasses(FloatSum, NumericSum, CountAcc, SumAcc, BitAcc, ExtremeAcc, BoolAcc, VarianceAcc, DistinctAcc);
