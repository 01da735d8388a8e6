// Index-backed nearest-neighbour search: `ORDER BY <expr> <op> <query> LIMIT k` over a table (with
// filters and projections between) becomes a VectorIndexScan when an HNSW index covers <expr> with
// <op>'s operator class and <query> reads no column of the table (constants, parameters, outer
// values). The filters move into the index scan (it over-fetches until k rows pass them); the sort
// and limit stay above it, so the order is exact over the rows the index returns. A LATERAL join
// whose right side became such a probe becomes a VectorJoin (one index probe per left row).

import type { Catalog, IndexEntry } from "../../catalog/index.js";
import { Types } from "../../types/index.js";
import { columnsUsed, mapExpr, visitExpr } from "../bound-expr-walk.js";
import type { BoundExpr, LimitNode, PhysicalPlan, ScanNode, VectorIndexScanNode } from "../physical-plan.js";
import { children, mapPlan } from "../plan-walk.js";

const DISTANCE_OPERATORS = new Set(["<=>", "<->", "<#>"]);

function sameExpr(a: unknown, b: unknown): boolean {
  const s = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? `${v}n` : v instanceof Float32Array ? [...v] : v));
  return s(a) === s(b);
}

function hasSubquery(e: BoundExpr): boolean {
  let found = false;
  visitExpr(e, (x) => {
    if (x.kind === "subquery") found = true;
  });
  return found;
}

/** `e` over the chain's top output, rewritten over the scan's output columns (through projections). */
function throughChain(e: BoundExpr, chain: PhysicalPlan[]): BoundExpr {
  let out = e;
  for (const node of chain) {
    if (node.kind === "project") {
      const exprs = node.exprs;
      out = mapExpr(out, (x) => (x.kind === "column" ? exprs[x.index] : undefined));
    }
  }
  return out;
}

function indexScanFor(limit: LimitNode, catalog: Catalog): PhysicalPlan | undefined {
  const sort = limit.input;
  if (sort.kind !== "sort" || sort.keys.length !== 1 || limit.limit === undefined) return undefined;
  if (limit.limit.kind === "const" && limit.limit.value === null) return undefined;
  const key = sort.keys[0];
  if (key.desc || key.nullsFirst) return undefined;
  // the filters and projections down to a table scan
  const chain: PhysicalPlan[] = [];
  let node: PhysicalPlan = sort.input;
  while (node.kind === "project" || node.kind === "filter") {
    chain.push(node);
    node = node.input;
  }
  if (node.kind !== "scan") return undefined;
  const scan: ScanNode = node;
  const order = throughChain(key.expr, chain);
  if (order.kind !== "call" || order.args.length !== 2 || hasSubquery(order)) return undefined;
  const operator = order.fn.split(":")[0];
  if (!DISTANCE_OPERATORS.has(operator)) return undefined;
  const indexes = catalog.listIndexes(scan.relation).filter((ix) => ix.vector?.operator === operator);
  if (indexes.length === 0) return undefined;
  // the index expression reads table columns; the sort key reads the scan's output columns
  const overTable = (e: BoundExpr): BoundExpr | undefined => {
    let ok = true;
    const mapped = mapExpr(e, (x) => {
      if (x.kind !== "column") return undefined;
      const c = scan.columns[x.index];
      if (c === undefined || c < 0) ok = false;
      return { ...x, index: c };
    });
    return ok ? mapped : undefined;
  };
  for (const [indexed, query] of [
    [order.args[0], order.args[1]],
    [order.args[1], order.args[0]],
  ]) {
    if (columnsUsed(query).size > 0) continue;
    const target = overTable(indexed);
    if (target === undefined) continue;
    const ix: IndexEntry | undefined = indexes.find((i) => sameExpr(i.vector!.expr, target));
    if (!ix) continue;
    const filters: BoundExpr[] = [];
    chain.forEach((n, i) => {
      if (n.kind === "filter") filters.push(throughChain(n.predicate, chain.slice(i + 1)));
    });
    const indexScan: VectorIndexScanNode = {
      kind: "vector_index_scan",
      relation: scan.relation,
      name: scan.name,
      index: ix.id,
      indexName: ix.name,
      columns: scan.columns,
      types: scan.types,
      query,
      operator,
      limit: limit.limit,
      orderBy: order,
      ...(limit.offset ? { offset: limit.offset } : {}),
      ...(filters.length === 1 ? { filter: filters[0] } : filters.length > 1 ? { filter: { kind: "and", args: filters, type: Types.boolean } } : {}),
    };
    // the projections stay (the filters moved into the index scan)
    let input: PhysicalPlan = indexScan;
    for (let i = chain.length - 1; i >= 0; i--) {
      const n = chain[i];
      if (n.kind === "project") input = { ...n, input };
    }
    return { ...limit, input: { ...sort, input } };
  }
  return undefined;
}

/** Whether `p` is a probe: unary nodes over a VectorIndexScan whose query reads outer values. */
function isIndexProbe(p: PhysicalPlan): boolean {
  if (p.kind === "vector_index_scan") {
    let outer = false;
    visitExpr(p.query, (x) => {
      if (x.kind === "outer") outer = true;
    });
    return outer;
  }
  if (p.kind !== "project" && p.kind !== "filter" && p.kind !== "sort" && p.kind !== "limit") return false;
  return children(p).every(isIndexProbe);
}

/** Whether `p` only passes on rows of a stream (append-only: no row is ever deleted). */
function streamOnly(p: PhysicalPlan, catalog: Catalog): boolean {
  if (p.kind === "scan") return catalog.relationById(p.relation)?.kind === "stream";
  if (p.kind === "filter" || p.kind === "project") return streamOnly(p.input, catalog);
  return false;
}

/** Rewrites `plan` to search HNSW indexes where it can (see the header). */
export function useVectorIndexes(plan: PhysicalPlan, catalog: Catalog): PhysicalPlan {
  return mapPlan(plan, (p) => {
    if (p.kind === "limit") return indexScanFor(p, catalog) ?? p;
    if (p.kind === "lateral_join" && isIndexProbe(p.right)) {
      const { left, right, correlated, joinType, types } = p;
      const condition = p.condition?.kind === "const" && p.condition.value === true ? undefined : p.condition;
      return { kind: "vector_join", joinType, left, probe: right, correlated, types, ...(condition ? { condition } : {}), ...(streamOnly(left, catalog) ? { leftAppendOnly: true } : {}) };
    }
    return p;
  });
}
