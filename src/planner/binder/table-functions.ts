// Set-returning functions in FROM: generate_series and unnest. (The window table functions
// TUMBLE/HOP/CUMULATE/SESSION belong to the streaming planner.)

import type * as A from "../../parser/ast.js";
import { DataType, Interval, SqlError, SqlState, Types, isIntegerType, resolveFunction, resolveOperator, typeName } from "../../types/index.js";
import type { BoundExpr, PhysicalPlan } from "../physical-plan.js";
import { QueryContext } from "./context.js";
import { coerce } from "./coerce.js";
import { bindExpr } from "./expressions.js";
import { bindFromItem } from "./from.js";
import type { Bound } from "./from.js";
import { namesScope } from "./from.js";
import { Scope } from "./scope.js";
import { bindUserTableFunction } from "./user-functions.js";

const WINDOW_TVFS = new Set(["tumble", "hop", "cumulate", "session"]);

export function bindTableFunction(item: A.FunctionRef, ctx: QueryContext): Bound {
  const name = item.call.name.parts[item.call.name.parts.length - 1];
  if (WINDOW_TVFS.has(name)) return bindWindowFunction(name, item, ctx);
  const es = { scope: Scope.empty(), ctx, clause: "functions in FROM" };
  let args = item.call.args.map((a) => bindExpr(a, es));
  const udf = bindUserTableFunction(item, ctx, args);
  if (udf) return udf;
  let outType: DataType;
  let fn: string;
  if (name === "generate_series") {
    if (args.length < 2 || args.length > 3) throw undefinedFn(name, args, item.pos);
    const t = args[0].type.id === "unknown" ? args[1].type : args[0].type;
    if (t.id === "timestamp" || t.id === "timestamptz" || (t.id === "unknown" && args.length === 3 && args[2].type.id === "interval")) {
      const tt = t.id === "unknown" ? Types.timestamp : t;
      if (args.length !== 3) throw undefinedFn(name, args, item.pos);
      args = [coerce(ctx.env, args[0], tt), coerce(ctx.env, args[1], tt), coerce(ctx.env, args[2], Types.interval)];
      outType = tt;
      fn = "generate_series_timestamp";
    } else {
      const ints = args.every((a) => isIntegerType(a.type) || a.type.id === "unknown");
      const big = args.some((a) => a.type.id === "bigint");
      if (ints) {
        outType = big ? Types.bigint : Types.integer;
        fn = big ? "generate_series_bigint" : "generate_series_int";
      } else if (args.every((a) => a.type.id === "numeric" || isIntegerType(a.type) || a.type.id === "unknown")) {
        outType = Types.numeric;
        fn = "generate_series_numeric";
      } else {
        throw undefinedFn(name, args, item.pos);
      }
      args = args.map((a) => coerce(ctx.env, a, outType));
    }
  } else if (name === "unnest") {
    if (args.length !== 1 || args[0].type.id !== "array") throw undefinedFn(name, args, item.pos);
    outType = args[0].type.element!;
    fn = "unnest";
  } else {
    throw new SqlError(SqlState.FeatureNotSupported, `function ${name} in FROM is not supported`, { position: item.pos });
  }
  const types = item.withOrdinality ? [outType, Types.bigint] : [outType];
  const plan: PhysicalPlan = { kind: "table_function", fn, args, withOrdinality: !!item.withOrdinality, types };
  const alias = item.alias?.name ?? name;
  // a single-column function result is named after its alias (as Postgres does)
  const names = [item.alias?.columns?.[0] ?? (item.alias ? alias : name), ...(item.withOrdinality ? ["ordinality"] : [])];
  return { plan, scope: namesScope(names, types, alias, item.alias?.columns) };
}

function undefinedFn(name: string, args: BoundExpr[], pos?: number): SqlError {
  return new SqlError(SqlState.UndefinedFunction, `function ${name}(${args.map((a) => typeName(a.type)).join(", ")}) does not exist`, {
    position: pos,
    hint: "No function matches the given name and argument types. You might need to add explicit type casts.",
  });
}

