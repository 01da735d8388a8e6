// EXPLAIN ANALYZE for an ad-hoc query: runs it (model calls included) with the operators'
// counters, then prints the plan with each operator's actual rows in and out, the time spent in
// the operator itself (not in the operators it pushed into), and the state it held at the end.
// Memory: per operator, an estimate of its state (rows x width, see OperatorStats.stateBytes);
// for the whole query, the change in V8 heap use from before to after the run (no GC forced, so
// it is indicative only).

import type * as A from "./parser/index.js";
import { runQueryWithStats, type OperatorStats } from "./executor/index.js";
import { QueryContext, bindQuery, explainPlan, pruneColumns, type PhysicalPlan } from "./planner/index.js";
import { parameterValues } from "./prepared-statement.js";
import { rowsResult, type Session } from "./session.js";
import { Types, type DataType, type StatementResult } from "./types/index.js";

/** EXPLAIN ANALYZE <query>: binds it as a SELECT would, runs it, and returns the annotated plan. */
export async function explainAnalyzeStatement(
  session: Session,
  st: A.SelectStatement,
  sql: string,
  params: unknown[],
  declared: (DataType | undefined)[],
): Promise<StatementResult> {
  const env = session.binderEnv(sql, Array.from({ length: Math.max(params.length, declared.length) }, (_, i) => declared[i] ?? Types.unknown));
  const q = bindQuery(st.query, new QueryContext(env));
  const values = parameterValues(params, env.paramTypes, session.settings.get("timezone"));
  const lines = await explainAnalyze(session, pruneColumns(q.plan), values);
  return rowsResult("EXPLAIN", [{ name: "QUERY PLAN", type: Types.text }], lines.map((l) => [l]));
}

export async function explainAnalyze(session: Session, plan: PhysicalPlan, params: unknown[]): Promise<string[]> {
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const ctx = session.executionContext(params);
  const now = ctx.eval.now;
  const { chunks, stats } = await session.db.models.withModels((ai) => runQueryWithStats(plan, { ...session.executionContext(params, ai), eval: { ...ctx.eval, now } }), undefined, undefined, session.aiBudget());
  const elapsed = performance.now() - started;
  const heapDelta = process.memoryUsage().heapUsed - heapBefore;
  const byNode = new Map<PhysicalPlan, OperatorStats>();
  for (const s of stats) byNode.set(s.node, s);
  const lines = explainPlan(plan, (node) => {
    const s = byNode.get(node);
    if (!s) return { head: "(executed inside its parent)", details: [] };
    const state = s.stateRows > 0 ? [`State: ${s.stateRows} rows, about ${formatBytes(s.stateBytes)}`] : [];
    return { head: `(actual rows in=${s.rowsIn} out=${s.rowsOut} chunks=${s.chunksOut} time=${s.selfMs.toFixed(3)} ms)`, details: state };
  });
  const rows = chunks.reduce((n, c) => n + c.length, 0);
  lines.push(`Rows Returned: ${rows}`);
  lines.push(`Memory: heap ${heapDelta >= 0 ? "+" : "-"}${formatBytes(Math.abs(heapDelta))} over the run (whole query; operators show their state estimate)`);
  lines.push(`Execution Time: ${elapsed.toFixed(3)} ms`);
  return lines;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
