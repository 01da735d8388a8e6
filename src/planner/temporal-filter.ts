// Temporal filters in continuous queries: a WHERE conjunct comparing a row's time with the clock,
// `x op now() [± INTERVAL c]` or `now() - x op INTERVAL c` (op one of < <= > >= =, either side;
// BETWEEN arrives as two of them), becomes a bound of the row's visibility interval on the clock: `x > now() - c` holds
// while now < x + c, `x <= now()` from now >= x, and so on. A filter's clock conjuncts turn into
// one TemporalFilterNode (its other conjuncts stay a plain filter below it); any other use of the
// clock in a view is refused by the caller.

import { Interval, SqlError, SqlState, Types, resolveOperator } from "../types/index.js";
import type { BoundExpr, PhysicalPlan } from "./physical-plan.js";
import { visitExpr } from "./bound-expr-walk.js";

/** The clock functions a temporal filter may compare with (all read the statement's start in Postgres). */
const CLOCKS = new Set(["now", "current_timestamp", "transaction_timestamp", "statement_timestamp"]);

const FLIP: Record<string, string> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=" };

function readsClock(e: BoundExpr, isClock: (fn: string) => boolean): boolean {
  let found = false;
  visitExpr(e, (x) => {
    if (x.kind === "call" && isClock(x.fn)) found = true;
  });
  return found;
}

/** `now()` or `now() ± const interval`: the offset in (µs-carrying) interval form and its sign; else undefined. */
function clockOffset(e: BoundExpr): { offset: Interval; sign: 1 | -1 } | undefined {
  if (e.kind === "cast" && e.type.id === "timestamptz") return clockOffset(e.expr);
  if (e.kind === "call" && e.args.length === 0 && CLOCKS.has(e.fn.split(":")[0])) return { offset: new Interval(0, 0, 0), sign: 1 };
  if (e.kind === "call" && e.args.length === 2 && (e.fn.startsWith("+:") || e.fn.startsWith("-:"))) {
    const [a, b] = e.args;
    const inner = clockOffset(a);
    if (inner && inner.offset.micros === 0 && inner.offset.days === 0 && b.kind === "const" && b.value instanceof Interval) {
      return { offset: b.value, sign: e.fn.startsWith("+:") ? 1 : -1 };
    }
  }
  return undefined;
}

function toTimestamptz(e: BoundExpr): BoundExpr {
  if (e.type.id === "timestamptz") return e;
  return { kind: "cast", expr: e, type: Types.timestamptz, context: "implicit" };
}

function shift(e: BoundExpr, iv: Interval, sign: 1 | -1): BoundExpr {
  if (iv.months === 0 && iv.days === 0 && iv.micros === 0) return e;
  const op = resolveOperator(sign > 0 ? "+" : "-", Types.timestamptz, Types.interval);
  return { kind: "call", fn: op.id, args: [e, { kind: "const", type: Types.interval, value: iv }], type: Types.timestamptz };
}

const ONE_MICRO = new Interval(0, 0, 1);

/**
 * A visibility bound from one conjunct: `from` (visible once now >= expr) and/or `until`
 * (visible while now < expr); 0A000 for a use of the clock that is not of this form.
 */