/**
 * TUMBLE(rel, ts, size [, offset]), HOP(rel, ts, slide, size [, offset]),
 * CUMULATE(rel, ts, step, max_size [, offset]): the relation's rows with window_start and
 * window_end added (HOP and CUMULATE repeat a row once per window it falls in). Windows are
 * aligned to the epoch plus `offset`. Each is planned as projections (a UNION ALL of them for HOP
 * and CUMULATE), with window_start and window_end marked monotone in `ts` so that a watermark on
 * the event time closes windows downstream.
 */
function bindWindowFunction(name: string, item: A.FunctionRef, ctx: QueryContext): Bound {
  const args = item.call.args;
  const usage: Record<string, string> = {
    tumble: "TUMBLE(relation, time_column, size [, offset])",
    hop: "HOP(relation, time_column, slide, size [, offset])",
    cumulate: "CUMULATE(relation, time_column, step, max_size [, offset])",
    session: "SESSION(relation, time_column, gap [, partition_column ...])",
  };
  const nIntervals = name === "tumble" ? 1 : 2;
  if (name === "session") {
    if (args.length < 3 || args[0].kind !== "column_ref") {
      throw new SqlError(SqlState.UndefinedFunction, `SESSION takes ${usage.session}`, { position: item.pos });
    }
  } else if (args.length < 2 + nIntervals || args.length > 3 + nIntervals || args[0].kind !== "column_ref") {
    throw new SqlError(SqlState.UndefinedFunction, `${name.toUpperCase()} takes ${usage[name]}`, { position: item.pos });
  }
  const rel = bindFromItem({ kind: "table", name: { parts: args[0].parts, pos: args[0].pos }, pos: args[0].pos }, ctx, Scope.empty());
  const es = { scope: rel.scope, ctx, clause: "window functions in FROM" };
  const ts = bindExpr(args[1], es);
  if (ts.kind !== "column" || (ts.type.id !== "timestamp" && ts.type.id !== "timestamptz")) {
    throw new SqlError(SqlState.DatatypeMismatch, `the time column of ${name.toUpperCase()} must be a timestamp column of the relation`, { position: args[1].pos });
  }
  const constInterval = (e: A.Expr, what: string): Interval => {
    const b = coerce(ctx.env, bindExpr(e, { scope: Scope.empty(), ctx, clause: what }), Types.interval, "implicit", e.pos);
    if (b.kind !== "const" || !(b.value instanceof Interval)) throw new SqlError(SqlState.InvalidParameterValue, `the ${what} of ${name.toUpperCase()} must be a constant interval`, { position: e.pos });
    const iv = b.value;
    if (iv.months !== 0) throw new SqlError(SqlState.InvalidParameterValue, `the ${what} of ${name.toUpperCase()} cannot contain months or years`, { position: e.pos });
    return iv;
  };
  const micros = (iv: Interval) => iv.days * 86_400_000_000 + iv.micros;
  if (name === "session") return bindSessionWindow(item, rel, ts, micros(constInterval(args[2], "gap")), ctx);
  const first = constInterval(args[2], name === "tumble" ? "size" : name === "hop" ? "slide" : "step");
  const second = nIntervals === 2 ? constInterval(args[3], name === "hop" ? "size" : "max_size") : first;
  const offset = args.length > 2 + nIntervals ? constInterval(args[2 + nIntervals], "offset") : new Interval(0, 0, 0);
  if (micros(first) <= 0 || micros(second) <= 0) throw new SqlError(SqlState.InvalidParameterValue, `window sizes of ${name.toUpperCase()} must be positive`, { position: item.pos });
  const tt = ts.type;
  const origin: BoundExpr = { kind: "const", type: tt, value: micros(offset) };
  const ivConst = (us: number): BoundExpr => ({ kind: "const", type: Types.interval, value: new Interval(0, 0, us) });
  const bin = resolveFunction("date_bin", [Types.interval, tt, tt]);
  const plus = resolveOperator("+", tt, Types.interval);
  const minus = resolveOperator("-", tt, Types.interval);
  const binOf = (width: number): BoundExpr => ({ kind: "call", fn: bin.id, args: [ivConst(width), ts, origin], type: tt });
  const add = (e: BoundExpr, us: number): BoundExpr => (us === 0 ? e : { kind: "call", fn: (us > 0 ? plus : minus).id, args: [e, ivConst(Math.abs(us))], type: tt });
  const width = rel.scope.width;
  const passThrough = rel.plan.types.map((t, i): BoundExpr => ({ kind: "column", index: i, type: t }));
  const monotone = [{ output: width, input: ts.index }, { output: width + 1, input: ts.index }];
  const branch = (start: BoundExpr, end: BoundExpr, keep?: BoundExpr): PhysicalPlan => {
    const input: PhysicalPlan = keep ? { kind: "filter", input: rel.plan, predicate: keep, types: rel.plan.types } : rel.plan;
    return { kind: "project", input, exprs: [...passThrough, start, end], types: [...rel.plan.types, tt, tt], monotone };
  };
  let plan: PhysicalPlan;
  if (name === "tumble") {
    const size = micros(first);
    plan = branch(binOf(size), add(binOf(size), size));
  } else if (name === "hop") {
    const slide = micros(first);
    const size = micros(second);
    if (size % slide !== 0) throw new SqlError(SqlState.InvalidParameterValue, "the size of HOP must be a multiple of its slide", { position: item.pos });
    const branches: PhysicalPlan[] = [];
    for (let k = 0; k < size / slide; k++) {
      const start = add(binOf(slide), -k * slide);
      branches.push(branch(start, add(start, size)));
    }
    plan = branches.length === 1 ? branches[0] : { kind: "union_all", inputs: branches, types: branches[0].types };
  } else {
    const step = micros(first);
    const max = micros(second);
    if (max % step !== 0) throw new SqlError(SqlState.InvalidParameterValue, "the max_size of CUMULATE must be a multiple of its step", { position: item.pos });
    const lt = resolveOperator("<", tt, tt);
    const branches: PhysicalPlan[] = [];
    for (let k = 1; k <= max / step; k++) {
      const end = add(binOf(max), k * step);
      // the row falls in the k-th cumulative window when it is before that window's end
      branches.push(branch(binOf(max), end, { kind: "call", fn: lt.id, args: [ts, end], type: Types.boolean }));
    }
    plan = branches.length === 1 ? branches[0] : { kind: "union_all", inputs: branches, types: branches[0].types };
  }
  const alias = item.alias?.name;
  const cols = [
    ...rel.scope.columns.map((c) => ({ ...c, table: alias ?? c.table })),
    { table: alias, name: "window_start", type: tt, index: width },
    { table: alias, name: "window_end", type: tt, index: width + 1 },
  ];
  return { plan, scope: new Scope(cols) };
}

