// Fragments and exchanges: a continuous query's plan cut into pieces that run as P partition
// instances each, joined by exchanges that move rows to the partition that needs them (DESIGN.md
// "Server and cluster"). An exchange goes in wherever an operator needs a distribution its input
// does not have: hash(group keys) under a grouped aggregate, hash(join keys) on both sides of an
// equi-join, hash(partition keys) under windows and per-partition top-N, one partition (`single`)
// under what needs all rows (global aggregates, a plain top-N, non-equi joins, anything not known
// to be safe: correct before parallel). Relations are read by source fragments whose partitions
// each keep the rows of their own vnodes. The top is a materialize fragment whose partitions hold
// the view's rows, placed by the rows' values so that a row and its retraction meet (and SUBSCRIBE
// gathers the same net changes as one process).
// The result is plain data (it travels to workers); encodeFragmentGraph keeps the SQL values in
// constants (bigint, numeric, interval, ...) that JSON alone would lose.

import { Decimal, Interval, Jsonb, SqlError, SqlState } from "../types/index.js";
import type { BoundExpr, PhysicalPlan, ProjectNode } from "./physical-plan.js";
import { children, mapPlan, withChildren } from "./plan-walk.js";

/** How an exchange places rows: by the vnode of some columns, all on partition 0, or on every partition. */
export type Distribution = { kind: "hash"; columns: number[] } | { kind: "single" } | { kind: "broadcast" };

export interface FragmentOutput {
  exchange: number;
  distribution: Distribution;
}

export interface Fragment {
  id: number;
  /** its operators; leaves are scans (change feeds of `sources`), exchange sources and constants */
  plan: PhysicalPlan;
  parallelism: number;
  /** ids of the relations it reads (the relation ids change chunks are published under) */
  sources: string[];
  /**
   * per relation read, the relation columns whose vnode places its rows (its primary key), or
   * null for its fixed-width columns (all of them when it has none): see executor/vnode.ts
   * relationVnodes, which whoever partitions a relation's changes must use
   */
  sourceKeys: Record<string, number[] | null>;
  output: FragmentOutput | "materialize";
}

export interface ExchangeEdge {
  id: number;
  from: number;
  to: number;
  distribution: Distribution;
}

export interface FragmentGraph {
  fragments: Fragment[];
  exchanges: ExchangeEdge[];
}

export interface FragmentOptions {
  /** a relation's primary key columns (absent: rows are placed by all of their columns) */
  primaryKey?: (relation: string) => number[] | undefined;
}

/** The most partitions a fragment may run as (one vnode each at least). */
export const MAX_PARALLELISM = 256;

/** Checks a parallelism given by a user (WITH (parallelism = n), SET streaming_parallelism): 22023 unless 1..256. */
export function checkParallelism(value: unknown, what = "parallelism", position?: number): number {
  const text = String(value).trim();
  const n = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARALLELISM) {
    throw new SqlError(SqlState.InvalidParameterValue, `invalid value for ${what}: "${String(value)}"`, { position, hint: `Give a whole number from 1 to ${MAX_PARALLELISM}.` });
  }
  return n;
}

// ───────────────────────────── planning ─────────────────────────────

/** Where the rows of an open (not yet cut) subtree are, across the partitions of its fragment. */
type Placement = { kind: "any" } | { kind: "hash"; columns: number[] } | { kind: "single" };

interface Open {
  plan: PhysicalPlan;
  placement: Placement;
  /** its fragment must run as one partition (it holds constants, or gathers all rows) */
  single: boolean;
  /** exchanges its exchange sources read (their `to` is set when its fragment is closed) */
  inputs: number[];
}

interface Building {
  plan: PhysicalPlan;
  single: boolean;
  output: FragmentOutput | "materialize";
}

const column = (index: number, types: PhysicalPlan["types"]): BoundExpr => ({ kind: "column", index, type: types[index] });
const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

class Fragmenter {
  readonly built: Building[] = [];
  readonly edges: { from: number; to: number; distribution: Distribution }[] = [];

