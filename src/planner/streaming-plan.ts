// Which plans can run as continuous queries, and the small rewrites they need. A materialized
// view keeps a set of rows, not an order: a top-level ORDER BY is dropped. Operators that only
// work on a finished input (sort, window functions, LIMIT, DISTINCT ON) are refused with 0A000
// until their incremental forms (TopN, ...) exist, as are subquery expressions, which the
// executor evaluates against a snapshot.

import { SqlError, SqlState } from "../types/index.js";
import { visitExpr } from "./bound-expr-walk.js";
import { children } from "./explain.js";
import type { BoundExpr, PhysicalPlan } from "./physical-plan.js";

const REFUSED: Partial<Record<PhysicalPlan["kind"], string>> = {
  sort: "ORDER BY (other than at the top level)",
  limit: "LIMIT / OFFSET",
  window: "window functions",
  distinct_on: "DISTINCT ON",
};

function exprsOf(p: PhysicalPlan): BoundExpr[] {
  switch (p.kind) {
    case "filter":
      return [p.predicate];
    case "project":
      return p.exprs;
    case "aggregate":
      return [...p.groupBy, ...p.aggregates.flatMap((a) => [...a.args, ...(a.filter ? [a.filter] : [])])];
    case "join":
      return [...p.leftKeys, ...p.rightKeys, ...(p.condition ? [p.condition] : [])];
    case "values":
      return p.rows.flat();
    case "table_function":
      return p.args;
    default:
      return [];
  }
}

function check(p: PhysicalPlan): void {
  const what = REFUSED[p.kind];
  if (what) {
    throw new SqlError(SqlState.FeatureNotSupported, `${what} is not supported in a materialized view yet`, {
      hint: "Run it as an ad-hoc query over the view instead.",
    });
  }
  for (const e of exprsOf(p)) {
    visitExpr(e, (x) => {
      if (x.kind === "subquery") {
        throw new SqlError(SqlState.FeatureNotSupported, "subqueries in expressions are not supported in a materialized view yet", {
          hint: "Write the subquery as a join.",
        });
      }
      if (x.kind === "param") {
        throw new SqlError(SqlState.FeatureNotSupported, "parameters are not allowed in a materialized view");
      }
    });
  }
  for (const c of children(p)) check(c);
}

/** The plan of a continuous query, or a 0A000 error naming what cannot run incrementally. */
export function toStreamingPlan(plan: PhysicalPlan): PhysicalPlan {
  let p = plan;
  // a view has no order: drop a top-level sort (and the projection that hid its helper columns stays)
  if (p.kind === "sort") p = p.input;
  else if (p.kind === "project" && p.input.kind === "sort") p = { ...p, input: p.input.input };
  check(p);
  return p;
}
