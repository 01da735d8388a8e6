// The Jobs panel: long work started by statements (COPY, a materialized view's backfill) with a
// progress bar, rows, rate and ETA, refreshed every second while shown, and a Cancel button for
// running ones. It reads GET /api/jobs and posts /api/jobs/<id>/cancel (src/server/http/jobs-api.ts).

import { apiHeaders } from "./api.js";
import { el } from "./dom.js";

interface Job {
  id: number;
  kind: string;
  state: string;
  role: string;
  statement: string;
  startedAt: string;
  rowsDone: number;
  rowsTotal: number | null;
  progress: number | null;
  rowsPerSecond: number;
  etaSeconds: number | null;
  error: string | null;
}

interface ApiError {
  code: string;
  message: string;
}

async function callJobs(path: string, method: "GET" | "POST"): Promise<{ jobs?: Job[]; error?: ApiError }> {
  try {
    // apiHeaders: the login session's CSRF token (the cancel is a POST) and no password dialog on 401
    const res = await fetch(path, { method, credentials: "same-origin", headers: apiHeaders({ accept: "application/json" }) });
    const body = (await res.json()) as { jobs?: Job[]; error?: ApiError };
    return res.ok ? body : { error: body.error ?? { code: String(res.status), message: `HTTP ${res.status}` } };
  } catch (e) {
    return { error: { code: "08006", message: `cannot reach the server: ${(e as Error).message}` } };
  }
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");

function duration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export class JobsPanel {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly status: HTMLElement,
  ) {}

  start(): void {
    this.stop();
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), 1000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async refresh(): Promise<void> {
    const r = await callJobs("/api/jobs", "GET");
    if (r.error) {
      this.status.textContent = `${r.error.code}: ${r.error.message}`;
      this.status.className = "error";
      return;
    }
    this.render(r.jobs ?? []);
  }

  private render(jobs: Job[]): void {
    const running = jobs.filter((j) => j.state === "running").length;
    this.status.className = "note";
    this.status.textContent = jobs.length === 0 ? "No jobs. COPY and CREATE MATERIALIZED VIEW backfills show here while they run." : `${running} running, ${jobs.length - running} finished recently`;
    if (jobs.length === 0) {
      this.root.replaceChildren();
      return;
    }
    const head = el("tr", {}, ...["job", "kind", "state", "role", "progress", "rows", "rate", "ETA", "statement", ""].map((h) => el("th", {}, h)));
    const rows = [...jobs].reverse().map((j) => this.row(j));
    this.root.replaceChildren(el("table", { class: "rows jobs" }, el("thead", {}, head), el("tbody", {}, ...rows)));
  }

  private row(j: Job): HTMLElement {
    const pct = j.progress === null ? null : Math.floor(j.progress * 100);
    const bar = el("div", { class: "bar", "data-progress": String(j.progress ?? "") }, el("div", { class: "fill", style: `width: ${pct ?? 0}%` }));
    if (pct === null) bar.classList.add("unknown");
    const progress = el("td", {}, bar, el("span", { class: "pct" }, pct === null ? "" : `${pct}%`));
    const cancel = j.state === "running" ? el("button", { class: "cancel", "data-job": String(j.id) }, "Cancel") : null;
    cancel?.addEventListener("click", () => void this.cancel(j.id, cancel));
    const state = el("td", { class: `state ${j.state}` }, j.state);
    if (j.error) state.title = j.error;
    return el(
      "tr",
      { "data-job": String(j.id), "data-state": j.state, "data-rows": String(j.rowsDone) },
      el("td", {}, String(j.id)),
      el("td", {}, j.kind),
      state,
      el("td", {}, j.role),
      progress,
      el("td", { class: "num" }, j.rowsTotal === null ? count(j.rowsDone) : `${count(j.rowsDone)} / ${count(j.rowsTotal)}`),
      el("td", { class: "num" }, `${count(j.rowsPerSecond)}/s`),
      el("td", { class: "num" }, j.etaSeconds === null ? "" : duration(j.etaSeconds)),
      el("td", { class: "statement" }, j.statement),
      el("td", {}, cancel),
    );
  }

  private async cancel(id: number, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    const r = await callJobs(`/api/jobs/${id}/cancel`, "POST");
    if (r.error) {
      this.status.className = "error";
      this.status.textContent = `cannot cancel job ${id}: ${r.error.code}: ${r.error.message}`;
      button.disabled = false;
      return;
    }
    await this.refresh();
  }
}