  constructor(private readonly options: FragmentOptions) {}

  /** Closes `open` as a fragment sending to a new exchange; returns the exchange source reading it. */
  cut(open: Open, distribution: Distribution): Open {
    const exchange = this.edges.length;
    const from = this.close(open, { exchange, distribution });
    this.edges.push({ from, to: -1, distribution });
    const plan: PhysicalPlan = { kind: "exchange_source", exchange, types: open.plan.types };
    const placement: Placement = distribution.kind === "hash" ? { kind: "hash", columns: distribution.columns } : distribution.kind === "single" ? { kind: "single" } : { kind: "any" };
    return { plan, placement, single: distribution.kind === "single", inputs: [exchange] };
  }

  close(open: Open, output: FragmentOutput | "materialize"): number {
    const id = this.built.length;
    this.built.push({ plan: open.plan, single: open.single, output });
    for (const e of open.inputs) this.edges[e].to = id;
    return id;
  }

  /** `open` run as one partition: as it is when it already is, else gathered through an exchange. */
  toSingle(open: Open): Open {
    return open.single ? open : this.cut(open, { kind: "single" });
  }

  /**
   * `open` placed so that rows with equal `keys` share a partition. `exact`: placed by exactly
   * these keys in this order (the two sides of a join must agree); else by any subset of them.
   * Keys that are not plain columns are computed into extra columns before the exchange and
   * dropped after it.
   */
  hashOn(open: Open, keys: BoundExpr[], exact: boolean): Open {
    const cols = keys.every((k) => k.kind === "column") ? keys.map((k) => (k as { index: number }).index) : null;
    if (cols !== null && !open.single && open.placement.kind === "hash") {
      const have = open.placement.columns;
      const ok = exact ? have.length === cols.length && have.every((c, i) => c === cols[i]) : have.length > 0 && have.every((c) => cols.includes(c));
      if (ok) return open;
    }
    if (cols !== null) return this.cut(open, { kind: "hash", columns: cols });
    const types = open.plan.types;
    const n = types.length;
    const extended: ProjectNode = {
      kind: "project",
      input: open.plan,
      exprs: [...types.map((_, i) => column(i, types)), ...keys],
      types: [...types, ...keys.map((k) => k.type)],
    };
    const received = this.cut({ ...open, plan: extended }, { kind: "hash", columns: range(n, keys.length) });
    const strip: ProjectNode = { kind: "project", input: received.plan, exprs: types.map((_, i) => column(i, extended.types)), types: [...types] };
    return { ...received, plan: strip, placement: { kind: "any" } };
  }

  /** Puts several open subtrees in one fragment (a join's or a union's inputs): all single or none. */
  together(opens: Open[], distributionForSingle: (o: Open) => Distribution): Open[] {
    if (opens.every((o) => o.single) || opens.every((o) => !o.single)) return opens;
    return opens.map((o) => (o.single ? this.cut(o, distributionForSingle(o)) : o));
  }

