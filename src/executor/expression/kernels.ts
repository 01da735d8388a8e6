// Vectorized kernels for the hot scalar operators: + - * / % and comparisons over int32, int64,
// float64, bool and text columns, with Postgres's overflow (22003) and division-by-zero (22012)
// errors. Each kernel loops over typed arrays and allocates only its output column.

import { Column, type DataType, SqlError, SqlState } from "../../types/index.js";
import { compareWords, INT64_MAX, INT64_MIN, readSafe, SAFE, words, writeSafe } from "./int64.js";

export type ArithOp = "add" | "sub" | "mul" | "div" | "mod";
export type CmpOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge";
export type BinaryKernel = (a: Column, b: Column, n: number) => Column;

export function mergeNulls(a: Column, b: Column, n: number): Uint8Array | null {
  if (a.nulls === null && b.nulls === null) return null;
  if (a.nulls === null) return b.nulls!.subarray(0, n);
  if (b.nulls === null) return a.nulls.subarray(0, n);
  const out = new Uint8Array(n);
  const an = a.nulls;
  const bn = b.nulls;
  for (let i = 0; i < n; i++) out[i] = an[i] | bn[i];
  return out;
}

export function outOfRange(type: DataType): SqlError {
  const name = type.id === "smallint" ? "smallint" : type.id === "bigint" ? "bigint" : "integer";
  return new SqlError(SqlState.NumericValueOutOfRange, `${name} out of range`);
}

export function divisionByZero(): SqlError {
  return new SqlError(SqlState.DivisionByZero, "division by zero");
}

function floatOverflow(): SqlError {
  return new SqlError(SqlState.NumericValueOutOfRange, "value out of range: overflow");
}

function floatUnderflow(): SqlError {
  return new SqlError(SqlState.NumericValueOutOfRange, "value out of range: underflow");
}

function isNullAt(nulls: Uint8Array | null, i: number): boolean {
  return nulls !== null && nulls[i] === 1;
}

// ───────────── arithmetic ─────────────

function int32Arith(op: ArithOp, type: DataType): BinaryKernel {
  const max = type.id === "smallint" ? 32767 : 2147483647;
  const min = -max - 1;
  return (a, b, n) => {
    const ad = a.data as Int32Array;
    const bd = b.data as Int32Array;
    const nulls = mergeNulls(a, b, n);
    const out = new Int32Array(n);
    switch (op) {
      case "add":
        for (let i = 0; i < n; i++) {
          const r = ad[i] + bd[i];
          if ((r > max || r < min) && !isNullAt(nulls, i)) throw outOfRange(type);
          out[i] = r;
        }
        break;
      case "sub":
        for (let i = 0; i < n; i++) {
          const r = ad[i] - bd[i];
          if ((r > max || r < min) && !isNullAt(nulls, i)) throw outOfRange(type);
          out[i] = r;
        }
        break;
      case "mul":
        for (let i = 0; i < n; i++) {
          const r = ad[i] * bd[i];
          if ((r > max || r < min) && !isNullAt(nulls, i)) throw outOfRange(type);
          out[i] = r;
        }
        break;
      case "div":
        for (let i = 0; i < n; i++) {
          const d = bd[i];
          if (d === 0) {
            if (!isNullAt(nulls, i)) throw divisionByZero();
            continue;
          }
          const r = Math.trunc(ad[i] / d);
          if (r > max && !isNullAt(nulls, i)) throw outOfRange(type);
          out[i] = r;
        }
        break;
      case "mod":
        for (let i = 0; i < n; i++) {
          const d = bd[i];
          if (d === 0) {
            if (!isNullAt(nulls, i)) throw divisionByZero();
            continue;
          }
          out[i] = ad[i] % d;
        }
        break;
    }
    return new Column(type, out, nulls, n);
  };
}

function bigArith(op: ArithOp, x: bigint, y: bigint): bigint {
  switch (op) {
    case "add":
      return x + y;
    case "sub":
      return x - y;
    case "mul":
      return x * y;
    case "div":
      if (y === 0n) throw divisionByZero();
      return x / y;
    case "mod":
      if (y === 0n) throw divisionByZero();
      return x % y;
  }
}

