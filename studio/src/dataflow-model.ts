// The dataflow of a view as a graph: its plan's shape from EXPLAIN (indentation = tree), live
// counters per operator from sage_catalog.operators (preorder ids, the order EXPLAIN prints), source
// rates from sage_catalog.sources. Without sage_catalog.operators (an older server) the operator
// chain of sage_catalog.dataflows is drawn instead, with rates for sources and the view only.

import { ident, query, queryOne, toNumber } from "./api.js";

export interface FlowNode {
  id: string;
  label: string;
  kind: "source" | "operator" | "view";
  /** extra lines of EXPLAIN (keys, state) */
  details: string[];
  /** cumulative rows out; rows/s is its change between polls */
  rowsOut: number | null;
  stateRows: number | null;
  watermark: string | null;
  /** rows waiting inside the operator (backpressure) */
  queued?: number | null;
}

export interface FlowGraph {
  nodes: FlowNode[];
  /** [from, to]: data flows from `from` into `to` */
  edges: [string, string][];
}

interface PlanLine {
  label: string;
  depth: number;
  details: string[];
}

/** Parses EXPLAIN's text tree: the first line and each "->" line are nodes, deeper lines their children. */
export function parseExplain(lines: string[]): { nodes: PlanLine[]; parents: number[] } {
  const nodes: PlanLine[] = [];
  const parents: number[] = [];
  const stack: number[] = [];
  for (const raw of lines) {
    const arrow = raw.indexOf("->");
    const isNode = nodes.length === 0 || (arrow >= 0 && raw.slice(0, arrow).trim() === "");
    if (!isNode) {
      nodes[nodes.length - 1]?.details.push(raw.trim());
      continue;
    }
    const depth = nodes.length === 0 ? -1 : arrow;
    const label = (nodes.length === 0 ? raw : raw.slice(arrow + 2)).trim();
    while (stack.length > 0 && nodes[stack[stack.length - 1]].depth >= depth) stack.pop();
    parents.push(stack.length > 0 ? stack[stack.length - 1] : -1);
    stack.push(nodes.length);
    nodes.push({ label, depth, details: [] });
  }
  return { nodes, parents };
}

interface OperatorRow {
  id: number;
  kind: string;
  rowsOut: number | null;
  stateRows: number | null;
  watermark: string | null;
  queued: number | null;
}

async function operatorRows(view: string): Promise<OperatorRow[] | null> {
  const r = await query(
    `SELECT operator_id, kind, rows_out, state_rows, watermark, queued_rows FROM sage_catalog.operators WHERE name = '${view.replace(/'/g, "''")}' ORDER BY operator_id`,
  );
  if (r.error || !r.results[0]) return null;
  return r.results[0].rows.map((row) => ({ id: Number(row[0]), kind: String(row[1]), rowsOut: toNumber(row[2]), stateRows: toNumber(row[3]), watermark: row[4] === null ? null : String(row[4]), queued: toNumber(row[5]) }));
}

async function sourceRows(): Promise<Map<string, number>> {
  const r = await query("SELECT stream, rows_produced FROM sage_catalog.sources");
  const m = new Map<string, number>();
  for (const row of r.error ? [] : (r.results[0]?.rows ?? [])) m.set(String(row[0]), toNumber(row[1]) ?? 0);
  return m;
}

/** The plan of a view's definition as EXPLAIN CREATE MATERIALIZED VIEW prints it (the same
 *  operators, in the same preorder, as the running dataflow), or of its query if that fails. */
async function explainView(view: string, definition: string): Promise<string[] | null> {
  const select = /\bAS\s+([\s\S]*)$/i.exec(definition.replace(/;\s*$/, ""));
  if (!select) return null;
  for (const sql of [`EXPLAIN CREATE MATERIALIZED VIEW ${ident(view)} AS ${select[1]}`, `EXPLAIN ${select[1]}`]) {
    const r = await query(sql);
    if (!r.error && r.results[0]) return r.results[0].rows.map((row) => String(row[0]));
  }
  return null;
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z]/g, "");

/** Counters for each plan node: by position when the counts agree (both are preorder), otherwise
 *  by operator name in order ("Hash Join" is the HashJoin operator). */
function pairCounters(plan: PlanLine[], ops: OperatorRow[]): (OperatorRow | undefined)[] {
  if (plan.length === ops.length) return ops;
  let next = 0;
  return plan.map((p) => {
    for (let j = next; j < ops.length; j++) {
      if (norm(p.label).startsWith(norm(ops[j].kind))) {
        next = j + 1;
        return ops[j];
      }
    }
    return undefined;
  });
}

