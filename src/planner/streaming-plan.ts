// Which plans can run as continuous queries, and the small rewrites they need. A materialized
// view keeps a set of rows, not an order: a top-level ORDER BY is dropped. Operators that only
// work on a finished input (sort, LIMIT, DISTINCT ON) are refused with 0A000
// until their incremental forms (TopN, ...) exist, as are subquery expressions that
// optimizer/decorrelate-subqueries.ts cannot turn into joins (the executor evaluates those
// against a snapshot).

import { SqlError, SqlState } from "../types/index.js";
import { isTimeDependent } from "./binder/coerce.js";
import { isRemoteModelCall, liftModelCalls } from "./ai-map.js";
import { visitExpr } from "./bound-expr-walk.js";
import { intervalJoinCleanup } from "./interval-join.js";
import { toTemporalFilter } from "./temporal-filter.js";
import { decorrelateSubqueries } from "./optimizer/decorrelate-subqueries.js";
import { children, mapPlan } from "./plan-walk.js";
import type { BoundExpr, PhysicalPlan } from "./physical-plan.js";

const REFUSED: Partial<Record<PhysicalPlan["kind"], string>> = {
  sort: "ORDER BY (other than at the top level, or with LIMIT)",
  limit: "LIMIT / OFFSET without ORDER BY",
  distinct_on: "DISTINCT ON",
  recursive_cte: "WITH RECURSIVE",
  lateral_join: "LATERAL subqueries (other than VECTOR JOIN / nearest-neighbour LATERAL over an HNSW index)",
};

function constCount(e: BoundExpr | undefined, what: string): number | undefined {
  if (e === undefined) return undefined;
  if (e.kind !== "const") throw new SqlError(SqlState.FeatureNotSupported, `${what} in a materialized view must be a constant`);
  if (e.value === null) return undefined;
  const n = Number(e.value);
  if (!Number.isInteger(n) || n < 0) throw new SqlError(SqlState.InvalidRowCountInLimitClause, `${what} must not be negative`);
  return n;
}

/** ORDER BY ... LIMIT n [OFFSET m] → TopN (a LIMIT without ORDER BY has no stable meaning in a view). */
function limitToTopN(l: PhysicalPlan & { kind: "limit" }): PhysicalPlan {
  if (l.input.kind !== "sort") return l;
  const limit = constCount(l.limit, "LIMIT");
  const offset = constCount(l.offset, "OFFSET") ?? 0;
  if (limit === undefined && offset === 0) return l.input.input;
  return { kind: "topn", input: l.input.input, partitionBy: [], keys: l.input.keys, limit: limit ?? Number.MAX_SAFE_INTEGER, offset, rowNumber: false, types: l.types };
}

/**
 * `ROW_NUMBER() OVER (PARTITION BY p ORDER BY o) AS rn ... WHERE rn <= n` → a per-partition TopN
 * that appends the rank, replacing the window node and the filter (directly above it, or above
 * a projection of it).
 */
function rowNumberToTopN(f: PhysicalPlan & { kind: "filter" }): PhysicalPlan {
  let win: PhysicalPlan = f.input;
  let project: (PhysicalPlan & { kind: "project" }) | undefined;
  if (win.kind === "project") {
    project = win;
    win = win.input;
  }
  if (win.kind !== "window" || win.functions.length !== 1 || !win.functions[0].fn.startsWith("row_number")) return f;
  const rnInput = win.input.types.length; // the window's own output column
  const pred = f.predicate;
  if (pred.kind !== "call" || pred.args.length !== 2) return f;
  const [a, b] = pred.args;
  const op = pred.fn.split(":")[0];
  if (a.kind !== "column" || b.kind !== "const" || b.value === null) return f;
  const refersToRn = project ? project.exprs[a.index]?.kind === "column" && (project.exprs[a.index] as { index: number }).index === rnInput : a.index === rnInput;
  if (!refersToRn) return f;
  const n = Number(b.value);
  const limit = op === "<=" ? n : op === "<" ? n - 1 : op === "=" && n === 1 ? 1 : undefined;
  if (limit === undefined || !Number.isFinite(limit)) return f;
  const fn = win.functions[0];
  const topn: PhysicalPlan = { kind: "topn", input: win.input, partitionBy: fn.partitionBy, keys: fn.orderBy, limit: Math.max(0, Math.floor(limit)), offset: 0, rowNumber: true, types: win.types };
  return project ? { ...project, input: topn } : topn;
}

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
    case "temporal_filter":
      return [...p.from, ...p.until];
    case "ai_map":
      return p.calls.flatMap((c) => (c.options ? [c.input, c.options] : [c.input]));
    case "vector_join":
      return [...p.correlated, ...(p.condition ? [p.condition] : [])];
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
      if (x.kind === "call" && isRemoteModelCall(x)) {
        // projections and filters were rewritten into the async AI map; other places were not
        throw new SqlError(SqlState.FeatureNotSupported, `${x.fn === "ai.embed" ? "EMBED" : "GENERATE"}() with a remote model is supported in a continuous query's select list, WHERE and GROUP BY only`, {
          hint: "Compute it in a subquery's select list (SELECT ..., GENERATE(x) AS g FROM ...) and use the column.",
        });
      }
      if (x.kind === "call" && x.fn.startsWith("ai.")) return; // the embedded model: deterministic, answered in the kernel
      if (x.kind === "call" && isTimeDependent(x.fn)) {
        // a view evaluates rows once, as they arrive: now() or random() there would be frozen at
        // arrival and silently wrong later (temporal filters need their own operator)
        throw new SqlError(SqlState.FeatureNotSupported, `${x.fn.split(":")[0]}() is not supported in a materialized view yet`, {
          hint: "A view can compare a row's time with now() in WHERE (WHERE ts > now() - INTERVAL '1 hour'); other uses of the clock belong in an ad-hoc query over the view.",
        });
      }
    });
  }
  for (const c of children(p)) check(c);
}

