// Window frames: for every row of one sorted partition, the [start, end) range of partition rows
// its frame covers, for ROWS, RANGE and GROUPS frames with UNBOUNDED / n PRECEDING / CURRENT ROW /
// n FOLLOWING bounds. RANGE with an offset needs one ORDER BY key and binary-searches its values
// (value ± offset, direction-aware; NULL keys frame just their NULL peers).

import type { WindowFrameB } from "../../planner/physical-plan.js";
import { compareValues, type DataType, Decimal, type EvalContext, getFunction, resolveOperator, SqlError, SqlState } from "../../types/index.js";

type Bound = WindowFrameB["start"];

/** One partition in sort order: rows 0..size-1, with peer groups (rows equal on ORDER BY). */
export interface Partition {
  size: number;
  /** per row: its peer group number */
  group: Int32Array;
  /** per group: its first row; groupStart[groups] = size */
  groupStart: Int32Array;
  groups: number;
}

/** Evaluated offsets of a frame's bounds (null where the bound has none). */
export interface FrameOffsets {
  start: unknown;
  end: unknown;
}

export interface RangeKey {
  /** the ORDER BY key value per partition row (NULL as null) */
  values: unknown[];
  type: DataType;
  desc: boolean;
  offsetType: DataType | undefined;
}

export function checkOffset(v: unknown, which: "starting" | "ending"): void {
  if (v === null || v === undefined) {
    throw new SqlError(SqlState.NullValueNotAllowed, `frame ${which} offset must not be null`);
  }
  const neg =
    typeof v === "number" ? v < 0 : typeof v === "bigint" ? v < 0n : v instanceof Decimal ? v.sign() < 0 : false;
  if (neg) throw new SqlError("22013", `frame ${which} offset must not be negative`);
}

function toInt(v: unknown): number {
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Decimal) return v.toNumber();
  return v as number;
}

/** v + off (sign 1) or v - off (sign -1) for RANGE offsets. */
function shift(key: RangeKey, v: unknown, off: unknown, sign: number, evalCtx: EvalContext): unknown {
  if (typeof v === "number" && typeof off === "number") return v + sign * off;
  if (typeof v === "bigint") return v + BigInt(sign) * BigInt(off as bigint | number);
  if (typeof v === "number" && typeof off === "bigint") return v + sign * Number(off);
  if (v instanceof Decimal) {
    const d = off instanceof Decimal ? off : Decimal.fromNumber(Number(off));
    return sign > 0 ? v.add(d) : v.sub(d);
  }
  const op = resolveOperator(sign > 0 ? "+" : "-", key.type, key.offsetType ?? key.type);
  return getFunction(op.id).eval([v, off], evalCtx);
}

/**
 * The frame [starts[k], ends[k]) of each partition row k. `offsets` were evaluated once per query.
 */
export function computeFrames(
  frame: WindowFrameB,
  part: Partition,
  offsets: FrameOffsets,
  rangeKey: RangeKey | null,
  evalCtx: EvalContext,
): { starts: Int32Array; ends: Int32Array } {
  const m = part.size;
  const starts = new Int32Array(m);
  const ends = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    starts[k] = bound(frame.mode, frame.start, offsets.start, k, part, rangeKey, true, evalCtx);
    ends[k] = bound(frame.mode, frame.end, offsets.end, k, part, rangeKey, false, evalCtx);
  }
  return { starts, ends };
}

function clamp(v: number, m: number): number {
  return v < 0 ? 0 : v > m ? m : v;
}

function bound(
  mode: WindowFrameB["mode"],
  b: Bound,
  offset: unknown,
  k: number,
  part: Partition,
  rangeKey: RangeKey | null,
  isStart: boolean,
  evalCtx: EvalContext,
): number {
  const m = part.size;
  const g = part.group[k];
  switch (b.kind) {
    case "unbounded_preceding":
      return 0;
    case "unbounded_following":
      return m;
    case "current_row":
      if (mode === "rows") return isStart ? k : k + 1;
      return isStart ? part.groupStart[g] : part.groupStart[g + 1];
    case "preceding":
    case "following": {
      const dir = b.kind === "preceding" ? -1 : 1;
      if (mode === "rows") {
        const n = toInt(offset);
        return clamp(isStart ? k + dir * n : k + dir * n + 1, m);
      }
      if (mode === "groups") {
        const n = toInt(offset);
        const target = g + dir * n;
        if (isStart) return target < 0 ? 0 : target >= part.groups ? m : part.groupStart[target];
        return target < 0 ? 0 : target >= part.groups ? m : part.groupStart[target + 1];
      }
      return rangeBound(rangeKey!, offset, k, part, dir, isStart, evalCtx);
    }
  }
}

function rangeBound(
  key: RangeKey,
  offset: unknown,
  k: number,
  part: Partition,
  dir: number,
  isStart: boolean,
  evalCtx: EvalContext,
): number {
  const vals = key.values;
  const v = vals[k];
  const g = part.group[k];
  if (v === null) return isStart ? part.groupStart[g] : part.groupStart[g + 1];
  // the non-NULL region [lo, hi) of the partition
  let lo = 0;
  let hi = part.size;
  while (lo < hi && vals[lo] === null) lo++;
  while (hi > lo && vals[hi - 1] === null) hi--;
  // in sort order, "preceding" values lie towards the start: value - off (ASC) / value + off (DESC)
  const sortSign = key.desc ? -1 : 1;
  const target = shift(key, v, offset, dir * sortSign, evalCtx);
  // position of the first row whose value is (isStart: not before / else: after) target in sort order
  let a = lo;
  let z = hi;
  while (a < z) {
    const mid = (a + z) >>> 1;
    const c = sortSign * compareValues(key.type, vals[mid], target);
    if (isStart ? c < 0 : c <= 0) a = mid + 1;
    else z = mid;
  }
  return a;
}
