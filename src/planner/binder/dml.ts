// INSERT, UPDATE and DELETE: each becomes a plan computing the rows to write (full rows in the
// table's column order, defaults filled in and assignment casts applied), plus what RETURNING
// projects. Applying the rows and checking constraints is the caller's job.

import type * as A from "../../parser/ast.js";
import type { RelationEntry } from "../../catalog/index.js";
import { DataType, SqlError, SqlState, Types } from "../../types/index.js";
import type { BoundExpr, PhysicalPlan } from "../physical-plan.js";
import { BinderEnv, ExprScope, QueryContext } from "./context.js";
import { coerce, coerceAssignment } from "./coerce.js";
import { bindCondition, bindExpr, outputName } from "./expressions.js";
import { bindFromWhere, namesScope } from "./from.js";
import { DEFAULT_MARKER, bindQuery, bindValues } from "./query.js";
import { Scope } from "./scope.js";

export interface Returning {
  /** expressions over the written (or deleted) row, in the table's column order */
  exprs: BoundExpr[];
  names: string[];
  types: DataType[];
}

export interface WritePlan {
  kind: "insert" | "update" | "delete";
  relation: RelationEntry;
  /** insert: full new rows; update: row id then the full new row; delete: row id then the old row */
  source: PhysicalPlan;
  returning?: Returning;
  onConflict?: { action: "nothing" | "update"; target?: number[] };
}

function col(index: number, type: DataType): BoundExpr {
  return { kind: "column", index, type };
}

function writableTarget(env: BinderEnv, name: A.QualifiedName, verb: string): RelationEntry {
  const rel = env.catalog.getRelation(name.parts, name.pos);
  if (rel.kind === "table" || (rel.kind === "stream" && verb === "insert")) return rel;
  if (rel.kind === "materialized_view") throw new SqlError(SqlState.WrongObjectType, `cannot change materialized view "${rel.name}"`, { position: name.pos });
  const what = rel.kind === "stream" ? "stream (streams are append-only)" : rel.kind.replace("_", " ");
  throw new SqlError(SqlState.WrongObjectType, `cannot ${verb} ${verb === "insert" ? "into" : ""} ${what} "${rel.name}"`.replace("  ", " "), { position: name.pos });
}

/** The DEFAULT of column `c` (NULL when none), bound and cast to the column type. */
export function defaultExpr(env: BinderEnv, rel: RelationEntry, c: number): BoundExpr {
  const column = rel.columns[c];
  if (column.default === undefined) return { kind: "const", type: column.type, value: null };
  const ctx = new QueryContext(env);
  const e = bindExpr(column.default as A.Expr, { scope: Scope.empty(), ctx, clause: "DEFAULT expressions" });
  return coerce(env, e, column.type, "assignment");
}

function bindReturning(env: BinderEnv, rel: RelationEntry, alias: string | undefined, items: A.SelectItem[] | undefined): Returning | undefined {
  if (!items) return undefined;
  const scope = namesScope(rel.columns.map((c) => c.name), rel.columns.map((c) => c.type), alias ?? rel.name);
  const es: ExprScope = { scope, ctx: new QueryContext(env), clause: "RETURNING" };
  const exprs: BoundExpr[] = [];
  const names: string[] = [];
  for (const item of items) {
    if (item.expr.kind === "star") {
      for (const c of scope.star()) {
        exprs.push(col(c.index, c.type));
        names.push(c.name);
      }
    } else {
      exprs.push(bindExpr(item.expr, es));
      names.push(item.alias ?? outputName(item.expr));
    }
  }
  return { exprs, names, types: exprs.map((e) => e.type) };
}

