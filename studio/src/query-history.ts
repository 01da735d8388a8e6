// Past queries of this browser (localStorage), newest first; a click puts one back in the editor.

import { el } from "./dom.js";

export interface HistoryEntry {
  sql: string;
  at: number;
  ok: boolean;
  ms: number;
}

const KEY = "sage-studio.history";
const LIMIT = 200;

export class QueryHistory {
  private entries: HistoryEntry[];

  constructor(private readonly target: HTMLElement, private readonly onPick: (sql: string) => void) {
    try {
      this.entries = JSON.parse(localStorage.getItem(KEY) ?? "[]") as HistoryEntry[];
    } catch {
      this.entries = [];
    }
    this.render();
  }

  add(entry: HistoryEntry): void {
    this.entries = [entry, ...this.entries.filter((e) => e.sql !== entry.sql)].slice(0, LIMIT);
    try {
      localStorage.setItem(KEY, JSON.stringify(this.entries));
    } catch {
      // storage full or disabled: the list still works for this page
    }
    this.render();
  }

  private render(): void {
    this.target.replaceChildren(
      ...this.entries.map((e) => {
        const item = el("li", { class: e.ok ? "ok" : "failed", title: new Date(e.at).toLocaleString() }, el("code", {}, e.sql.length > 120 ? e.sql.slice(0, 120) + "…" : e.sql));
        item.addEventListener("click", () => this.onPick(e.sql));
        return item;
      }),
    );
  }
}
