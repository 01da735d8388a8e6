// Casting bound expressions to the types an operator, function, column or set operation needs:
// constants fold at bind time, untyped literals and $n parameters take the type asked for.

import {
  DataType,
  SqlError,
  castContext,
  castValue,
  commonSupertype,
  getFunction,
  parseValue,
  typeEquals,
  typeName,
  type EvalContext,
} from "../../types/index.js";
import type { BoundExpr } from "../physical-plan.js";
import type { BinderEnv } from "./context.js";

export type CoercionContext = "implicit" | "assignment" | "explicit";

function hasModifier(t: DataType): boolean {
  return t.length !== undefined || t.precision !== undefined || t.dims !== undefined || (t.element !== undefined && hasModifier(t.element));
}

export function coerce(
  env: BinderEnv,
  e: BoundExpr,
  to: DataType,
  context: CoercionContext = "implicit",
  position?: number,
): BoundExpr {
  if (to.id === "unknown") return e;
  if (typeEquals(e.type, to) && !(hasModifier(to) && context !== "implicit")) return e;
  if (e.kind === "param" && e.type.id === "unknown") {
    // the parameter takes the type without its modifier (as in Postgres); the modifier applies as a cast
    const base: DataType = hasModifier(to) ? { id: to.id, element: to.element } : to;
    env.paramTypes[e.index] = base;
    const param: BoundExpr = { ...e, type: base };
    return base === to ? param : { kind: "cast", expr: param, type: to, context };
  }
  if (e.kind === "const") {
    try {
      let value: unknown;
      if (e.value === null) value = null;
      // a literal is read by the type's input function, then the type modifier applies in `context`
      else if (e.type.id === "unknown") value = parseValue(hasModifier(to) ? { id: to.id, element: to.element } : to, String(e.value), { timeZone: env.timeZone });
      else value = castValue(e.value, e.type, to, context, { timeZone: env.timeZone });
      if (e.type.id === "unknown" && value !== null && hasModifier(to)) value = castValue(value, { id: to.id }, to, context, { timeZone: env.timeZone });
      return { kind: "const", type: to, value };
    } catch (err) {
      if (err instanceof SqlError) throw err.at(position, env.sql);
      throw err;
    }
  }
  return { kind: "cast", expr: e, type: to, context };
}

/** The common type of several expressions (UNION, CASE, COALESCE, VALUES, IN); 42804 when none. */
export function unify(types: DataType[], what: string, position?: number): DataType {
  const t = commonSupertype(types);
  if (t === null) {
    const distinct: string[] = [];
    for (const x of types) if (!distinct.includes(typeName(x))) distinct.push(typeName(x));
    throw new SqlError("42804", `${what} types ${distinct[0]} and ${distinct[1] ?? distinct[0]} cannot be matched`, { position });
  }
  return t.id === "unknown" ? { id: "text" } : t;
}

/** The evaluation context used when folding constants at bind time. */
export const FOLD_CONTEXT: EvalContext = {
  now: Date.now() * 1000,
  timeZone: "UTC",
  random: Math.random,
};

/** Functions that read the statement's clock (Postgres's "stable" ones): never folded at bind time. */
const CLOCK_FUNCTIONS = new Set([
  "now",
  "current_timestamp",
  "current_date",
  "current_time",
  "localtimestamp",
  "localtime",
  "statement_timestamp",
  "transaction_timestamp",
  "clock_timestamp",
  "timeofday",
  "age",
]);

/** Whether a call's value depends on when it runs (volatile, or reads the clock). */
export function isTimeDependent(fnId: string): boolean {
  if (fnId.startsWith("ai.")) return true; // model calls are never folded at bind time
  // user (javascript) functions are taken as deterministic: a view computes a row's value when the
  // row arrives and again when it is retracted (CREATE FUNCTION's docs say so); never folded
  if (fnId.startsWith("udf.")) return false;
  return getFunction(fnId).volatile || CLOCK_FUNCTIONS.has(fnId.split(":")[0]);
}

/** Folds a call over constants (time-independent functions only, in the session's TimeZone); leaves it alone if folding fails. */
export function foldCall(env: BinderEnv, e: BoundExpr): BoundExpr {
  if (e.kind !== "call") return e;
  if (!e.args.every((a) => a.kind === "const") || e.fn.startsWith("udf.")) return e;
  const fn = getFunction(e.fn);
  if (isTimeDependent(e.fn)) return e;
  const args = e.args.map((a) => (a as { value: unknown }).value);
  if (fn.strict && args.some((a) => a === null)) return { kind: "const", type: e.type, value: null };
  try {
    return { kind: "const", type: e.type, value: fn.eval(args, env.timeZone === undefined ? FOLD_CONTEXT : { ...FOLD_CONTEXT, timeZone: env.timeZone }) };
  } catch {
    // an error here (1/0) is raised at run time, only if the row is actually evaluated
    return e;
  }
}

/**
 * The value of an INSERT / UPDATE target column: an assignment cast, which must exist (42804
 * "column ... is of type ... but expression is of type ..." where Postgres has none, as for
 * text → integer or integer → boolean).
 */
export function coerceAssignment(env: BinderEnv, e: BoundExpr, to: DataType, column: string, position?: number): BoundExpr {
  if (e.type.id !== "unknown" && to.id !== "unknown") {
    const c = castContext(e.type, to);
    if (c === null || c === "explicit") {
      throw new SqlError("42804", `column "${column}" is of type ${typeName({ id: to.id, element: to.element })} but expression is of type ${typeName(e.type)}`, {
        position,
        hint: "You will need to rewrite or cast the expression.",
      });
    }
  }
  return coerce(env, e, to, "assignment", position);
}