export function bindInsert(stmt: A.InsertStatement, env: BinderEnv): WritePlan {
  const rel = writableTarget(env, stmt.table, "insert");
  const ctx = new QueryContext(env);
  const targetCols: number[] = [];
  if (stmt.columns) {
    for (const name of stmt.columns) {
      const c = rel.columns.findIndex((x) => x.name === name);
      if (c < 0) throw new SqlError(SqlState.UndefinedColumn, `column "${name}" of relation "${rel.name}" does not exist`, { position: stmt.pos });
      if (targetCols.includes(c)) throw new SqlError(SqlState.DuplicateColumn, `column "${name}" specified more than once`, { position: stmt.pos });
      targetCols.push(c);
    }
  } else {
    rel.columns.forEach((_, i) => targetCols.push(i));
  }
  const targetTypes = targetCols.map((c) => rel.columns[c].type);
  let source: PhysicalPlan;
  if (stmt.defaultValues || !stmt.source) {
    source = { kind: "values", rows: [rel.columns.map((_, c) => defaultExpr(env, rel, c))], types: rel.columns.map((c) => c.type) };
  } else if (stmt.source.body.kind === "values" && !stmt.source.orderBy.length && !stmt.source.limit && !stmt.source.offset && !stmt.source.with) {
    // VALUES rows are cast straight to the target columns, DEFAULT allowed
    const v = bindValues(stmt.source.body, ctx, targetTypes, targetCols.map((c) => rel.columns[c].name));
    if (v.types.length > targetCols.length) throw new SqlError(SqlState.SyntaxError, "INSERT has more expressions than target columns", { position: stmt.pos });
    if (v.types.length < targetCols.length && stmt.columns) throw new SqlError(SqlState.SyntaxError, "INSERT has more target columns than expressions", { position: stmt.pos });
    const rows = (v.plan as { rows: BoundExpr[][] }).rows.map((r) =>
      rel.columns.map((_, c) => {
        const k = targetCols.indexOf(c);
        if (k < 0 || k >= r.length || r[k] === DEFAULT_MARKER) return defaultExpr(env, rel, c);
        return r[k];
      }),
    );
    source = { kind: "values", rows, types: rel.columns.map((c) => c.type) };
  } else {
    const q = bindQuery(stmt.source, ctx);
    if (q.types.length > targetCols.length) throw new SqlError(SqlState.SyntaxError, "INSERT has more expressions than target columns", { position: stmt.pos });
    if (q.types.length < targetCols.length && stmt.columns) throw new SqlError(SqlState.SyntaxError, "INSERT has more target columns than expressions", { position: stmt.pos });
    const exprs = rel.columns.map((column, c) => {
      const k = targetCols.indexOf(c);
      if (k < 0 || k >= q.types.length) return defaultExpr(env, rel, c);
      return coerceAssignment(env, col(k, q.types[k]), column.type, column.name, stmt.pos);
    });
    source = { kind: "project", input: q.plan, exprs, types: exprs.map((e) => e.type) };
  }
  let onConflict: WritePlan["onConflict"];
  if (stmt.onConflict) {
    if (stmt.onConflict.action === "update") {
      throw new SqlError(SqlState.FeatureNotSupported, "ON CONFLICT DO UPDATE is not supported yet", { position: stmt.pos });
    }
    onConflict = { action: "nothing", target: stmt.onConflict.target?.map((n) => rel.columns.findIndex((c) => c.name === n)) };
  }
  return { kind: "insert", relation: rel, source, returning: bindReturning(env, rel, stmt.alias, stmt.returning), onConflict };
}

function targetRef(table: A.QualifiedName, alias: string | undefined): A.TableRef {
  return { kind: "table", name: table, alias: alias ? { name: alias } : undefined, pos: table.pos };
}

export function bindUpdate(stmt: A.UpdateStatement, env: BinderEnv): WritePlan {
  const rel = writableTarget(env, stmt.table, "update");
  const ctx = new QueryContext(env);
  env.rowIdRelation = rel.id;
  const from = bindFromWhere([targetRef(stmt.table, stmt.alias), ...stmt.from], stmt.where, ctx);
  const width = rel.columns.length;
  const es: ExprScope = { scope: from.scope, ctx, clause: "UPDATE" };
  const newValues: BoundExpr[] = rel.columns.map((c, i) => col(i, c.type));
  const assigned = new Set<number>();
  for (const s of stmt.set) {
    const c = rel.columns.findIndex((x) => x.name === s.column);
    if (c < 0) throw new SqlError(SqlState.UndefinedColumn, `column "${s.column}" of relation "${rel.name}" does not exist`, { position: stmt.pos });
    if (assigned.has(c)) throw new SqlError(SqlState.SyntaxError, `multiple assignments to same column "${s.column}"`, { position: stmt.pos });
    assigned.add(c);
    newValues[c] = s.value === "default" ? defaultExpr(env, rel, c) : coerceAssignment(env, bindExpr(s.value, es), rel.columns[c].type, rel.columns[c].name, s.value.pos);
  }
  const source: PhysicalPlan = {
    kind: "project",
    input: from.plan,
    exprs: [col(width, Types.integer), ...newValues],
    types: [Types.integer, ...newValues.map((e) => e.type)],
  };
  return { kind: "update", relation: rel, source, returning: bindReturning(env, rel, stmt.alias, stmt.returning) };
}

export function bindDelete(stmt: A.DeleteStatement, env: BinderEnv): WritePlan {
  const rel = writableTarget(env, stmt.table, "delete from");
  const ctx = new QueryContext(env);
  env.rowIdRelation = rel.id;
  const from = bindFromWhere([targetRef(stmt.table, stmt.alias), ...stmt.using], stmt.where, ctx);
  const width = rel.columns.length;
  const exprs = [col(width, Types.integer), ...rel.columns.map((c, i) => col(i, c.type))];
  const source: PhysicalPlan = { kind: "project", input: from.plan, exprs, types: exprs.map((e) => e.type) };
  return { kind: "delete", relation: rel, source, returning: bindReturning(env, rel, stmt.alias, stmt.returning) };
}
