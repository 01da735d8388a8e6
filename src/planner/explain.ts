// EXPLAIN: the physical plan as an indented tree, one operator per line, Postgres-style arrows.

import { formatValue, typeName } from "../types/index.js";
import type { BoundExpr, PhysicalPlan, SortKey } from "./physical-plan.js";
import { children } from "./plan-walk.js";
import { distributionText, type FragmentGraph } from "./fragments.js";

/**
 * `annotate` (EXPLAIN ANALYZE) gives text to append to a node's head line, e.g. its actual rows
 * and time, and extra detail lines under it.
 */
export function explainPlan(plan: PhysicalPlan, annotate?: PlanAnnotator): string[] {
  const lines: string[] = [];
  walk(plan, 0, lines, false, annotate);
  return lines;
}

export type PlanAnnotator = (node: PhysicalPlan) => { head: string; details: string[] } | undefined;

/**
 * The dataflow of a continuous query: the same tree with the operators as they run incrementally
 * (change feeds for scans) and, for each stateful operator, the state table it keeps.
 */
export function explainDataflow(plan: PhysicalPlan, sinkName: string): string[] {
  const lines = [`Materialize ${sinkName}`, "  State: the view's rows (served to ad-hoc reads), keyed by row value"];
  walk(plan, 1, lines, true);
  return lines;
}

/**
 * EXPLAIN (FRAGMENTS): a continuous query cut into fragments, top (the materialize fragment) first;
 * each with its parallelism, where its output goes and what it reads (exchanges with their
 * distribution, relations' change feeds), then its operators.
 */
export function explainFragments(graph: FragmentGraph, sinkName: string): string[] {
  const lines: string[] = [];
  for (const f of graph.fragments) {
    lines.push(`Fragment ${f.id} (parallelism ${f.parallelism})`);
    if (f.output === "materialize") lines.push(`  Output: materialize ${sinkName}`);
    else {
      const e = graph.exchanges[f.output.exchange];
      lines.push(`  Output: exchange ${e.id} to fragment ${e.to}, ${distributionText(e.distribution)}`);
    }
    for (const e of graph.exchanges) if (e.to === f.id) lines.push(`  Input: exchange ${e.id} from fragment ${e.from}, ${distributionText(e.distribution)}`);
    const names: string[] = [];
    const visit = (p: PhysicalPlan): void => {
      if (p.kind === "scan" && !names.includes(p.name)) names.push(p.name);
      for (const c of children(p)) visit(c);
    };
    visit(f.plan);
    for (const n of names) lines.push(`  Input: changes of ${n}`);
    const ops: string[] = [];
    walk(f.plan, 0, ops, true, undefined, false);
    for (const l of ops) lines.push(`  ${l}`);
  }
  return lines;
}

/**
 * The logical plan (EXPLAIN (LOGICAL)): the bound tree before optimization, in the same style;
 * for a materialized view headed by the view it would fill.
 */
export function explainLogicalPlan(plan: PhysicalPlan, viewName?: string): string[] {
  const lines = viewName === undefined ? [] : [`Materialized View ${viewName}`];
  walk(plan, viewName === undefined ? 0 : 1, lines, false);
  return lines;
}

function stateOf(p: PhysicalPlan): string | undefined {
  switch (p.kind) {
    case "aggregate":
      return p.groupBy.length
        ? `State: one row per group, keyed by (${p.groupBy.map(expr).join(", ")}): row count and retractable accumulators${p.emitOnWindowClose ? "; groups behind the watermark are emitted once and dropped" : "; groups behind a watermark are dropped"}`
        : "State: one row: row count and retractable accumulators";
    case "join":
      return p.leftKeys.length
        ? `State: left rows keyed by (${p.leftKeys.map(expr).join(", ")}), right rows keyed by (${p.rightKeys.map(expr).join(", ")})${p.joinType !== "inner" ? ", match counts of preserved rows" : ""}`
        : "State: all rows of both inputs";
    case "set_op":
      return "State: distinct rows with their counts on each input";
    case "ai_map":
      return p.retractable
        ? "State: rows waiting for their model answers (bounded; in arrival order); the answers emitted per live input row, for its deletes"
        : "State: rows waiting for their model answers (bounded; in arrival order)";
    case "topn":
      return "State: every input row, ordered by the sort key within its partition; the rows emitted";
    case "session_window":
      return `State: per partition${p.partitionBy.length ? ` (${p.partitionBy.map((c) => `#${c}`).join(", ")})` : " (the whole input)"}, its open sessions' rows ordered by #${p.timeColumn}; sessions whose window_end the watermark reaches are ${p.emitOnWindowClose ? "emitted once and " : ""}dropped`;
    case "temporal_filter":
      return "State: rows visible now or later, queued by the time they enter and leave; rows whose time has passed are dropped";
    case "window":
      return p.incremental ? "State: every input row by partition; the rows emitted (a changed partition is recomputed at the barrier)" : undefined;
    default:
      return undefined;
  }
}

