// Interval joins: an inner join whose residual condition bounds one side's time column by the
// other's plus a constant (`b.ts BETWEEN a.ts - INTERVAL '10 seconds' AND a.ts`, or the same with
// >=, <=, >, < written either way round) can drop stored rows once the other input's watermark
// shows that no future row can match them. This pass finds such conjuncts and records them on the
// JoinNode (`stateCleanup`); the hash join applies them at barriers.
//
// A conjunct `lo(A) <= hi(B)` (or `<`), lo and hi each a monotone (non-decreasing) expression of
// one time column — the column itself, or it plus or minus a constant — makes a stored B row
// useless once hi(row) < lo(watermark of A's column): every future A row has a column value at
// or above that watermark, so lo of it is at least lo(watermark). The row is only dropped when it
// is also behind its own side's watermark, so no delete of it can still arrive (an updating
// input, such as an aggregate, retracts only rows at or above its watermark).
// Outer, semi and anti joins get no cleanup (their NULL-extended / unmatched output would need
// deciding at eviction); nor do lookup joins.

import { columnsUsed, remapColumns } from "./bound-expr-walk.js";
import type { BoundExpr, JoinCleanupBound, JoinNode, PhysicalPlan } from "./physical-plan.js";
import { mapPlan } from "./plan-walk.js";

/** The one column a monotone non-decreasing expression depends on (col, col ± const, const + col). */
function monotoneColumn(e: BoundExpr): number | undefined {
  if (e.kind === "column") return e.index;
  if (e.kind !== "call" || e.args.length !== 2) return undefined;
  const op = e.fn.split(":")[0];
  const [a, b] = e.args;
  const isConst = (x: BoundExpr) => x.kind === "const" && x.value !== null && x.value !== undefined;
  if (op === "+") {
    if (isConst(b)) return monotoneColumn(a);
    if (isConst(a)) return monotoneColumn(b);
  }
  if (op === "-" && isConst(b)) return monotoneColumn(a);
  return undefined;
}

function conjuncts(e: BoundExpr, out: BoundExpr[] = []): BoundExpr[] {
  if (e.kind === "and") for (const a of e.args) conjuncts(a, out);
  else out.push(e);
  return out;
}

/** The cleanup bounds an inner join's residual condition allows, or undefined. */
export function intervalJoinCleanup(node: JoinNode): JoinNode["stateCleanup"] {
  if (node.joinType !== "inner" || node.lookup === true || node.condition === undefined) return undefined;
  const lw = node.left.types.length;
  const left: JoinCleanupBound[] = [];
  const right: JoinCleanupBound[] = [];
  for (const c of conjuncts(node.condition)) {
    if (c.kind !== "call" || c.args.length !== 2) continue;
    const op = c.fn.split(":")[0];
    let lo: BoundExpr;
    let hi: BoundExpr;
    if (op === "<" || op === "<=") [lo, hi] = c.args;
    else if (op === ">" || op === ">=") [hi, lo] = c.args;
    else continue;
    if (lo.type.id !== hi.type.id) continue;
    const loCol = monotoneColumn(lo);
    const hiCol = monotoneColumn(hi);
    if (loCol === undefined || hiCol === undefined) continue;
    if (columnsUsed(lo).size !== 1 || columnsUsed(hi).size !== 1) continue;
    const loLeft = loCol < lw;
    const hiLeft = hiCol < lw;
    if (loLeft === hiLeft) continue; // both on one side: not a bound between the inputs
    // stored rows of hi's side are dropped once hi(row) < lo(watermark of lo's column)
    const bound: JoinCleanupBound = {
      column: hiLeft ? hiCol : hiCol - lw,
      rowExpr: remapColumns(hi, () => 0),
      otherColumn: loLeft ? loCol : loCol - lw,
      otherExpr: remapColumns(lo, () => 0),
    };
    (hiLeft ? left : right).push(bound);
  }
  if (left.length === 0 && right.length === 0) return undefined;
  return { ...(left.length ? { left } : {}), ...(right.length ? { right } : {}) };
}

/** Records `stateCleanup` on every join of a continuous plan that is an interval join (run after column pruning). */
export function withIntervalJoinCleanup(plan: PhysicalPlan): PhysicalPlan {
  return mapPlan(plan, (p) => {
    if (p.kind !== "join") return p;
    const stateCleanup = intervalJoinCleanup(p);
    if (stateCleanup === undefined) {
      if (p.stateCleanup === undefined) return p;
      const { stateCleanup: _drop, ...rest } = p;
      return rest;
    }
    return { ...p, stateCleanup };
  });
}