/** The column of a relation that carries a watermark (a stream's WATERMARK FOR column), if any. */
export type WatermarkColumnOf = (relation: string) => number | undefined;

/**
 * The output columns of `p` that will carry a watermark in its dataflow — what the operators
 * forward: a scan of a stream its WATERMARK column, filters everything, projections columns passed
 * through and outputs marked monotone (window_start/window_end of TUMBLE/HOP/CUMULATE), UNION ALL
 * the columns every input has, aggregates their plain group-by columns, interval joins (inner joins
 * with state cleanup) their inputs' watermark columns; other joins and the rest none.
 */
function watermarkColumns(p: PhysicalPlan, of: WatermarkColumnOf): Set<number> {
  const out = new Set<number>();
  switch (p.kind) {
    case "scan": {
      const c = of(p.relation);
      p.columns.forEach((col, i) => col === c && out.add(i));
      return out;
    }
    case "filter":
    case "ai_map":
      return watermarkColumns(p.input, of);
    case "project": {
      const input = watermarkColumns(p.input, of);
      p.exprs.forEach((e, i) => e.kind === "column" && input.has(e.index) && out.add(i));
      for (const m of p.monotone ?? []) if (input.has(m.input)) out.add(m.output);
      return out;
    }
    case "union_all": {
      const sets = p.inputs.map((i) => watermarkColumns(i, of));
      for (const c of sets[0] ?? []) if (sets.every((s) => s.has(c))) out.add(c);
      return out;
    }
    case "aggregate": {
      const input = watermarkColumns(p.input, of);
      p.groupBy.forEach((g, i) => g.kind === "column" && input.has(g.index) && out.add(i));
      return out;
    }
    case "session_window": {
      // window_start/window_end (and ts) carry the input's watermark on ts, held back by open sessions
      const w = p.input.types.length;
      if (!watermarkColumns(p.input, of).has(p.timeColumn)) return out;
      out.add(p.timeColumn).add(w).add(w + 1);
      return out;
    }
    case "join": {
      if (intervalJoinCleanup(p) === undefined) return out;
      const lw = p.left.types.length;
      for (const c of watermarkColumns(p.left, of)) out.add(c);
      for (const c of watermarkColumns(p.right, of)) out.add(lw + c);
      return out;
    }
    default:
      return out;
  }
}

/**
 * The plan of a continuous query, or a 0A000 error naming what cannot run incrementally. With
 * `emitOnWindowClose`, its aggregations emit each group once, final, when a watermark closes it;
 * given `watermarkColumn`, each of them must group by a column that carries a watermark (else its
 * groups would never close and the view would stay empty forever).
 */
export function toStreamingPlan(
  plan: PhysicalPlan,
  options: { emitOnWindowClose?: boolean; watermarkColumn?: WatermarkColumnOf; appendOnly?: (relation: string) => boolean } = {},
): PhysicalPlan {
  let p = plan;
  // a view has no order: drop a top-level sort (and the projection that hid its helper columns stays)
  if (p.kind === "sort") p = p.input;
  else if (p.kind === "project" && p.input.kind === "sort") p = { ...p, input: p.input.input };
  // incremental top-N: ORDER BY ... LIMIT, and ROW_NUMBER() ... <= n
  p = mapPlan(p, (node) => (node.kind === "limit" ? limitToTopN(node) : node.kind === "filter" ? rowNumberToTopN(node) : node));
  // subqueries the executor would run per row become joins (what cannot be stays and is refused)
  p = decorrelateSubqueries(p);
  // other window functions: recompute the partitions that changed (IncrementalWindow)
  p = mapPlan(p, (node) => (node.kind === "window" ? { ...node, incremental: true } : node));
  // temporal filters: WHERE ts > now() - INTERVAL ... (rows enter and leave as the clock moves)
  p = mapPlan(p, toTemporalFilter);
  // remote model calls: out of the expressions, into async AI map operators
  p = liftModelCalls(p, options.appendOnly);
  check(p);
  if (options.emitOnWindowClose) {
    let found = false;
    p = mapPlan(p, (node) => {
      if (node.kind === "session_window") {
        // each session once, final, when the watermark closes it (so ts must carry one)
        const of = options.watermarkColumn;
        if (of !== undefined && !watermarkColumns(node.input, of).has(node.timeColumn)) {
          throw new SqlError(SqlState.FeatureNotSupported, "EMIT ON WINDOW CLOSE needs the time column of SESSION to carry a watermark", {
            hint: "Use a stream with WATERMARK FOR its time column.",
          });
        }
        found = true;
        return { ...node, emitOnWindowClose: true };
      }
      if (node.kind !== "aggregate") return node;
      if (node.groupBy.length === 0) {
        throw new SqlError(SqlState.FeatureNotSupported, "EMIT ON WINDOW CLOSE needs a GROUP BY over a window column (window_start or window_end)");
      }
      const of = options.watermarkColumn;
      if (of !== undefined) {
        const marked = watermarkColumns(node.input, of);
        if (!node.groupBy.some((g) => g.kind === "column" && marked.has(g.index))) {
          throw new SqlError(SqlState.FeatureNotSupported, "EMIT ON WINDOW CLOSE needs a GROUP BY column that carries a watermark", {
            hint: "Group by window_start or window_end of TUMBLE, HOP, CUMULATE or SESSION over a stream with a WATERMARK (watermarks do not pass through materialized views, nor joins other than interval joins).",
          });
        }
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
