// Set-returning functions in FROM: generate_series and unnest. (The window table functions
// TUMBLE/HOP/CUMULATE/SESSION belong to the streaming planner.)

import type * as A from "../../parser/ast.js";
import { DataType, SqlError, SqlState, Types, isIntegerType, typeName } from "../../types/index.js";
import type { BoundExpr, PhysicalPlan } from "../physical-plan.js";
import { QueryContext } from "./context.js";
import { coerce } from "./coerce.js";
import { bindExpr } from "./expressions.js";
import type { Bound } from "./from.js";
import { namesScope } from "./from.js";
import { Scope } from "./scope.js";

const WINDOW_TVFS = new Set(["tumble", "hop", "cumulate", "session"]);

export function bindTableFunction(item: A.FunctionRef, ctx: QueryContext): Bound {
  const name = item.call.name.parts[item.call.name.parts.length - 1];
  if (WINDOW_TVFS.has(name)) {
    throw new SqlError(SqlState.FeatureNotSupported, `${name.toUpperCase()} windows are supported in streaming queries only (not yet in this build)`, { position: item.pos });
  }
  const es = { scope: Scope.empty(), ctx, clause: "functions in FROM" };
  let args = item.call.args.map((a) => bindExpr(a, es));
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
