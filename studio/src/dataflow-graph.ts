// Draws a view's dataflow (dagre lays it out, left to right as data flows) and refreshes the
// per-operator rows/s, state rows and watermark every second.

import dagre from "dagre";
import { DataflowSource, type FlowGraph, type FlowNode } from "./dataflow-model.js";
import { el } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const NODE_W = 220;
const NODE_H = 58;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function short(label: string): string {
  return label.length > 30 ? label.slice(0, 29) + "…" : label;
}

export class DataflowPanel {
  private timer: ReturnType<typeof setInterval> | undefined;
  private previous = new Map<string, { rows: number; at: number }>();

  constructor(private readonly target: HTMLElement, private readonly status: HTMLElement) {}

  async show(view: string): Promise<void> {
    this.stop();
    this.previous.clear();
    this.status.textContent = `loading ${view}…`;
    const source = new DataflowSource(view);
    try {
      await source.load();
    } catch (e) {
      this.status.textContent = (e as Error).message;
      this.target.replaceChildren();
      return;
    }
    const tick = async () => {
      try {
        this.draw(await source.snapshot());
        this.status.textContent = `${view}: refreshed ${new Date().toLocaleTimeString()}`;
      } catch (e) {
        this.status.textContent = (e as Error).message;
      }
    };
    await tick();
    this.timer = setInterval(() => void tick(), 1000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private rate(n: FlowNode, now: number): number | null {
    if (n.rowsOut === null) return null;
    const prev = this.previous.get(n.id);
    this.previous.set(n.id, { rows: n.rowsOut, at: now });
    if (!prev || now <= prev.at) return null;
    return Math.max(0, ((n.rowsOut - prev.rows) * 1000) / (now - prev.at));
  }

  private draw(graph: FlowGraph): void {
    const g = new dagre.graphlib.Graph();
    g.setGraph({ rankdir: "LR", nodesep: 24, ranksep: 56, marginx: 12, marginy: 12 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const n of graph.nodes) g.setNode(n.id, { width: NODE_W, height: NODE_H });
    for (const [from, to] of graph.edges) g.setEdge(from, to);
    dagre.layout(g);
    const size = g.graph();
    const root = svg("svg", { width: size.width ?? 400, height: size.height ?? 200, class: "dataflow" });
    root.append(svg("defs", {}));
    const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: "auto" });
    marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }));
    root.firstChild!.appendChild(marker);
    for (const e of g.edges()) {
      const pts = g.edge(e).points;
      root.append(svg("polyline", { points: pts.map((p) => `${p.x},${p.y}`).join(" "), class: "edge", "marker-end": "url(#arrow)" }));
    }
    const now = performance.now();
    for (const n of graph.nodes) {
      const box = g.node(n.id);
      const rate = this.rate(n, now);
      const group = svg("g", { class: `node ${n.kind}${n.queued ? " backpressure" : ""}`, "data-node": n.label, "data-kind": n.kind, "data-queued": String(n.queued ?? 0), transform: `translate(${box.x - NODE_W / 2},${box.y - NODE_H / 2})` });
      const title = svg("title", {}, [n.label, ...n.details].join("\n"));
      group.append(title, svg("rect", { width: NODE_W, height: NODE_H, rx: 6 }), svg("text", { x: 8, y: 18, class: "label" }, short(n.label)));
      // no counter at all (a server without sage_catalog.operators) vs. the first poll
      const stats = [n.rowsOut === null ? "no counters" : rate === null ? "… rows/s" : `${rate.toFixed(0)} rows/s`];
      if (n.stateRows !== null && n.stateRows > 0) stats.push(`state ${n.stateRows}`);
      if (n.queued) stats.push(`queued ${n.queued}`);
      group.append(svg("text", { x: 8, y: 36, class: "rate", "data-rate": rate === null ? "" : rate.toFixed(1) }, stats.join(" · ")));
      if (n.watermark) group.append(svg("text", { x: 8, y: 51, class: "watermark" }, `wm ${n.watermark}`));
      root.append(group);
    }
    this.target.replaceChildren(root);
  }
}

export function graphPanelHeader(onPick: (view: string) => void, views: string[], current: string | undefined): HTMLElement {
  const select = el("select", { id: "graph-view" }, ...views.map((v) => el("option", v === current ? { value: v, selected: "" } : { value: v }, v)));
  select.addEventListener("change", () => onPick(select.value));
  return el("label", {}, "view ", select);
}
