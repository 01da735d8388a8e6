// EXPLAIN (LOGICAL): the plan as the binder builds it, before the optimizer's rewrites (column
// pruning, key lookups, vector index scans) and, for a materialized view, before it becomes a
// dataflow. Comparing it with EXPLAIN (PHYSICAL) (the default) shows what the optimizer changed.

import type * as A from "./parser/index.js";
import { QueryContext, bindDelete, bindInsert, bindQuery, bindUpdate, explainLogicalPlan, type PhysicalPlan } from "./planner/index.js";
import { rowsResult, type Session } from "./session.js";
import { SqlError, SqlState, Types, type StatementResult } from "./types/index.js";

export function explainLogicalStatement(session: Session, st: A.ExplainStatement, sql: string): StatementResult {
  const inner = st.statement;
  if (st.analyze) {
    throw new SqlError(SqlState.FeatureNotSupported, "EXPLAIN ANALYZE measures the physical plan, not the logical one", { position: st.pos, hint: "Drop LOGICAL, or ANALYZE." });
  }
  const env = { ...session.binderEnv(sql), logicalOnly: true };
  let plan: PhysicalPlan;
  let viewName: string | undefined;
  if (inner.kind === "select") plan = bindQuery(inner.query, new QueryContext(env)).plan;
  else if (inner.kind === "insert") plan = bindInsert(inner, env).source;
  else if (inner.kind === "update") plan = bindUpdate(inner, env).source;
  else if (inner.kind === "delete") plan = bindDelete(inner, env).source;
  else if (inner.kind === "create_view" && inner.materialized) {
    plan = bindQuery(inner.query, new QueryContext(env)).plan;
    viewName = inner.name.parts.join(".");
  } else throw new SqlError(SqlState.FeatureNotSupported, `EXPLAIN ${inner.kind.replace(/_/g, " ").toUpperCase()} is not supported yet`, { position: st.pos });
  const lines = explainLogicalPlan(plan, viewName);
  return rowsResult("EXPLAIN", [{ name: "QUERY PLAN", type: Types.text }], lines.map((l) => [l]));
}