  visit(node: PhysicalPlan): Open {
    const wrap = (child: Open, plan: PhysicalPlan, placement: Placement = child.placement): Open => ({ ...child, plan, placement });
    switch (node.kind) {
      case "scan": {
        const pk = this.options.primaryKey?.(node.relation);
        let placement: Placement = { kind: "any" };
        if (pk && pk.length > 0 && pk.every((c) => node.columns.includes(c))) placement = { kind: "hash", columns: pk.map((c) => node.columns.indexOf(c)) };
        return { plan: node, placement, single: false, inputs: [] };
      }
      case "empty":
        return { plan: node, placement: { kind: "any" }, single: false, inputs: [] };
      case "values":
      case "table_function":
        // constants: produced once, by one partition
        return { plan: node, placement: { kind: "single" }, single: true, inputs: [] };
      case "filter":
      case "temporal_filter":
      case "ai_map": {
        const c = this.visit(node.input);
        return wrap(c, { ...node, input: c.plan });
      }
      case "vector_join": {
        const c = this.visit(node.left);
        return wrap(c, { ...node, left: c.plan });
      }
      case "project": {
        const c = this.visit(node.input);
        let placement: Placement = c.placement;
        if (placement.kind === "hash") {
          const out: number[] = [];
          for (const col of placement.columns) {
            const j = node.exprs.findIndex((e) => e.kind === "column" && e.index === col);
            if (j < 0) break;
            out.push(j);
          }
          placement = out.length === placement.columns.length ? { kind: "hash", columns: out } : { kind: "any" };
        }
        return wrap(c, { ...node, input: c.plan }, placement);
      }
      case "aggregate": {
        const c = this.visit(node.input);
        if (node.groupBy.length === 0) {
          const s = this.toSingle(c);
          return wrap(s, { ...node, input: s.plan }, { kind: "single" });
        }
        const h = this.hashOn(c, node.groupBy, false);
        return wrap(h, { ...node, input: h.plan }, { kind: "hash", columns: range(0, node.groupBy.length) });
      }
      case "join": {
        let l = this.visit(node.left);
        let r = this.visit(node.right);
        if (node.leftKeys.length === 0 || node.lookup) {
          // a nested loop needs every pair; a lookup join sees the table as it stands at each arrival
          l = this.toSingle(l);
          r = this.toSingle(r);
          return { plan: { ...node, left: l.plan, right: r.plan }, placement: { kind: "single" }, single: true, inputs: [...l.inputs, ...r.inputs] };
        }
        l = this.hashOn(l, node.leftKeys, true);
        r = this.hashOn(r, node.rightKeys, true);
        const lw = node.left.types.length;
        const keyCols = (keys: BoundExpr[], offset: number): Placement =>
          keys.every((k) => k.kind === "column") ? { kind: "hash", columns: keys.map((k) => (k as { index: number }).index + offset) } : { kind: "any" };
        // rows of the preserved side keep their keys; NULL-extended ones do not
        const placement: Placement =
          node.joinType === "inner" || node.joinType === "left" || node.joinType === "semi" || node.joinType === "anti"
            ? keyCols(node.leftKeys, 0)
            : node.joinType === "right"
              ? keyCols(node.rightKeys, lw)
              : { kind: "any" };
        return { plan: { ...node, left: l.plan, right: r.plan }, placement, single: false, inputs: [...l.inputs, ...r.inputs] };
      }
      case "set_op": {
        const all = (o: Open) => o.plan.types.map((_, i) => column(i, o.plan.types));
        const lo = this.visit(node.left);
        const ro = this.visit(node.right);
        const l = this.hashOn(lo, all(lo), true);
        const r = this.hashOn(ro, all(ro), true);
        return { plan: { ...node, left: l.plan, right: r.plan }, placement: { kind: "hash", columns: range(0, node.types.length) }, single: false, inputs: [...l.inputs, ...r.inputs] };
      }
      case "union_all": {
        if (node.inputs.length === 0) return { plan: node, placement: { kind: "any" }, single: false, inputs: [] };
        const ins = this.together(
          node.inputs.map((i) => this.visit(i)),
          (o) => ({ kind: "hash", columns: range(0, o.plan.types.length) }),
        );
        const first = ins[0].placement;
        const same = ins.every((o) => o.placement.kind === first.kind && (first.kind !== "hash" || (o.placement.kind === "hash" && o.placement.columns.join() === first.columns.join())));
        return {
          plan: { ...node, inputs: ins.map((o) => o.plan) },
          placement: same ? first : { kind: "any" },
          single: ins[0].single,
          inputs: ins.flatMap((o) => o.inputs),
        };
      }
      case "window": {
        const c = this.visit(node.input);
        const parts = node.functions.map((f) => JSON.stringify(f.partitionBy));
        if (node.functions.length > 0 && node.functions[0].partitionBy.length > 0 && parts.every((p) => p === parts[0])) {
          const h = this.hashOn(c, node.functions[0].partitionBy, false);
          return wrap(h, { ...node, input: h.plan });
        }
        const s = this.toSingle(c);
        return wrap(s, { ...node, input: s.plan });
      }
      case "topn": {
        const c = this.visit(node.input);
        const h = node.partitionBy.length > 0 ? this.hashOn(c, node.partitionBy, false) : this.toSingle(c);
        return wrap(h, { ...node, input: h.plan });
      }
      case "session_window": {
        const c = this.visit(node.input);
        const types = node.input.types;
        const h = node.partitionBy.length > 0 ? this.hashOn(c, node.partitionBy.map((i) => column(i, types)), false) : this.toSingle(c);
        return wrap(h, { ...node, input: h.plan });
      }
      default: {
        // anything else (not expected in a continuous query): all of it in one partition
        const kids = children(node).map((k) => this.toSingle(this.visit(k)));
        if (kids.length === 0) return { plan: node, placement: { kind: "single" }, single: true, inputs: [] };
        return { plan: withChildren(node, kids.map((k) => k.plan)), placement: { kind: "single" }, single: true, inputs: kids.flatMap((k) => k.inputs) };
      }
    }
  }
}

