// Walking physical plans: a node's inputs, and the same node over new inputs. The one place that
// knows which fields of each node kind hold its inputs.

import type { PhysicalPlan } from "./physical-plan.js";

export function children(p: PhysicalPlan): PhysicalPlan[] {
  switch (p.kind) {
    case "filter":
    case "project":
    case "aggregate":
    case "sort":
    case "limit":
    case "distinct_on":
    case "window":
    case "topn":
    case "session_window":
    case "temporal_filter":
    case "ai_map":
      return [p.input];
    case "vector_join":
      return [p.left];
    case "join":
    case "set_op":
    case "lateral_join":
      return [p.left, p.right];
    case "recursive_cte":
      return [p.base, p.recursive];
    case "union_all":
      return p.inputs;
    default:
      return [];
  }
}

/** `p` with its inputs replaced by `kids` (in the order children() lists them). */
export function withChildren(p: PhysicalPlan, kids: PhysicalPlan[]): PhysicalPlan {
  switch (p.kind) {
    case "filter":
    case "project":
    case "aggregate":
    case "sort":
    case "limit":
    case "distinct_on":
    case "window":
    case "topn":
    case "session_window":
    case "temporal_filter":
    case "ai_map":
      return { ...p, input: kids[0] } as PhysicalPlan;
    case "vector_join":
      return { ...p, left: kids[0] };
    case "join":
    case "set_op":
    case "lateral_join":
      return { ...p, left: kids[0], right: kids[1] } as PhysicalPlan;
    case "recursive_cte":
      return { ...p, base: kids[0], recursive: kids[1] };
    case "union_all":
      return { ...p, inputs: kids };
    default:
      return p;
  }
}

/** Rebuilds a plan bottom-up with `f` applied to every node. */
export function mapPlan(p: PhysicalPlan, f: (p: PhysicalPlan) => PhysicalPlan): PhysicalPlan {
  const kids = children(p);
  return f(kids.length ? withChildren(p, kids.map((c) => mapPlan(c, f))) : p);
}