function boundOf(c: BoundExpr): { from?: BoundExpr; until?: BoundExpr } {
  const refuse = () =>
    new SqlError(SqlState.FeatureNotSupported, "this use of now() is not supported in a materialized view", {
      hint: "A continuous query can compare a row's time with the clock: WHERE ts > now() - INTERVAL '1 hour' (also >=, <, <=, =, BETWEEN).",
    });
  if (c.kind !== "call" || c.args.length !== 2) throw refuse();
  let op = c.fn.split(":")[0];
  if (!(op in FLIP)) throw refuse();
  const ageLeft = ageForm(c.args[0], c.args[1]);
  const age = ageLeft ?? ageForm(c.args[1], c.args[0]);
  if (age) {
    // now() - x op c  ⇔  now op x + c  ⇔  x + c op' now (c op (now() - x): op flipped first)
    const opOnLeft = ageLeft ? op : FLIP[op];
    return visibility(FLIP[opOnLeft], shift(toTimestamptz(age.x), age.c, 1));
  }
  let [x, clock] = c.args;
  let off = clockOffset(clock);
  if (!off) {
    [clock, x] = c.args;
    off = clockOffset(clock);
    op = FLIP[op];
  }
  if (!off || readsClock(x, (fn) => CLOCKS.has(fn.split(":")[0]) || fn.startsWith("clock_timestamp"))) throw refuse();
  if (x.type.id !== "timestamp" && x.type.id !== "timestamptz" && x.type.id !== "date") throw refuse();
  if (off.offset.months !== 0) {
    throw new SqlError(SqlState.FeatureNotSupported, "intervals with months or years are not supported in a temporal filter", {
      hint: "Write the interval in days, hours, minutes or seconds.",
    });
  }
  // x op now + s·c  ⇔  now op' x - s·c
  return visibility(op, shift(toTimestamptz(x), off.offset, off.sign > 0 ? -1 : 1));
}

/**
 * `now() - x` compared with a constant interval (without months): x and the interval; else undefined.
 */
function ageForm(diff: BoundExpr, other: BoundExpr): { x: BoundExpr; c: Interval } | undefined {
  if (diff.kind !== "call" || !diff.fn.startsWith("-:") || diff.args.length !== 2 || diff.type.id !== "interval") return undefined;
  if (other.kind !== "const" || !(other.value instanceof Interval)) return undefined;
  const off = clockOffset(diff.args[0]);
  if (!off || off.offset.months !== 0 || off.offset.days !== 0 || off.offset.micros !== 0) return undefined;
  const x = diff.args[1];
  if (x.type.id !== "timestamp" && x.type.id !== "timestamptz") return undefined;
  if (other.value.months !== 0) {
    throw new SqlError(SqlState.FeatureNotSupported, "intervals with months or years are not supported in a temporal filter", {
      hint: "Write the interval in days, hours, minutes or seconds.",
    });
  }
  return { x, c: other.value };
}

/** The visibility bound of `x op now()`, for x given as `b` (timestamptz). */
function visibility(op: string, b: BoundExpr): { from?: BoundExpr; until?: BoundExpr } {
  switch (op) {
    case ">":
      return { until: b };
    case ">=":
      return { until: shift(b, ONE_MICRO, 1) };
    case "<":
      return { from: shift(b, ONE_MICRO, 1) };
    case "<=":
      return { from: b };
    default: // "="
      return { from: b, until: shift(b, ONE_MICRO, 1) };
  }
}

/**
 * A filter whose predicate reads the clock → a TemporalFilterNode over a filter of its other
 * conjuncts (merged with a temporal filter directly below). Other nodes unchanged.
 */
export function toTemporalFilter(p: PhysicalPlan): PhysicalPlan {
  const isClock = (fn: string) => CLOCKS.has(fn.split(":")[0]);
  if (p.kind !== "filter" || !readsClock(p.predicate, isClock)) return p;
  const conjuncts = p.predicate.kind === "and" ? p.predicate.args : [p.predicate];
  const plain: BoundExpr[] = [];
  const from: BoundExpr[] = [];
  const until: BoundExpr[] = [];
  for (const c of conjuncts) {
    if (!readsClock(c, isClock)) {
      plain.push(c);
      continue;
    }
    const b = boundOf(c);
    if (b.from) from.push(b.from);
    if (b.until) until.push(b.until);
  }
  let input = p.input;
  if (plain.length > 0) input = { kind: "filter", input, predicate: plain.length === 1 ? plain[0] : { kind: "and", args: plain, type: Types.boolean }, types: p.types };
  if (input.kind === "temporal_filter") return { ...input, from: [...input.from, ...from], until: [...input.until, ...until] };
  return { kind: "temporal_filter", input, from, until, types: p.types };
}