export class DataflowSource {
  private plan: { nodes: PlanLine[]; parents: number[] } | null = null;
  private inputs: string[] = [];
  private chain: string[] = [];
  private viewDetails: string[] = [];

  constructor(readonly view: string) {}

  /** Reads the shape once: the dataflow's inputs and operator chain, and the plan tree. */
  async load(): Promise<void> {
    const df = await queryOne(`SELECT inputs, operators FROM sage_catalog.dataflows WHERE name = '${this.view.replace(/'/g, "''")}'`);
    if (df.rows.length === 0) throw new Error(`no running dataflow named ${this.view}`);
    this.inputs = String(df.rows[0][0]).split(",").map((s) => s.trim()).filter(Boolean);
    this.chain = String(df.rows[0][1]).split("→").map((s) => s.trim()).filter(Boolean);
    const def = await query(`SHOW CREATE MATERIALIZED VIEW ${ident(this.view)}`);
    const text = def.error ? "" : String(def.results[0]?.rows[0]?.[1] ?? "");
    const lines = text ? await explainView(this.view, text) : null;
    const parsed = lines ? parseExplain(lines) : null;
    // "Materialize v" is the view itself, not an operator: its children feed the view node
    if (parsed && parsed.nodes.length > 1 && /^Materialize\b/.test(parsed.nodes[0].label)) {
      this.viewDetails = parsed.nodes[0].details;
      this.plan = { nodes: parsed.nodes.slice(1), parents: parsed.parents.slice(1).map((p) => p - 1) };
    } else {
      this.plan = parsed;
    }
  }

  private async stateRows(): Promise<number | null> {
    const r = await query(`SELECT state_rows FROM sage_catalog.dataflows WHERE name = '${this.view.replace(/'/g, "''")}'`);
    return r.error ? null : toNumber(r.results[0]?.rows[0]?.[0]);
  }

  /** The graph with current counters. */
  async snapshot(): Promise<FlowGraph> {
    const [ops, sources, state] = await Promise.all([operatorRows(this.view), sourceRows(), this.stateRows()]);
    const nodes: FlowNode[] = [];
    const edges: [string, string][] = [];
    const viewNode: FlowNode = { id: "view", label: this.view, kind: "view", details: this.viewDetails, rowsOut: null, stateRows: null, watermark: null };
    const leaves: string[] = [];
    if (this.plan) {
      const plan = this.plan;
      const counters = ops ? pairCounters(plan.nodes, ops) : [];
      plan.nodes.forEach((p, i) => {
        const stats = counters[i];
        nodes.push({ id: `op${i}`, label: p.label, kind: "operator", details: p.details, rowsOut: stats?.rowsOut ?? null, stateRows: stats?.stateRows ?? null, watermark: stats?.watermark ?? null, queued: stats?.queued ?? null });
        const parent = plan.parents[i];
        edges.push([`op${i}`, parent < 0 ? "view" : `op${parent}`]);
        if (!plan.parents.includes(i)) leaves.push(`op${i}`);
      });
    } else {
      // the chain is listed root first; data flows from its last operator to its first
      this.chain.forEach((name, i) => {
        const stats = ops?.[i];
        nodes.push({ id: `op${i}`, label: name, kind: "operator", details: [], rowsOut: stats?.rowsOut ?? null, stateRows: stats?.stateRows ?? null, watermark: stats?.watermark ?? null, queued: stats?.queued ?? null });
        edges.push([`op${i}`, i === 0 ? "view" : `op${i - 1}`]);
      });
      if (this.chain.length > 0) leaves.push(`op${this.chain.length - 1}`);
    }
    const root = nodes.find((n) => edges.some(([f, t]) => f === n.id && t === "view"));
    viewNode.rowsOut = root?.rowsOut ?? null;
    viewNode.stateRows = state ?? root?.stateRows ?? null;
    nodes.push(viewNode);
    for (const input of this.inputs) {
      const id = `src:${input}`;
      nodes.push({ id, label: input, kind: "source", details: [], rowsOut: sources.get(input) ?? null, stateRows: null, watermark: null });
      // a scan naming the input is fed by it; otherwise every leaf is (one input)
      const scans = leaves.filter((l) => nodes.find((n) => n.id === l)?.label.includes(input));
      for (const l of scans.length > 0 ? scans : leaves.length > 0 ? leaves : ["view"]) edges.push([id, l]);
    }
    return { nodes, edges };
  }
}
