// Query results as tables (one per statement), and the error line with its SQLSTATE and position.

import type { QueryErrorInfo, QueryResult } from "./api.js";
import { el } from "./dom.js";

const MAX_ROWS = 1000;

export function renderResults(target: HTMLElement, results: QueryResult[], error: QueryErrorInfo | undefined, ms: number): void {
  target.replaceChildren();
  for (const r of results) {
    const block = el("div", { class: "result" });
    if (r.columns.length > 0) {
      const head = el("tr", {}, ...r.columns.map((c) => el("th", { title: c.type }, c.name)));
      const body = r.rows.slice(0, MAX_ROWS).map((row) => el("tr", {}, ...row.map((v) => el("td", v === null ? { class: "null" } : {}, v === null ? "NULL" : String(v)))));
      block.append(el("table", { class: "rows" }, el("thead", {}, head), el("tbody", {}, ...body)));
    }
    const more = r.rows.length > MAX_ROWS ? ` (first ${MAX_ROWS} shown)` : "";
    block.append(el("div", { class: "tag" }, `${r.command} ${r.rowCount}${more}`));
    for (const n of r.notices ?? []) block.append(el("div", { class: "notice" }, `NOTICE: ${n}`));
    target.append(block);
  }
  if (error) {
    const where = error.line !== undefined ? ` at line ${error.line}, column ${error.column}` : "";
    target.append(
      el("div", { class: "error", "data-sqlstate": error.code }, `ERROR ${error.code}${where}: ${error.message}`, error.hint ? el("div", { class: "hint" }, `HINT: ${error.hint}`) : null),
    );
  }
  target.append(el("div", { class: "timing" }, `${ms.toFixed(0)} ms`));
}
