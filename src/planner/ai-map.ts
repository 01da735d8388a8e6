// Where a continuous query calls a remote model: EMBED/GENERATE with any model but the embedded one
// cannot be answered inside an expression kernel (the call is a network round trip), so in a
// continuous query each such call is lifted out of its projection, filter or aggregation into an `ai_map` node
// below it, which the executor runs as the async AI map operator; the expression then reads the
// column the node appends. Calls nested in calls (GENERATE(... EMBED(...) ...)) become stacked
// nodes, innermost first. Plan data only: which calls, on which model, over which expressions.

import { EMBEDDED_MODEL } from "./binder/expressions.js";
import { mapExpr, visitExpr } from "./bound-expr-walk.js";
import { children, mapPlan } from "./plan-walk.js";
import type { AiMapCall, BoundExpr, PhysicalPlan } from "./physical-plan.js";

/** The remote models a continuous plan's async AI map nodes call (DROP MODEL refuses while one does). */
export function remoteModelsCalled(plan: PhysicalPlan, out = new Set<string>()): Set<string> {
  if (plan.kind === "ai_map") for (const c of plan.calls) out.add(c.model);
  for (const c of children(plan)) remoteModelsCalled(c, out);
  return out;
}

/** A call that needs the async operator: a model call other than the embedded model's EMBED. */
export function isRemoteModelCall(e: BoundExpr): boolean {
  if (e.kind !== "call" || !e.fn.startsWith("ai.")) return false;
  const model = e.args[1]?.kind === "const" ? String(e.args[1].value) : "";
  return !(e.fn === "ai.embed" && model === EMBEDDED_MODEL);
}

/** Whether `e` holds a remote model call (after lifting: one in a place the rewrite does not reach, a join condition or an aggregate's argument). */
export function containsRemoteCall(e: BoundExpr): boolean {
  let found = false;
  visitExpr(e, (x) => {
    if (isRemoteModelCall(x)) found = true;
  });
  return found;
}

/**
 * Lifts the innermost remote calls of `exprs` over `input` into ai_map nodes, until none is left;
 * returns the new input and the expressions reading the appended columns.
 */
/** Whether `p` can emit deletes: anything but appends to streams passed through stateless nodes. */
function mayRetract(p: PhysicalPlan, appendOnly: (relation: string) => boolean): boolean {
  switch (p.kind) {
    case "scan":
      return !appendOnly(p.relation);
    case "values":
    case "empty":
    case "table_function":
      return false;
    case "filter":
    case "project":
    case "ai_map":
      return mayRetract(p.input, appendOnly);
    case "union_all":
      return p.inputs.some((i) => mayRetract(i, appendOnly));
    case "join":
      return p.lookup === true ? mayRetract(p.left, appendOnly) : true;
    default:
      return true;
  }
}

function liftCalls(input: PhysicalPlan, exprs: BoundExpr[], appendOnly: (relation: string) => boolean): { input: PhysicalPlan; exprs: BoundExpr[] } {
  let current = input;
  let out = exprs;
  while (out.some(containsRemoteCall)) {
    const width = current.types.length;
    const calls: AiMapCall[] = [];
    const seen = new Map<string, number>();
    out = out.map((e) =>
      mapExpr(e, (x) => {
        if (x.kind !== "call" || !isRemoteModelCall(x) || x.args.some(containsRemoteCall)) return undefined;
        // the same call twice in a row (SELECT GENERATE(t), length(GENERATE(t))) is asked once
        const key = JSON.stringify(x);
        let slot = seen.get(key);
        if (slot === undefined) {
          slot = calls.length;
          seen.set(key, slot);
          calls.push({
            kind: x.fn === "ai.embed" ? "embed" : "generate",
            model: String((x.args[1] as { value: unknown }).value),
            input: x.args[0],
            options: x.args[2] ?? null,
            type: x.type,
          });
        }
        return { kind: "column", index: width + slot, type: x.type };
      }),
    );
    current = { kind: "ai_map", input: current, calls, retractable: mayRetract(current, appendOnly), types: [...current.types, ...calls.map((c) => c.type)] };
  }
  return { input: current, exprs: out };
}

/**
 * The continuous plan with every remote model call in a projection or filter moved into ai_map
 * nodes. `appendOnly` tells which relations only ever append (streams); by default none.
 */
export function liftModelCalls(plan: PhysicalPlan, appendOnly: (relation: string) => boolean = () => false): PhysicalPlan {
  return mapPlan(plan, (node) => {
    if (node.kind === "project") {
      if (!node.exprs.some(containsRemoteCall)) return node;
      const lifted = liftCalls(node.input, node.exprs, appendOnly);
      return { ...node, input: lifted.input, exprs: lifted.exprs };
    }
    if (node.kind === "filter") {
      if (!containsRemoteCall(node.predicate)) return node;
      const lifted = liftCalls(node.input, [node.predicate], appendOnly);
      // the filter passes the appended answer columns through: a projection drops them again
      const filter: PhysicalPlan = { kind: "filter", input: lifted.input, predicate: lifted.exprs[0], types: lifted.input.types };
      return { kind: "project", input: filter, exprs: node.types.map((type, index) => ({ kind: "column", index, type })), types: node.types };
    }
    if (node.kind === "aggregate") {
      // GROUP BY GENERATE(...) (classify, then count): the calls go below the aggregation
      const exprs = [...node.groupBy, ...node.aggregates.flatMap((agg) => [...agg.args, ...(agg.filter ? [agg.filter] : [])])];
      if (!exprs.some(containsRemoteCall)) return node;
      const lifted = liftCalls(node.input, exprs, appendOnly);
      let k = 0;
      const next = () => lifted.exprs[k++];
      const groupBy = node.groupBy.map(next);
      const aggregates = node.aggregates.map((agg) => ({ ...agg, args: agg.args.map(next), ...(agg.filter ? { filter: next() } : {}) }));
      return { ...node, input: lifted.input, groupBy, aggregates };
    }
    return node;
  });
}