/** The leaves of a plan that read relations (change feeds), in preorder. */
function scansOf(plan: PhysicalPlan): string[] {
  const out: string[] = [];
  const visit = (p: PhysicalPlan): void => {
    if (p.kind === "scan" && !out.includes(p.relation)) out.push(p.relation);
    for (const c of children(p)) visit(c);
  };
  visit(plan);
  return out;
}

/** The exchanges a plan's exchange sources read, in preorder. */
export function exchangeInputs(plan: PhysicalPlan): number[] {
  const out: number[] = [];
  const visit = (p: PhysicalPlan): void => {
    if (p.kind === "exchange_source") out.push(p.exchange);
    for (const c of children(p)) visit(c);
  };
  visit(plan);
  return out;
}

/**
 * Whether barriers enter this fragment at its own leaves (relation change feeds, constants) and so
 * must be injected into its instances with barrier(); fragments that only read exchanges get them
 * from upstream.
 */
export function injectsBarriers(fragment: Fragment): boolean {
  let local = false;
  const visit = (p: PhysicalPlan): void => {
    const kids = children(p);
    if (kids.length === 0 && p.kind !== "exchange_source") local = true;
    for (const c of kids) visit(c);
  };
  visit(fragment.plan);
  return local;
}

/** Whether some fragment's result depends on the clock (temporal filters): barriers must tick for it even without input. */
export function readsClock(graph: FragmentGraph): boolean {
  let found = false;
  const visit = (p: PhysicalPlan): void => {
    if (p.kind === "temporal_filter") found = true;
    for (const c of children(p)) visit(c);
  };
  for (const f of graph.fragments) visit(f.plan);
  return found;
}

/** Cuts a continuous query's (streaming) plan into fragments run as `parallelism` partitions each. */
export function fragmentPlan(plan: PhysicalPlan, parallelism: number, options: FragmentOptions = {}): FragmentGraph {
  checkParallelism(parallelism);
  const f = new Fragmenter(options);
  let top = f.visit(plan);
  // the view's rows are placed by their values: in place when the top already is (by some of its
  // columns), else through one more exchange
  if (top.single || top.placement.kind !== "hash" || top.placement.columns.length === 0) {
    top = f.cut(top, { kind: "hash", columns: range(0, plan.types.length) });
    top.single = false;
  }
  f.close(top, "materialize");
  return number(f, parallelism, options);
}

