// The expression compiler: turns a BoundExpr into a closure over columns ONCE; the closure then
// runs per chunk. Column references are zero-copy, constants are materialized once per chunk
// length, the hot operators run as typed-array kernels (kernels.ts), and everything else goes
// through a per-row loop over the function registry with strict NULL handling.

import { SqlError, SqlState } from "../../types/index.js";
import { Chunk, Column, ColumnBuilder, Jsonb, type DataType, getFunction } from "../../types/index.js";
import type { BoundExpr, CallExpr } from "../../planner/physical-plan.js";
import type { ExecutionContext } from "../message.js";
import { type Compiled, type CompiledExpr } from "./compiled.js";
import { compileCast } from "./cast.js";
import { fastOp, isComparison } from "./fast-path.js";
import { compileConstInList, compileInList, constListUsable } from "./in-list.js";
import { arithKernel, cmpKernel, negKernel } from "./kernels.js";
import {
  compileCase,
  compileCoalesce,
  compileExtreme,
  compileIsBool,
  compileIsNull,
  compileLogical,
  compileNot,
  compileNullif,
} from "./logic.js";
import { referencedColumns } from "./selection.js";
import { timeWindowKernel } from "./time-window-kernels.js";
import { compileSubquery } from "./subquery.js";

export type { CompiledExpr } from "./compiled.js";

/** A column of `length` copies of `value`, reused while the length stays the same. */
function constantColumn(type: DataType, value: unknown): CompiledExpr {
  let cached: Column | null = null;
  return (chunk) => {
    if (cached === null || cached.length !== chunk.length) cached = Column.constant(type, value, chunk.length);
    return cached;
  };
}

/**
 * EMBED / GENERATE (fn "ai.embed" / "ai.generate", args: input text, model name, options text):
 * each non-NULL input is looked up through the context's AiLookup.
 */
function aiCall(expr: CallExpr, args: Compiled[]): CompiledExpr {
  const kind = expr.fn === "ai.embed" ? "embed" : "generate";
  const type = expr.type;
  return (chunk, ctx, outer) => {
    const n = chunk.length;
    const cols = args.map((a) => a.fn(chunk, ctx, outer));
    const b = new ColumnBuilder(type, n);
    for (let i = 0; i < n; i++) {
      const input = cols[0].get(i);
      const model = cols[1].get(i);
      const options = cols.length > 2 ? cols[2].get(i) : null;
      if (input === null || model === null) {
        b.pushNull();
        continue;
      }
      if (!ctx.ai) throw new SqlError(SqlState.FeatureNotSupported, `${kind.toUpperCase()}() is not available here`);
      const v = ctx.ai.lookup(kind, String(model), String(input), options === null ? null : String(options));
      // structured output (json_schema) arrives as JSON text
      b.push(v === undefined || v === null ? null : type.id === "jsonb" && typeof v === "string" ? Jsonb.parse(v) : v);
    }
    return b.build();
  };
}

/** "udf.<id>:<name>" → id */
export function userFunctionId(fn: string): string {
  const colon = fn.indexOf(":");
  return colon < 0 ? fn.slice(4) : fn.slice(4, colon);
}

/** A user-defined function that does not run inline (fn "udf.<id>:<name>"): one batch per chunk. */
function udfCall(expr: CallExpr, args: Compiled[]): CompiledExpr {
  const id = userFunctionId(expr.fn);
  const type = expr.type;
  return (chunk, ctx, outer) => {
    const n = chunk.length;
    const cols = args.map((a) => a.fn(chunk, ctx, outer));
    if (!ctx.udf) throw new SqlError(SqlState.FeatureNotSupported, "user-defined functions are not available here");
    const argValues = cols.map((c) => {
      const a = new Array<unknown>(n);
      for (let i = 0; i < n; i++) a[i] = c.get(i);
      return a;
    });
    const values = ctx.udf.scalar(id, argValues, n);
    const b = new ColumnBuilder(type, n);
    for (let i = 0; i < n; i++) b.push(values[i] ?? null);
    return b.build();
  };
}

