// Projection pushdown: every node asks its inputs only for the columns it uses, so a scan reads
// (and every operator carries) only the columns the query needs. Works top-down: `prune(p, need)`
// returns a plan computing at least the columns `need` of p's output, and where each old output
// column now is. Nodes whose output layout must not change (set operations, recursive CTEs,
// lateral joins, VALUES) keep all their columns but still prune inside their inputs.

import { columnsUsed, mapExpr, remapColumns } from "../bound-expr-walk.js";
import type { BoundExpr, PhysicalPlan, SortKey } from "../physical-plan.js";
import { children, withChildren } from "../plan-walk.js";

interface Pruned {
  plan: PhysicalPlan;
  /** old output column → new output column (defined for every needed column) */
  map: (i: number) => number;
}

const identity = (i: number) => i;

function all(p: PhysicalPlan): number[] {
  return p.types.map((_, i) => i);
}

function used(exprs: (BoundExpr | undefined)[], into = new Set<number>()): Set<number> {
  for (const e of exprs) if (e) columnsUsed(e, into);
  return into;
}

function sorted(s: Iterable<number>): number[] {
  return [...new Set(s)].sort((a, b) => a - b);
}

/** Prunes subquery plans inside an expression (they run on their own). */
function pruneInside(e: BoundExpr): BoundExpr {
  return mapExpr(e, (x) => (x.kind === "subquery" ? { ...x, plan: pruneColumns(x.plan), correlated: x.correlated.map(pruneInside), lhs: x.lhs ? pruneInside(x.lhs) : undefined } : undefined));
}

function remap(e: BoundExpr, map: (i: number) => number): BoundExpr {
  return pruneInside(remapColumns(e, map));
}

function remapKeys(keys: SortKey[], map: (i: number) => number): SortKey[] {
  return keys.map((k) => ({ ...k, expr: remap(k.expr, map) }));
}

/** Keeps every column of `p` but prunes inside its inputs. */
function keepAll(p: PhysicalPlan): Pruned {
  const kids = children(p);
  if (kids.length === 0) return { plan: p, map: identity };
  return { plan: withChildren(p, kids.map((c) => pruneColumns(c))), map: identity };
}

