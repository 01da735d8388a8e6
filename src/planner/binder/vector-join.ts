// VECTOR JOIN sugar: `left VECTOR JOIN right [AS r] ON <vector over r> <op> <vector over left> TOP k`
// is the pgvector form
//   left JOIN LATERAL (SELECT r.*, <vector over r> <op> <vector over left> AS distance
//                      FROM right [AS r] ORDER BY distance LIMIT k) r ON true
// so both bind (and plan, with an HNSW index, to one VectorJoin) the same way. The distance is a
// column of the right side, `r.distance`. Which operand reads the right side is told by their
// qualified column references; unqualified, the first operand is taken to be the right side's.

import type * as A from "../../parser/index.js";
import { SqlError, SqlState } from "../../types/index.js";

const OPERATORS = new Set(["<->", "<=>", "<#>", "<+>"]);

function qualifiers(e: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(e)) {
    for (const x of e) qualifiers(x, out);
  } else if (e !== null && typeof e === "object") {
    const o = e as { kind?: string; parts?: string[] };
    if (o.kind === "column_ref" && o.parts && o.parts.length >= 2) out.add(o.parts[o.parts.length - 2]);
    else if (o.kind === "subquery" || o.kind === "exists") return out;
    for (const v of Object.values(o)) if (v !== null && typeof v === "object") qualifiers(v, out);
  }
  return out;
}

function nameOf(item: A.FromItem): string | undefined {
  if (item.kind === "table") return item.alias?.name ?? item.name.parts[item.name.parts.length - 1];
  if (item.kind === "subquery" || item.kind === "function") return item.alias?.name;
  return undefined;
}

export function vectorJoinAsLateral(item: A.VectorJoinRef): A.JoinRef {
  const on = item.on;
  if (on.kind !== "binary" || !OPERATORS.has(on.op)) {
    throw new SqlError(SqlState.SyntaxError, "VECTOR JOIN ... ON needs a distance between two vectors (<->, <=>, <#> or <+>)", { position: on.pos ?? item.pos });
  }
  const alias = nameOf(item.right);
  if (alias === undefined) {
    throw new SqlError(SqlState.SyntaxError, "the right side of VECTOR JOIN needs a name", { position: item.pos, hint: "Give it an alias: VECTOR JOIN docs d ON ..." });
  }
  const a = qualifiers(on.left).has(alias);
  const b = qualifiers(on.right).has(alias);
  const distance: A.BinaryExpr = !a && b ? { ...on, left: on.right, right: on.left } : on;
  const query: A.Query = {
    kind: "query",
    body: {
      kind: "select",
      items: [{ expr: { kind: "star", table: [alias] } }, { expr: distance, alias: "distance" }],
      from: [item.right],
      groupBy: [],
      windows: [],
    },
    orderBy: [{ expr: distance, direction: "asc" }],
    limit: item.top,
  };
  const right: A.SubqueryRef = { kind: "subquery", query, alias: { name: alias }, lateral: true, pos: item.pos };
  return { kind: "join", joinType: "inner", natural: false, left: item.left, right, on: { kind: "literal", value: { type: "boolean", value: true } }, pos: item.pos };
}