/** Numbers fragments and exchanges from the top down (the materialize fragment is 0), as EXPLAIN reads. */
function number(f: Fragmenter, parallelism: number, options: FragmentOptions): FragmentGraph {
  const topId = f.built.length - 1;
  const order: number[] = [topId];
  const exchangeOrder: number[] = [];
  for (let i = 0; i < order.length; i++) {
    for (const e of exchangeInputs(f.built[order[i]].plan)) {
      exchangeOrder.push(e);
      order.push(f.edges[e].from);
    }
  }
  const fragId = new Map(order.map((old, i) => [old, i]));
  const exId = new Map(exchangeOrder.map((old, i) => [old, i]));
  const fragments: Fragment[] = order.map((old, id) => {
    const b = f.built[old];
    const p = mapPlan(b.plan, (n) => (n.kind === "exchange_source" ? { ...n, exchange: exId.get(n.exchange)! } : n));
    const sources = scansOf(p);
    const sourceKeys: Record<string, number[] | null> = {};
    for (const s of sources) {
      const pk = options.primaryKey?.(s);
      sourceKeys[s] = pk && pk.length > 0 ? [...pk] : null;
    }
    const output = b.output === "materialize" ? "materialize" : { exchange: exId.get(b.output.exchange)!, distribution: b.output.distribution };
    return { id, plan: p, parallelism: b.single ? 1 : parallelism, sources, sourceKeys, output };
  });
  const exchanges: ExchangeEdge[] = exchangeOrder.map((old, id) => {
    const e = f.edges[old];
    return { id, from: fragId.get(e.from)!, to: fragId.get(e.to)!, distribution: e.distribution };
  });
  return { fragments, exchanges };
}

// ───────────────────────────── serialization ─────────────────────────────

const TAG = "$sage";

/** The graph as JSON text, with the SQL values JSON lacks (bigint, numeric, interval, jsonb, bytea, vectors, NaN, ±Infinity, -0) tagged. */
export function encodeFragmentGraph(graph: FragmentGraph): string {
  return JSON.stringify(graph, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key]; // before toJSON
    if (typeof raw === "bigint") return { [TAG]: "bigint", v: raw.toString() };
    if (typeof raw === "number" && (!Number.isFinite(raw) || Object.is(raw, -0))) return { [TAG]: "number", v: String(Object.is(raw, -0) ? "-0" : raw) };
    if (raw instanceof Decimal) return { [TAG]: "numeric", v: raw.toString() };
    if (raw instanceof Interval) return { [TAG]: "interval", v: [raw.months, raw.days, raw.micros] };
    if (raw instanceof Jsonb) return { [TAG]: "jsonb", v: raw.toString() };
    if (raw instanceof Uint8Array) return { [TAG]: "bytea", v: Array.from(raw) };
    if (raw instanceof Float32Array) return { [TAG]: "vector", v: Array.from(raw, (x) => (Number.isFinite(x) ? x : String(x))) };
    if (raw instanceof Date) return { [TAG]: "date", v: raw.getTime() };
    if (raw === undefined && Array.isArray(this)) return { [TAG]: "undefined" };
    return value;
  });
}

export function decodeFragmentGraph(text: string): FragmentGraph {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value === null || typeof value !== "object" || !(TAG in value)) return value;
    const t = value as { [TAG]: string; v: unknown };
    switch (t[TAG]) {
      case "bigint":
        return BigInt(t.v as string);
      case "number":
        return t.v === "-0" ? -0 : Number(t.v);
      case "numeric":
        return Decimal.parse(t.v as string);
      case "interval": {
        const [months, days, micros] = t.v as number[];
        return new Interval(months, days, micros);
      }
      case "jsonb":
        return Jsonb.parse(t.v as string);
      case "bytea":
        return Uint8Array.from(t.v as number[]);
      case "vector":
        return Float32Array.from(t.v as (number | string)[], (x) => Number(x));
      case "date":
        return new Date(t.v as number);
      case "undefined":
        return undefined;
      default:
        return value;
    }
  }) as FragmentGraph;
}

// ───────────────────────────── EXPLAIN (FRAGMENTS) ─────────────────────────────

export function distributionText(d: Distribution): string {
  return d.kind === "hash" ? `hash(${d.columns.map((c) => `#${c}`).join(", ")})` : d.kind;
}