function prune(p: PhysicalPlan, need: number[]): Pruned {
  switch (p.kind) {
    case "scan": {
      const columns = need.map((i) => p.columns[i]);
      const pos = new Map(need.map((i, k) => [i, k]));
      return { plan: { ...p, columns, types: need.map((i) => p.types[i]) }, map: (i) => pos.get(i)! };
    }
    case "filter": {
      const child = prune(p.input, sorted([...need, ...used([p.predicate])]));
      return { plan: { ...p, input: child.plan, predicate: remap(p.predicate, child.map), types: child.plan.types }, map: child.map };
    }
    case "project": {
      const keep = need.length > 0 ? need : [];
      const child = prune(p.input, sorted(used(keep.map((i) => p.exprs[i]))));
      const pos = new Map(keep.map((i, k) => [i, k]));
      const monotone = p.monotone
        ?.filter((m) => pos.has(m.output))
        .map((m) => ({ output: pos.get(m.output)!, input: child.map(m.input) }));
      const exprs = keep.map((i) => remap(p.exprs[i], child.map));
      return { plan: { ...p, input: child.plan, exprs, types: exprs.map((e) => e.type), ...(monotone ? { monotone } : {}) }, map: (i) => pos.get(i)! };
    }
    case "aggregate": {
      const inputs = used([...p.groupBy, ...p.aggregates.flatMap((a) => [...a.args, a.filter, ...(a.orderBy ?? []).map((k) => k.expr)])]);
      const child = prune(p.input, sorted(inputs));
      return {
        plan: {
          ...p,
          input: child.plan,
          groupBy: p.groupBy.map((e) => remap(e, child.map)),
          aggregates: p.aggregates.map((a) => ({ ...a, args: a.args.map((e) => remap(e, child.map)), filter: a.filter ? remap(a.filter, child.map) : undefined, orderBy: a.orderBy ? remapKeys(a.orderBy, child.map) : undefined })),
        },
        map: identity,
      };
    }
    case "join": {
      const lw = p.left.types.length;
      const outLeftOnly = p.joinType === "semi" || p.joinType === "anti";
      const want = new Set(need);
      used([p.condition], want);
      const fromLeft = used(p.leftKeys, new Set([...want].filter((i) => i < lw)));
      const fromRight = used(p.rightKeys, new Set([...want].filter((i) => i >= lw).map((i) => i - lw)));
      const left = prune(p.left, sorted(fromLeft));
      const right = prune(p.right, sorted(fromRight));
      const nl = left.plan.types.length;
      const map = (i: number) => (i < lw ? left.map(i) : nl + right.map(i - lw));
      return {
        plan: {
          ...p,
          left: left.plan,
          right: right.plan,
          leftKeys: p.leftKeys.map((e) => remap(e, left.map)),
          rightKeys: p.rightKeys.map((e) => remap(e, right.map)),
          condition: p.condition ? remap(p.condition, map) : undefined,
          types: outLeftOnly ? left.plan.types : [...left.plan.types, ...right.plan.types],
        },
        map,
      };
    }
    case "sort": {
      const child = prune(p.input, sorted(used(p.keys.map((k) => k.expr), new Set(need))));
      return { plan: { ...p, input: child.plan, keys: remapKeys(p.keys, child.map), types: child.plan.types }, map: child.map };
    }
    case "limit": {
      const child = prune(p.input, need);
      return { plan: { ...p, input: child.plan, types: child.plan.types }, map: child.map };
    }
    case "distinct_on": {
      const child = prune(p.input, sorted(used(p.keys, new Set(need))));
      return { plan: { ...p, input: child.plan, keys: p.keys.map((e) => remap(e, child.map)), types: child.plan.types }, map: child.map };
    }
    case "topn": {
      const m = p.input.types.length;
      const inputNeed = used([...p.partitionBy, ...p.keys.map((k) => k.expr)], new Set(need.filter((i) => i < m)));
      // TopN breaks ties by the whole row: keep every input column so ranks stay the same
      for (let i = 0; i < m; i++) inputNeed.add(i);
      const child = prune(p.input, sorted(inputNeed));
      const mc = child.plan.types.length;
      return {
        plan: { ...p, input: child.plan, partitionBy: p.partitionBy.map((e) => remap(e, child.map)), keys: remapKeys(p.keys, child.map), types: p.rowNumber ? [...child.plan.types, p.types[m]] : child.plan.types },
        map: (i) => (i < m ? child.map(i) : mc + (i - m)),
      };
    }
    case "session_window": {
      const m = p.input.types.length;
      const child = prune(p.input, sorted([...need.filter((i) => i < m), p.timeColumn, ...p.partitionBy]));
      const mc = child.plan.types.length;
      return {
        plan: { ...p, input: child.plan, timeColumn: child.map(p.timeColumn), partitionBy: p.partitionBy.map(child.map), types: [...child.plan.types, p.types[m], p.types[m + 1]] },
        map: (i) => (i < m ? child.map(i) : mc + (i - m)),
      };
    }
    case "temporal_filter": {
      const child = prune(p.input, sorted(used([...p.from, ...p.until], new Set(need))));
      return { plan: { ...p, input: child.plan, from: p.from.map((e) => remap(e, child.map)), until: p.until.map((e) => remap(e, child.map)), types: child.plan.types }, map: child.map };
    }
    case "window": {
      const m = p.input.types.length;
      const inputNeed = new Set(need.filter((i) => i < m));
      for (const f of p.functions) used([...f.args, f.filter, ...f.partitionBy, ...f.orderBy.map((k) => k.expr), f.frame.start.offset, f.frame.end.offset], inputNeed);
      const child = prune(p.input, sorted(inputNeed));
      const mc = child.plan.types.length;
      const functions = p.functions.map((f) => ({
        ...f,
        args: f.args.map((e) => remap(e, child.map)),
        filter: f.filter ? remap(f.filter, child.map) : undefined,
        partitionBy: f.partitionBy.map((e) => remap(e, child.map)),
        orderBy: remapKeys(f.orderBy, child.map),
      }));
      return { plan: { ...p, input: child.plan, functions, types: [...child.plan.types, ...p.functions.map((f) => f.type)] }, map: (i) => (i < m ? child.map(i) : mc + (i - m)) };
    }
    case "ai_map": {
      const m = p.input.types.length;
      const inputs = used(p.calls.flatMap((c) => [c.input, c.options ?? undefined]));
      for (const i of need) if (i < m) inputs.add(i);
      const child = prune(p.input, sorted(inputs));
      const mc = child.plan.types.length;
      const calls = p.calls.map((c) => ({ ...c, input: remap(c.input, child.map), options: c.options ? remap(c.options, child.map) : null }));
      return { plan: { ...p, input: child.plan, calls, types: [...child.plan.types, ...p.calls.map((c) => c.type)] }, map: (i) => (i < m ? child.map(i) : mc + (i - m)) };
    }
    default:
      return keepAll(p);
  }
}

/** The plan with every node computing only the columns something above it uses. */
export function pruneColumns(plan: PhysicalPlan): PhysicalPlan {
  const r = prune(plan, all(plan));
  // every output was needed, so the layout at the top is unchanged unless a node kept extra
  // columns (a filter or sort passes its input's through): project them away
  if (r.plan.types.length === plan.types.length && plan.types.every((_, i) => r.map(i) === i)) return r.plan;
  const exprs: BoundExpr[] = plan.types.map((t, i) => ({ kind: "column", index: r.map(i), type: t }));
  return { kind: "project", input: r.plan, exprs, types: plan.types };
}