function compileCall(expr: CallExpr, args: Compiled[]): { fn: CompiledExpr; safe: boolean } {
  if (expr.fn.startsWith("ai.")) return { fn: aiCall(expr, args), safe: false };
  if (expr.fn.startsWith("udf.")) return { fn: udfCall(expr, args), safe: false };
  const op = fastOp(expr.fn, expr.args.length);
  if (op !== null) {
    if (op === "neg" && args.length === 1) {
      const k = negKernel(expr.args[0].type);
      if (k !== null && expr.args[0].type.id === expr.type.id) {
        const a = args[0].fn;
        return { fn: (chunk, ctx, outer) => k(a(chunk, ctx, outer), chunk.length), safe: false };
      }
    } else if (args.length === 2 && expr.args[0].type.id === expr.args[1].type.id) {
      const argType = expr.args[0].type;
      const a = args[0].fn;
      const b = args[1].fn;
      if (isComparison(op)) {
        const k = cmpKernel(op, argType);
        if (k !== null) {
          return {
            fn: (chunk, ctx, outer) => k(a(chunk, ctx, outer), b(chunk, ctx, outer), chunk.length),
            safe: args[0].safe && args[1].safe,
          };
        }
      } else if (op !== "neg" && argType.id === expr.type.id) {
        const k = arithKernel(op, expr.type);
        if (k !== null) {
          return { fn: (chunk, ctx, outer) => k(a(chunk, ctx, outer), b(chunk, ctx, outer), chunk.length), safe: false };
        }
      }
    }
  }
  const windowKernel = timeWindowKernel(expr, args);
  if (windowKernel !== null) return { fn: windowKernel, safe: false };
  return { fn: genericCall(expr, args.map((a) => a.fn)), safe: false };
}

/** A per-row loop over the registry function; a strict function gives NULL on any NULL argument. */
function genericCall(expr: CallExpr, args: CompiledExpr[]): CompiledExpr {
  const fn = getFunction(expr.fn);
  const strict = (fn as { strict?: boolean }).strict !== false;
  const type = expr.type;
  return (chunk, ctx, outer) => {
    const n = chunk.length;
    const cols = args.map((a) => a(chunk, ctx, outer));
    const b = new ColumnBuilder(type, n);
    const vals = new Array<unknown>(cols.length);
    for (let i = 0; i < n; i++) {
      let hasNull = false;
      for (let c = 0; c < cols.length; c++) {
        const v = cols[c].get(i);
        vals[c] = v;
        if (v === null) hasNull = true;
      }
      if (hasNull && strict) b.pushNull();
      else b.push(fn.eval(vals, ctx.eval));
    }
    return b.build();
  };
}