function int64Arith(op: ArithOp, type: DataType): BinaryKernel {
  return (a, b, n) => {
    const ad = a.data as BigInt64Array;
    const bd = b.data as BigInt64Array;
    const aw = words(ad);
    const bw = words(bd);
    const nulls = mergeNulls(a, b, n);
    const out = new BigInt64Array(n);
    const ow = words(out);
    for (let i = 0; i < n; i++) {
      if (isNullAt(nulls, i)) continue;
      const x = readSafe(aw, i);
      const y = readSafe(bw, i);
      if (x === x && y === y) {
        // both operands are safe integers: exact in doubles when the result is safe too
        let r: number;
        switch (op) {
          case "add":
            r = x + y;
            break;
          case "sub":
            r = x - y;
            break;
          case "mul":
            r = x * y;
            break;
          case "div":
            if (y === 0) throw divisionByZero();
            r = Math.abs(x) < SAFE / 2 ? Math.trunc(x / y) : NaN;
            break;
          case "mod":
            if (y === 0) throw divisionByZero();
            r = x % y;
            if (r === 0) r = 0; // no -0
            break;
        }
        if (r > -SAFE && r < SAFE) {
          writeSafe(ow, i, r);
          continue;
        }
      }
      const r = bigArith(op, ad[i], bd[i]);
      if (r > INT64_MAX || r < INT64_MIN) throw outOfRange(type);
      out[i] = r;
    }
    return new Column(type, out, nulls, n);
  };
}

function float64Arith(op: ArithOp, type: DataType): BinaryKernel {
  const real = type.id === "real";
  return (a, b, n) => {
    const ad = a.data as Float64Array;
    const bd = b.data as Float64Array;
    const nulls = mergeNulls(a, b, n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = ad[i];
      const y = bd[i];
      let r: number;
      switch (op) {
        case "add":
          r = x + y;
          break;
        case "sub":
          r = x - y;
          break;
        case "mul":
          r = x * y;
          break;
        case "div":
          // Postgres: x / 0 is an error unless x is NaN
          if (y === 0 && x === x && !isNullAt(nulls, i)) throw divisionByZero();
          r = x / y;
          break;
        case "mod":
          if (y === 0 && !isNullAt(nulls, i)) throw divisionByZero();
          r = x % y;
          break;
      }
      if (real) r = Math.fround(r);
      if (r === Infinity || r === -Infinity) {
        if (Number.isFinite(x) && (op === "div" || Number.isFinite(y)) && !isNullAt(nulls, i)) throw floatOverflow();
      } else if (r === 0 && x !== 0 && (op === "mul" ? y !== 0 : op === "div" && Number.isFinite(y)) && !isNullAt(nulls, i)) {
        throw floatUnderflow();
      }
      out[i] = r;
    }
    return new Column(type, out, nulls, n);
  };
}

/** The vectorized kernel for `a op b` when both operands and the result share `type`, else null. */
export function arithKernel(op: ArithOp, type: DataType): BinaryKernel | null {
  switch (type.id) {
    case "smallint":
    case "integer":
      return int32Arith(op, type);
    case "bigint":
      return int64Arith(op, type);
    case "real":
    case "double":
      return float64Arith(op, type);
    default:
      return null;
  }
}

/** -x for integer and float columns. */
export function negKernel(type: DataType): ((a: Column, n: number) => Column) | null {
  switch (type.id) {
    case "smallint":
    case "integer": {
      const max = type.id === "smallint" ? 32767 : 2147483647;
      return (a, n) => {
        const ad = a.data as Int32Array;
        const out = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          const r = -ad[i];
          if (r > max && !isNullAt(a.nulls, i)) throw outOfRange(type);
          out[i] = r;
        }
        return new Column(type, out, a.nulls, n);
      };
    }
    case "bigint":
      return (a, n) => {
        const ad = a.data as BigInt64Array;
        const out = new BigInt64Array(n);
        for (let i = 0; i < n; i++) {
          if (ad[i] === INT64_MIN && !isNullAt(a.nulls, i)) throw outOfRange(type);
          out[i] = -ad[i];
        }
        return new Column(type, out, a.nulls, n);
      };
    case "real":
    case "double":
      return (a, n) => {
        const ad = a.data as Float64Array;
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = -ad[i];
        return new Column(type, out, a.nulls, n);
      };
    default:
      return null;
  }
}

// ───────────── comparison ─────────────

const BOOL: DataType = { id: "boolean" };