/**
 * SESSION(rel, ts, gap [, key ...]): the relation's rows with window_start and window_end of their
 * session (see SessionWindowNode). Sessions are per the listed key columns of the relation (like
 * Flink's PARTITION BY), or over the whole relation without them; a GROUP BY above does not change
 * them.
 */
function bindSessionWindow(item: A.FunctionRef, rel: Bound, ts: BoundExpr & { kind: "column" }, gap: number, ctx: QueryContext): Bound {
  if (gap <= 0) throw new SqlError(SqlState.InvalidParameterValue, "the gap of SESSION must be positive", { position: item.pos });
  const es = { scope: rel.scope, ctx, clause: "window functions in FROM" };
  const partitionBy = item.call.args.slice(3).map((a) => {
    const k = bindExpr(a, es);
    if (k.kind !== "column") throw new SqlError(SqlState.FeatureNotSupported, "the partition keys of SESSION must be columns of the relation", { position: a.pos });
    return k.index;
  });
  const width = rel.scope.width;
  const tt = ts.type;
  const plan: PhysicalPlan = { kind: "session_window", input: rel.plan, timeColumn: ts.index, gap, partitionBy, types: [...rel.plan.types, tt, tt] };
  const alias = item.alias?.name;
  const cols = [
    ...rel.scope.columns.map((c) => ({ ...c, table: alias ?? c.table })),
    { table: alias, name: "window_start", type: tt, index: width },
    { table: alias, name: "window_end", type: tt, index: width + 1 },
  ];
  return { plan, scope: new Scope(cols) };
}