function compileNode(expr: BoundExpr): Compiled {
  const cols = [...referencedColumns(expr)];
  const make = (fn: CompiledExpr, safe: boolean): Compiled => ({ fn, safe, cols });
  switch (expr.kind) {
    case "column": {
      const index = expr.index;
      return make((chunk) => chunk.columns[index], true);
    }
    case "const":
      return make(constantColumn(expr.type, expr.value), true);
    case "param": {
      const { index, type } = expr;
      let cached: Column | null = null;
      let cachedValue: unknown;
      return make((chunk, ctx) => {
        const v = ctx.params[index] ?? null;
        if (cached === null || cached.length !== chunk.length || cachedValue !== v) {
          cached = Column.constant(type, v, chunk.length);
          cachedValue = v;
        }
        return cached;
      }, true);
    }
    case "outer": {
      const { index, type } = expr;
      return make((chunk, _ctx, outer) => Column.constant(type, outer?.[index] ?? null, chunk.length), true);
    }
    case "call": {
      const args = expr.args.map(compileNode);
      const r = compileCall(expr, args);
      return make(r.fn, r.safe);
    }
    case "cast": {
      const arg = compileNode(expr.expr);
      const r = compileCast(arg.fn, expr.expr.type, expr.type, expr.context ?? "explicit");
      return make(r.fn, r.widening && arg.safe);
    }
    case "and":
    case "or": {
      const args = expr.args.map(compileNode);
      if (args.length === 1) return args[0];
      return make(
        compileLogical(expr.kind === "and", args),
        args.every((a) => a.safe),
      );
    }
    case "not": {
      const arg = compileNode(expr.arg);
      return make(compileNot(arg.fn), arg.safe);
    }
    case "is_null": {
      const arg = compileNode(expr.arg);
      return make(compileIsNull(arg.fn, expr.negated), arg.safe);
    }
    case "is_bool": {
      const arg = compileNode(expr.arg);
      return make(compileIsBool(arg.fn, expr.test, expr.negated), arg.safe);
    }
    case "case": {
      const whens = expr.whens.map((w) => ({ when: compileNode(w.when), then: compileNode(w.then) }));
      const otherwise = compileNode(expr.else);
      const safe = otherwise.safe && whens.every((w) => w.when.safe && w.then.safe);
      return make(compileCase(expr.type, whens, otherwise), safe);
    }
    case "coalesce": {
      const args = expr.args.map(compileNode);
      return make(
        compileCoalesce(expr.type, args),
        args.every((a) => a.safe),
      );
    }
    case "greatest":
    case "least": {
      const args = expr.args.map(compileNode);
      return make(
        compileExtreme(
          expr.type,
          expr.kind === "greatest",
          args.map((a) => a.fn),
        ),
        false,
      );
    }
    case "nullif": {
      const a = compileNode(expr.args[0]);
      const b = compileNode(expr.args[1]);
      return make(compileNullif(expr.type, a.fn, b.fn, expr.cmp, expr.args[0].type), false);
    }
    case "in_list": {
      const x = compileNode(expr.expr);
      const allConst = expr.list.every((e) => e.kind === "const");
      if (allConst) {
        const values = expr.list.map((e) => (e as { value: unknown }).value);
        const types = expr.list.filter((e) => (e as { value: unknown }).value !== null).map((e) => e.type);
        if (constListUsable(expr.expr.type, types)) {
          return make(compileConstInList(expr.expr.type, x.fn, values, expr.negated), x.safe);
        }
      }
      return make(
        compileInList(
          x.fn,
          expr.list.map((e) => compileNode(e).fn),
          expr.negated,
          expr.eq,
        ),
        false,
      );
    }
    case "subquery": {
      const correlated = expr.correlated.map((c) => compileNode(c).fn);
      const lhs = expr.lhs !== undefined ? compileNode(expr.lhs).fn : null;
      const isEq = expr.cmp !== undefined && fastOp(expr.cmp) === "eq";
      const lhsRow = expr.lhsRow?.map((e) => compileNode(e).fn);
      return make(compileSubquery(expr, correlated, lhs, isEq, lhsRow), false);
    }
  }
}

const compiledCache = new WeakMap<BoundExpr, CompiledExpr>();

/** Compiles an expression into a closure evaluating it over a chunk (cached per expression object). */
export function compileExpr(expr: BoundExpr): CompiledExpr {
  let c = compiledCache.get(expr);
  if (c === undefined) {
    c = compileNode(expr).fn;
    compiledCache.set(expr, c);
  }
  return c;
}

const ONE_ROW = new Chunk([], 1);

/** Evaluates an expression that reads no input columns (LIMIT, VALUES, defaults, table-function args). */
export function evalConst(expr: BoundExpr, ctx: ExecutionContext, outer?: unknown[]): unknown {
  if (expr.kind === "const") return expr.value;
  return compileExpr(expr)(ONE_ROW, ctx, outer).get(0);
}