function walk(p: PhysicalPlan, depth: number, out: string[], streaming: boolean, annotate?: PlanAnnotator, states = streaming): void {
  const pad = depth === 0 ? "" : "  ".repeat(depth - 1) + "->  ";
  const detail = "  ".repeat(depth) + (depth === 0 ? "  " : "      ");
  const note = annotate?.(p);
  const add = (head: string, ...details: string[]) => {
    out.push(pad + head + (note ? `  ${note.head}` : ""));
    for (const d of details) out.push(detail + d);
    for (const d of note?.details ?? []) out.push(detail + d);
  };
  switch (p.kind) {
    case "scan":
      if (p.keyEquals) add(`Key Lookup on ${p.name} (columns ${p.columns.map((c) => (c < 0 ? "rowid" : `#${c}`)).join(", ") || "none"})`, `Key: #${p.keyEquals.column} = ${expr(p.keyEquals.value)}`);
      else add(`${streaming ? "ChangeFeed from" : "Scan on"} ${p.name} (columns ${p.columns.map((c) => (c < 0 ? "rowid" : `#${c}`)).join(", ") || "none"})`);
      break;
    case "values":
      add(`Values (${p.rows.length} row${p.rows.length === 1 ? "" : "s"})`);
      break;
    case "empty":
      add("Empty Result");
      break;
    case "exchange_source":
      add(`Exchange Source (exchange ${p.exchange})`);
      break;
    case "filter":
      add("Filter", `Condition: ${expr(p.predicate)}`);
      break;
    case "project":
      add("Project", `Output: ${p.exprs.map(expr).join(", ")}`);
      break;
    case "ai_map":
      add("Async AI Map", ...p.calls.map((c) => `${c.kind === "embed" ? "EMBED" : "GENERATE"}(${expr(c.input)}${c.options ? `, options ${expr(c.options)}` : ""}) with model ${c.model}`));
      break;
    case "aggregate":
      add(
        p.aggregates.length === 0 ? "HashAggregate (distinct)" : "HashAggregate",
        ...(p.groupBy.length ? [`Group Key: ${p.groupBy.map(expr).join(", ")}`] : []),
        ...(p.aggregates.length ? [`Aggregates: ${p.aggregates.map((a) => `${a.fn}(${a.distinct ? "DISTINCT " : ""}${a.args.map(expr).join(", ")})`).join(", ")}`] : []),
      );
      break;
    case "join": {
      const kind = p.leftKeys.length ? "Hash Join" : "Nested Loop";
      const jt = p.joinType === "inner" ? "" : ` ${p.joinType[0].toUpperCase()}${p.joinType.slice(1)}`;
      add(
        `${kind}${jt}`,
        ...(p.leftKeys.length ? [`Hash Cond: ${p.leftKeys.map((k, i) => `(${expr(k)} = right.${expr(p.rightKeys[i])})`).join(" AND ")}`] : []),
        ...(p.condition ? [`Join Filter: ${expr(p.condition)}`] : []),
      );
      break;
    }
    case "sort":
      add("Sort", `Sort Key: ${p.keys.map(sortKey).join(", ")}`);
      break;
    case "limit":
      add("Limit", ...(p.limit ? [`Limit: ${expr(p.limit)}`] : []), ...(p.offset ? [`Offset: ${expr(p.offset)}`] : []));
      break;
    case "distinct_on":
      add("Unique", `Key: ${p.keys.map(expr).join(", ")}`);
      break;
    case "set_op":
      add(`${p.op[0].toUpperCase()}${p.op.slice(1)}${p.all ? " All" : ""}`);
      break;
    case "union_all":
      add("Append");
      break;
    case "window":
      add("WindowAgg", ...p.functions.map((f) => `${f.fn}(${f.args.map(expr).join(", ")}) OVER (${[f.partitionBy.length ? `PARTITION BY ${f.partitionBy.map(expr).join(", ")}` : "", f.orderBy.length ? `ORDER BY ${f.orderBy.map(sortKey).join(", ")}` : ""].filter(Boolean).join(" ")})`));
      break;
    case "table_function":
      add(`Function Scan on ${userFunctionName(p.fn)}`);
      break;
    case "recursive_cte":
      add(`Recursive Union${p.all ? " All" : ""} (${p.name})`);
      break;
    case "work_table_scan":
      add(`WorkTable Scan on ${p.name}`);
      break;
    case "topn":
      add(
        `TopN (${p.offset ? `offset ${p.offset}, ` : ""}limit ${p.limit}${p.rowNumber ? ", with row number" : ""})`,
        ...(p.partitionBy.length ? [`Partition By: ${p.partitionBy.map(expr).join(", ")}`] : []),
        `Sort Key: ${p.keys.map(sortKey).join(", ")}`,
      );
      break;
    case "session_window":
      add(
        `SessionWindow (gap ${p.gap / 1_000_000} s${p.emitOnWindowClose ? ", emit on window close" : ""})`,
        `Time: #${p.timeColumn}`,
        ...(p.partitionBy.length ? [`Partition By: ${p.partitionBy.map((c) => `#${c}`).join(", ")}`] : []),
      );
      break;
    case "temporal_filter":
      add(
        "TemporalFilter",
        ...(p.from.length ? [`Visible From: now() >= ${p.from.map(expr).join(", ")}`] : []),
        ...(p.until.length ? [`Visible Until: now() < ${p.until.map(expr).join(", ")}`] : []),
      );
      break;
    case "vector_index_scan":
      add(
        `Index Scan using ${p.indexName} on ${p.name} (hnsw)`,
        `Order By: ${expr(p.orderBy)}`,
        `Limit: ${expr(p.limit)}${p.offset ? ` + offset ${expr(p.offset)}` : ""}`,
        ...(p.filter ? [`Filter: ${expr(p.filter)} (over-fetched until enough rows pass)`] : []),
      );
      break;
    case "vector_join":
      add(
        `Vector Join${p.joinType === "left" ? " Left" : ""} (one index probe per left row, at arrival)`,
        `Parameters: ${p.correlated.map(expr).join(", ")}`,
        ...(p.condition ? [`Join Filter: ${expr(p.condition)}`] : []),
        ...(streaming && !p.leftAppendOnly ? ["State: the output rows of each live left row (to retract them if it is deleted)"] : []),
      );
      // the probe runs per row; shown beneath the left input
      walk(p.left, depth + 1, out, streaming, undefined, states);
      walk(p.probe, depth + 1, out, false);
      return;
    case "lateral_join":
      add(`Nested Loop${p.joinType === "left" ? " Left" : ""} (lateral)`, `Parameters: ${p.correlated.map(expr).join(", ")}`, ...(p.condition ? [`Join Filter: ${expr(p.condition)}`] : []));
      break;
  }
  if (streaming && states) {
    const state = stateOf(p);
    if (state) out.push(detail + state);
  }
  for (const child of children(p)) walk(child, depth + 1, out, streaming, annotate, states);
}

function sortKey(k: SortKey): string {
  return `${expr(k.expr)}${k.desc ? " DESC" : ""}${k.nullsFirst !== k.desc ? (k.nullsFirst ? " NULLS FIRST" : " NULLS LAST") : ""}`;
}

/** A readable rendering of a bound expression (columns as #n, outer values as $outer.n). */
export function expr(e: BoundExpr): string {
  switch (e.kind) {
    case "const":
      return e.value === null ? "NULL" : e.type.id === "unknown" ? `'${String(e.value)}'` : literal(e);
    case "column":
      return `#${e.index}`;
    case "outer":
      return `$outer.${e.index}`;
    case "param":
      return `$${e.index + 1}`;
    case "call":
      return `${userFunctionName(e.fn)}(${e.args.map(expr).join(", ")})`;
    case "cast":
      return `${expr(e.expr)}::${typeName(e.type)}`;
    case "and":
    case "or":
      return `(${e.args.map(expr).join(` ${e.kind.toUpperCase()} `)})`;
    case "not":
      return `NOT ${expr(e.arg)}`;
    case "is_null":
      return `${expr(e.arg)} IS ${e.negated ? "NOT " : ""}NULL`;
    case "is_bool":
      return `${expr(e.arg)} IS ${e.negated ? "NOT " : ""}${e.test.toUpperCase()}`;
    case "case":
      return `CASE ${e.whens.map((w) => `WHEN ${expr(w.when)} THEN ${expr(w.then)}`).join(" ")} ELSE ${expr(e.else)} END`;
    case "in_list":
      return `${expr(e.expr)} ${e.negated ? "NOT " : ""}IN (${e.list.map(expr).join(", ")})`;
    case "coalesce":
    case "greatest":
    case "least":
    case "nullif":
      return `${e.kind.toUpperCase()}(${e.args.map(expr).join(", ")})`;
    case "subquery":
      return `(SubPlan ${e.mode}${e.lhs ? ` ${expr(e.lhs)}` : ""}${e.lhsRow ? ` (${e.lhsRow.map(expr).join(", ")})` : ""})`;
  }
}

function literal(e: BoundExpr & { kind: "const" }): string {
  try {
    const text = formatValue(e.type, e.value);
    return e.type.id === "integer" || e.type.id === "bigint" || e.type.id === "numeric" || e.type.id === "boolean" ? text : `'${text}'`;
  } catch {
    return String(e.value);
  }
}

/** User (javascript) functions are called by "udf.<id>:<name>"; EXPLAIN shows the name. */
function userFunctionName(fn: string): string {
  return fn.startsWith("udf.") && fn.includes(":") ? fn.slice(fn.indexOf(":") + 1) : fn;
}
