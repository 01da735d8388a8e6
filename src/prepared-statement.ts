// Preparing a statement without running it (the extended query protocol's Parse / Describe): the
// statement is parsed and bound, which raises what Postgres raises at prepare time (syntax
// errors, undefined tables and columns) and infers the type of each `$n`; and turning the
// parameter values a caller gives into the engine's values once those types are known.
//
// Parameter values: a JS string given for a parameter whose type is known (declared by the
// caller or inferred by the binder) is read with the type's input function, `parseValue`, in the
// session's time zone — as Postgres reads a text-format parameter, which is what clients send.
// Any other value (number, bigint, boolean, Uint8Array, array, null) must already be the
// engine's value for the type and is used as it is. A parameter whose type stays unknown after
// binding is text (its string is kept).

import type * as A from "./parser/index.js";
import { parse } from "./parser/index.js";
import { QueryContext, bindDelete, bindInsert, bindQuery, bindUpdate, type BinderEnv } from "./planner/index.js";
import { SqlError, SqlState, Types, parseValue, toPositionedSqlError, toSqlError, type DataType, type ResultColumn } from "./types/index.js";

export interface PreparedShape {
  /** the type of each `$n` (declared, else inferred, else text) */
  paramTypes: DataType[];
  /** the result columns; null when the statement returns no rows (or is not one the binder describes) */
  columns: ResultColumn[] | null;
}

/** What the session offers the preparer. */
export interface PreparingSession {
  binderEnv(sql: string, paramTypes?: DataType[]): BinderEnv;
}

/** Parses and binds one statement of `sql`; throws its SqlError (positioned in `sql`). */
export function prepareStatement(session: PreparingSession, sql: string, declared: readonly (DataType | undefined)[] = []): PreparedShape {
  let statements: A.Statement[];
  try {
    statements = parse(sql);
  } catch (e) {
    throw toSqlError(e).at(undefined, sql);
  }
  if (statements.length > 1) throw new SqlError(SqlState.SyntaxError, "cannot insert multiple commands into a prepared statement");
  const env = session.binderEnv(sql, declared.map((t) => t ?? Types.unknown));
  let columns: ResultColumn[] | null = null;
  const st = statements[0];
  try {
    if (st) columns = bindShape(st, env);
  } catch (e) {
    throw toPositionedSqlError(e, sql);
  }
  return { paramTypes: env.paramTypes.map((t) => (t.id === "unknown" ? Types.text : t)), columns };
}

function bindShape(st: A.Statement, env: BinderEnv): ResultColumn[] | null {
  switch (st.kind) {
    case "select": {
      const q = bindQuery(st.query, new QueryContext(env));
      return q.names.map((name, i) => ({ name, type: q.types[i] }));
    }
    case "insert":
    case "update":
    case "delete": {
      const w = st.kind === "insert" ? bindInsert(st, env) : st.kind === "update" ? bindUpdate(st, env) : bindDelete(st, env);
      return w.returning ? w.returning.names.map((name, i) => ({ name, type: w.returning!.types[i] })) : null;
    }
    default:
      return null;
  }
}

/** The engine's values of `params`, given the parameter types binding settled (see the top of the file). */
export function parameterValues(params: readonly unknown[], types: readonly DataType[], timeZone: string): unknown[] {
  return params.map((v, i) => {
    const t = types[i];
    if (typeof v !== "string" || !t || t.id === "unknown") return v;
    return parseValue(t, v, { timeZone });
  });
}
