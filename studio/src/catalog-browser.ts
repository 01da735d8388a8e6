// The catalog panel: objects grouped by kind; a relation shows its columns, row count and definition.

import { el } from "./dom.js";
import { RELATION_KINDS, loadColumns, loadDefinition, loadRowCount, type CatalogObject } from "./catalog-model.js";

export interface CatalogActions {
  showGraph(view: string): void;
  showChart(view: string): void;
}

export class CatalogBrowser {
  constructor(private readonly list: HTMLElement, private readonly detail: HTMLElement, private readonly actions: CatalogActions) {}

  render(objects: CatalogObject[]): void {
    const kinds = [...new Set(objects.map((o) => o.kind))];
    const groups = ["table", "stream", "source", "view", "materialized view", "sink", "index", "model", "secret"].map((kind) => {
      const items = objects.filter((o) => o.kind === kind);
      const ul = el("ul", {}, ...items.map((o) => {
        const li = el("li", { "data-object": o.name, "data-kind": o.kind }, o.name, o.detail ? el("span", { class: "detail" }, ` ${o.detail}`) : null);
        li.addEventListener("click", () => void this.open(o));
        return li;
      }));
      return el("details", kinds.includes(kind as CatalogObject["kind"]) ? { open: "" } : {}, el("summary", {}, `${kind}s (${items.length})`), ul);
    });
    this.list.replaceChildren(...groups);
  }

  async open(o: CatalogObject): Promise<void> {
    const title = el("h3", {}, `${o.kind} ${o.name}`);
    this.detail.replaceChildren(title);
    if (!RELATION_KINDS.includes(o.kind)) {
      // secrets are names only: the listing never carries a value
      this.detail.append(el("p", {}, o.detail));
      return;
    }
    const [columns, definition, count] = await Promise.all([loadColumns(o.name).catch(() => []), loadDefinition(o.kind, o.name), loadRowCount(o.name)]);
    this.detail.append(
      el("p", { class: "row-count" }, count === null ? "rows: not kept" : `rows: ${count}`),
      el("table", { class: "rows" }, el("thead", {}, el("tr", {}, el("th", {}, "column"), el("th", {}, "type"))), el("tbody", {}, ...columns.map((c) => el("tr", {}, el("td", {}, c.name), el("td", {}, c.type))))),
      definition ? el("pre", { class: "definition" }, definition) : el("p", {}, "(no stored definition)"),
    );
    if (o.kind === "materialized view" || o.kind === "sink") {
      const graph = el("button", {}, "Dataflow graph");
      graph.addEventListener("click", () => this.actions.showGraph(o.name));
      const chart = el("button", {}, "Live chart");
      chart.addEventListener("click", () => this.actions.showChart(o.name));
      this.detail.append(el("div", { class: "actions" }, graph, chart));
    }
  }
}
