// The Studio page: tabs for the SQL editor, the catalog, a view's dataflow and a live chart.

import "uplot/dist/uPlot.min.css";
import "./style.css";
import { query } from "./api.js";
import { CatalogBrowser } from "./catalog-browser.js";
import { completionSchema, loadCatalog, loadColumns, type CatalogObject } from "./catalog-model.js";
import { DataflowPanel } from "./dataflow-graph.js";
import { el } from "./dom.js";
import { SqlEditor } from "./editor.js";
import { LiveChart } from "./live-chart.js";
import { Login } from "./login.js";
import { MonitorPanel } from "./monitor-panel.js";
import { JobsPanel } from "./jobs-panel.js";
import { QueryHistory } from "./query-history.js";
import { renderResults } from "./results-table.js";

const $ = (id: string) => document.getElementById(id)!;

let objects: CatalogObject[] = [];

function showTab(name: string): void {
  for (const t of document.querySelectorAll<HTMLElement>("[data-tab]")) t.classList.toggle("active", t.dataset.tab === name);
  for (const p of document.querySelectorAll<HTMLElement>("[data-panel]")) p.hidden = p.dataset.panel !== name;
  if (name !== "graph") graph.stop();
  if (name === "monitor") monitor.start();
  else monitor.stop();
  if (name === "jobs") jobs.start();
  else jobs.stop();
}

const editor = new SqlEditor($("editor"), "SELECT 1 AS one;", () => void run());
const history = new QueryHistory($("history"), (sql) => {
  editor.text = sql;
  showTab("sql");
});
const graph = new DataflowPanel($("graph"), $("graph-status"));
const chart = new LiveChart($("chart"), $("chart-status"));
const monitor = new MonitorPanel($("monitor"));
const jobs = new JobsPanel($("jobs"), $("jobs-status"));
const browser = new CatalogBrowser($("catalog-list"), $("catalog-detail"), {
  showGraph: (v) => void openGraph(v),
  showChart: (v) => void openChart(v),
});

async function refreshCatalog(): Promise<void> {
  objects = await loadCatalog();
  browser.render(objects);
  const views = objects.filter((o) => o.kind === "materialized view").map((o) => o.name);
  for (const id of ["graph-view", "chart-view"]) {
    const select = $(id) as HTMLSelectElement;
    const keep = select.value;
    select.replaceChildren(...views.map((v) => el("option", { value: v }, v)));
    if (views.includes(keep)) select.value = keep;
  }
  const schema = await completionSchema(objects);
  editor.setSchema(schema);
  // what completion knows, for tests and for a curious look in the inspector
  document.body.dataset.completionTables = Object.keys(schema).sort().join(",");
}

async function run(): Promise<void> {
  const sql = editor.text;
  if (!sql.trim()) return;
  editor.markError(undefined);
  $("run").setAttribute("disabled", "");
  const started = performance.now();
  const r = await query(sql);
  const ms = performance.now() - started;
  $("run").removeAttribute("disabled");
  renderResults($("results"), r.results, r.error, ms);
  if (r.error) editor.markError(r.error.position);
  history.add({ sql, at: Date.now(), ok: !r.error, ms });
  // DDL changes what the catalog and completion know
  if (r.results.some((x) => /^(CREATE|DROP|ALTER)/.test(x.command))) void refreshCatalog();
}

async function openGraph(view: string): Promise<void> {
  showTab("graph");
  ($("graph-view") as HTMLSelectElement).value = view;
  await graph.show(view);
}

async function openChart(view: string): Promise<void> {
  showTab("chart");
  ($("chart-view") as HTMLSelectElement).value = view;
  await fillChartColumns();
}

async function fillChartColumns(): Promise<void> {
  const view = ($("chart-view") as HTMLSelectElement).value;
  const columns = view ? await loadColumns(view).catch(() => []) : [];
  const numeric = columns.filter((c) => /int|numeric|decimal|real|double|float/i.test(c.type));
  $("chart-column").replaceChildren(...numeric.map((c) => el("option", { value: c.name }, c.name)));
}

$("run").addEventListener("click", () => void run());
$("refresh").addEventListener("click", () => void refreshCatalog());
$("graph-view").addEventListener("change", () => void graph.show(($("graph-view") as HTMLSelectElement).value));
$("chart-view").addEventListener("change", () => void fillChartColumns());
$("chart-start").addEventListener("click", () => {
  const view = ($("chart-view") as HTMLSelectElement).value;
  const column = ($("chart-column") as HTMLSelectElement).value;
  const agg = ($("chart-aggregate") as HTMLSelectElement).value as "sum";
  if (view && column) chart.start(view, column, agg);
});
for (const t of document.querySelectorAll<HTMLElement>("[data-tab]")) {
  t.addEventListener("click", () => {
    showTab(t.dataset.tab!);
    if (t.dataset.tab === "graph") {
      const v = ($("graph-view") as HTMLSelectElement).value;
      if (v) void graph.show(v);
    }
    if (t.dataset.tab === "chart") void fillChartColumns();
  });
}

showTab("sql");
const login = new Login($("login") as HTMLFormElement, $("login-status"), $("user"), $("logout"));
void login
  .ensure()
  .then(() => refreshCatalog())
  .then(() => document.body.setAttribute("data-ready", "1"));
