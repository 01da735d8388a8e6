// Which plans can run as continuous queries, and the small rewrites they need. A materialized
// view keeps a set of rows, not an order: a top-level ORDER BY is dropped. Operators that only
// work on a finished input (sort, window functions, LIMIT, DISTINCT ON) are refused with 0A000
// until their incremental forms (TopN, ...) exist, as are subquery expressions, which the
// executor evaluates against a snapshot.

import { SqlError, SqlState } from "../types/index.js";
import { isTimeDependent } from "./binder/coerce.js";
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
      if (x.kind === "call" && isTimeDependent(x.fn)) {
        // a view evaluates rows once, as they arrive: now() or random() there would be frozen at
        // arrival and silently wrong later (temporal filters need their own operator)
        throw new SqlError(SqlState.FeatureNotSupported, `${x.fn.split(":")[0]}() is not supported in a materialized view yet`, {
          hint: "Temporal filters (WHERE ts > now() - INTERVAL ...) are not incremental yet; filter in an ad-hoc query over the view.",
        });
      }
    });
  }
  for (const c of children(p)) check(c);
}

/**
 * The plan of a continuous query, or a 0A000 error naming what cannot run incrementally. With
 * `emitOnWindowClose`, its aggregations emit each group once, final, when a watermark closes it.
 */
export function toStreamingPlan(plan: PhysicalPlan, options: { emitOnWindowClose?: boolean } = {}): PhysicalPlan {
  let p = plan;
  // a view has no order: drop a top-level sort (and the projection that hid its helper columns stays)
  if (p.kind === "sort") p = p.input;
  else if (p.kind === "project" && p.input.kind === "sort") p = { ...p, input: p.input.input };
  check(p);
  if (options.emitOnWindowClose) {
    let found = false;
    p = mapPlan(p, (node) => {
      if (node.kind !== "aggregate") return node;
      if (node.groupBy.length === 0) {
        throw new SqlError(SqlState.FeatureNotSupported, "EMIT ON WINDOW CLOSE needs a GROUP BY over a window column (window_start or window_end)");
      }
      found = true;
      return { ...node, emitOnWindowClose: true };
    });
    if (!found) {
      throw new SqlError(SqlState.FeatureNotSupported, "EMIT ON WINDOW CLOSE is supported on windowed aggregations (GROUP BY window_start or window_end)");
    }
  }
  return p;
}

/** Rebuilds a plan bottom-up with `f` applied to every node. */
function mapPlan(p: PhysicalPlan, f: (p: PhysicalPlan) => PhysicalPlan): PhysicalPlan {
  const m = (c: PhysicalPlan) => mapPlan(c, f);
  switch (p.kind) {
    case "filter":
    case "project":
    case "aggregate":
    case "sort":
    case "limit":
    case "distinct_on":
    case "window":
      return f({ ...p, input: m(p.input) } as PhysicalPlan);
    case "join":
    case "set_op":
      return f({ ...p, left: m(p.left), right: m(p.right) } as PhysicalPlan);
    case "union_all":
      return f({ ...p, inputs: p.inputs.map(m) });
    default:
      return f(p);
  }
}
