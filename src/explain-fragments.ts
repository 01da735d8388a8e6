// EXPLAIN (FRAGMENTS): how a continuous query (a SELECT as a view would run it, or a CREATE
// MATERIALIZED VIEW) is cut into fragments joined by exchanges, each run as `parallelism`
// partitions: WITH (parallelism = n) on the view, else SET streaming_parallelism (default 1).

import type * as A from "./parser/index.js";
import { QueryContext, bindQuery, explainFragments, fragmentPlan, type FragmentGraph, type PhysicalPlan } from "./planner/index.js";
import { continuousPlan, isEowcStatement } from "./ddl.js";
import { viewParallelism } from "./view-parallelism.js";
import { rowsResult, type Session } from "./session.js";
import { SqlError, SqlState, Types, type StatementResult } from "./types/index.js";

/** A continuous plan cut into fragments, with the catalog's primary keys placing the rows of tables. */
export function fragmentsOf(session: Session, plan: PhysicalPlan, parallelism: number): FragmentGraph {
  const cat = session.db.catalog;
  return fragmentPlan(plan, parallelism, { primaryKey: (id) => cat.relationById(id)?.primaryKey });
}

export function explainFragmentsStatement(session: Session, st: A.ExplainStatement, sql: string): StatementResult {
  const inner = st.statement;
  if (st.analyze) throw new SqlError(SqlState.FeatureNotSupported, "EXPLAIN ANALYZE does not run fragments", { position: st.pos, hint: "Drop FRAGMENTS, or ANALYZE." });
  const env = session.binderEnv(sql);
  let lines: string[];
  if (inner.kind === "select") {
    const q = bindQuery(inner.query, new QueryContext(env));
    const plan = continuousPlan(session, q.plan, false);
    lines = explainFragments(fragmentsOf(session, plan, viewParallelism(session, [])), "query");
  } else if (inner.kind === "create_view" && inner.materialized) {
    const parallelism = viewParallelism(session, inner.with);
    const q = bindQuery(inner.query, new QueryContext(env));
    const plan = continuousPlan(session, q.plan, isEowcStatement(inner));
    lines = explainFragments(fragmentsOf(session, plan, parallelism), inner.name.parts.join("."));
  } else {
    throw new SqlError(SqlState.FeatureNotSupported, "EXPLAIN (FRAGMENTS) explains a SELECT or a CREATE MATERIALIZED VIEW", { position: st.pos });
  }
  return rowsResult("EXPLAIN", [{ name: "QUERY PLAN", type: Types.text }], lines.map((l) => [l]));
}