/** Compares strings by code point (the "C" collation): UTF-16 order with surrogates moved above U+FFFF. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca !== cb) {
      if (ca >= 0xd800 && cb >= 0xd800) {
        ca = ca >= 0xe000 ? ca - 0x800 : ca + 0x2000;
        cb = cb >= 0xe000 ? cb - 0x800 : cb + 0x2000;
      }
      return ca - cb;
    }
  }
  return a.length - b.length;
}

/** Postgres float order: NaN equals NaN and sorts above every other value. */
export function compareFloat(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return 0;
  const xn = x !== x;
  const yn = y !== y;
  return xn === yn ? 0 : xn ? 1 : -1;
}

function cmpResult(op: CmpOp, c: number): number {
  switch (op) {
    case "eq":
      return c === 0 ? 1 : 0;
    case "ne":
      return c !== 0 ? 1 : 0;
    case "lt":
      return c < 0 ? 1 : 0;
    case "le":
      return c <= 0 ? 1 : 0;
    case "gt":
      return c > 0 ? 1 : 0;
    case "ge":
      return c >= 0 ? 1 : 0;
  }
}

function int32Cmp(op: CmpOp): BinaryKernel {
  return (a, b, n) => {
    const ad = a.data as Int32Array | Uint8Array;
    const bd = b.data as Int32Array | Uint8Array;
    const out = new Uint8Array(n);
    switch (op) {
      case "eq":
        for (let i = 0; i < n; i++) out[i] = ad[i] === bd[i] ? 1 : 0;
        break;
      case "ne":
        for (let i = 0; i < n; i++) out[i] = ad[i] !== bd[i] ? 1 : 0;
        break;
      case "lt":
        for (let i = 0; i < n; i++) out[i] = ad[i] < bd[i] ? 1 : 0;
        break;
      case "le":
        for (let i = 0; i < n; i++) out[i] = ad[i] <= bd[i] ? 1 : 0;
        break;
      case "gt":
        for (let i = 0; i < n; i++) out[i] = ad[i] > bd[i] ? 1 : 0;
        break;
      case "ge":
        for (let i = 0; i < n; i++) out[i] = ad[i] >= bd[i] ? 1 : 0;
        break;
    }
    return new Column(BOOL, out, mergeNulls(a, b, n), n);
  };
}

function float64Cmp(op: CmpOp): BinaryKernel {
  return (a, b, n) => {
    const ad = a.data as Float64Array;
    const bd = b.data as Float64Array;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const x = ad[i];
      const y = bd[i];
      // fast when neither is NaN; compareFloat handles NaN = NaN > everything
      out[i] = x === x && y === y ? cmpResult(op, x < y ? -1 : x > y ? 1 : 0) : cmpResult(op, compareFloat(x, y));
    }
    return new Column(BOOL, out, mergeNulls(a, b, n), n);
  };
}

function int64Cmp(op: CmpOp): BinaryKernel {
  return (a, b, n) => {
    const aw = words(a.data as BigInt64Array);
    const bw = words(b.data as BigInt64Array);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = cmpResult(op, compareWords(aw, i, bw, i));
    return new Column(BOOL, out, mergeNulls(a, b, n), n);
  };
}

function textCmp(op: CmpOp): BinaryKernel {
  return (a, b, n) => {
    const ad = a.data as unknown[];
    const bd = b.data as unknown[];
    const out = new Uint8Array(n);
    const nulls = mergeNulls(a, b, n);
    if (op === "eq" || op === "ne") {
      const want = op === "eq";
      for (let i = 0; i < n; i++) out[i] = (ad[i] === bd[i]) === want ? 1 : 0;
    } else {
      for (let i = 0; i < n; i++) {
        if (isNullAt(nulls, i)) continue;
        out[i] = cmpResult(op, compareText(ad[i] as string, bd[i] as string));
      }
    }
    return new Column(BOOL, out, nulls, n);
  };
}

/** The vectorized kernel for `a op b` when both operands have `type`, else null. */
export function cmpKernel(op: CmpOp, type: DataType): BinaryKernel | null {
  switch (type.id) {
    case "boolean":
    case "smallint":
    case "integer":
    case "date":
      return int32Cmp(op);
    case "bigint":
      return int64Cmp(op);
    case "real":
    case "double":
    case "timestamp":
    case "timestamptz":
    case "time":
      return float64Cmp(op);
    case "text":
    case "varchar":
      return textCmp(op);
    default:
      return null;
  }
}
