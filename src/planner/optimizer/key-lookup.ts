// Key lookups: a filter over a table scan that requires a one-column unique key (the primary key
// or a UNIQUE column) to equal a constant or a parameter, `WHERE id = 42` / `WHERE id = $1`,
// marks the scan with keyEquals so that it reads just that row through the key's index instead
// of every row. The filter stays: it still decides (NULLs, the other conjuncts), so the rule only
// narrows what is read. Only key types whose equality is their index key's identity qualify
// (integers, text, varchar).

import type { Catalog } from "../../catalog/index.js";
import type { BoundExpr, ConstExpr, ParamRefExpr, PhysicalPlan, ScanNode } from "../physical-plan.js";

const KEY_TYPES = new Set(["smallint", "integer", "bigint", "text", "varchar"]);

/** `plan` with the scans under qualifying filters marked for key lookup. */
export function useKeyLookups(plan: PhysicalPlan, catalog: Catalog): PhysicalPlan {
  return rewrite(plan, catalog) as PhysicalPlan;
}

/** The properties of plan nodes that hold their input plans (see physical-plan.ts). */
const CHILD_KEYS = ["input", "left", "right", "base", "recursive"] as const;

function rewrite(node: PhysicalPlan, catalog: Catalog): PhysicalPlan {
  // children first
  let out: PhysicalPlan = node;
  const fields = node as unknown as Record<string, unknown>;
  for (const k of CHILD_KEYS) {
    const v = fields[k] as PhysicalPlan | undefined;
    if (v === undefined || typeof v !== "object" || v === null || !("kind" in v)) continue;
    const r = rewrite(v, catalog);
    if (r !== v) out = { ...out, [k]: r } as PhysicalPlan;
  }
  const inputs = fields.inputs as PhysicalPlan[] | undefined;
  if (Array.isArray(inputs)) {
    const rs = inputs.map((c) => rewrite(c, catalog));
    if (rs.some((r, i) => r !== inputs[i])) out = { ...out, inputs: rs } as PhysicalPlan;
  }
  if (out.kind !== "filter") return out;
  // the binder stacks a WHERE's conjuncts as filters: look through them to the scan
  const predicates: BoundExpr[] = [];
  let below: PhysicalPlan = out;
  while (below.kind === "filter") {
    predicates.push(below.predicate);
    below = below.input;
  }
  if (below.kind !== "scan" || below.keyEquals !== undefined) return out;
  const scan = below;
  const key = keyCondition({ kind: "and", args: predicates, type: out.predicate.type }, scan, catalog);
  return key ? withScan(out, { ...scan, keyEquals: key }) : out;
}

/** `filters` (a chain of filters over a scan) over `scan` instead. */
function withScan(filters: PhysicalPlan, scan: ScanNode): PhysicalPlan {
  return filters.kind === "filter" ? { ...filters, input: withScan(filters.input, scan) } : scan;
}

function conjuncts(e: BoundExpr): BoundExpr[] {
  return e.kind === "and" ? e.args.flatMap(conjuncts) : [e];
}

function keyCondition(predicate: BoundExpr, scan: ScanNode, catalog: Catalog): ScanNode["keyEquals"] {
  const rel = catalog.relationById(scan.relation);
  if (!rel || (rel.kind !== "table" && rel.kind !== "stream")) return undefined;
  const keys = [...(rel.primaryKey ? [rel.primaryKey] : []), ...(rel.uniques ?? [])].filter((k) => k.length === 1).map((k) => k[0]);
  if (keys.length === 0) return undefined;
  for (const c of conjuncts(predicate)) {
    if (c.kind !== "call" || !c.fn.startsWith("=:") || c.args.length !== 2) continue;
    for (const [side, val] of [
      [c.args[0], c.args[1]],
      [c.args[1], c.args[0]],
    ]) {
      // a varchar key compares as text: `code::text = 'x'` (the cast keeps the value)
      const col = side.kind === "cast" && side.type.id === "text" && side.expr.kind === "column" && side.expr.type.id === "varchar" ? side.expr : side;
      if (col.kind !== "column" || (val.kind !== "const" && val.kind !== "param")) continue;
      const relColumn = scan.columns[col.index];
      if (relColumn === undefined || !keys.includes(relColumn)) continue;
      const type = rel.columns[relColumn].type;
      if (!KEY_TYPES.has(type.id) || col.type.id !== type.id || val.type.id !== (col === side ? type.id : "text")) continue;
      return { column: relColumn, value: val as ConstExpr | ParamRefExpr };
    }
  }
  return undefined;
}
