// Live system tables: sources (rows produced, errors), late rows and watermarks per stream, the
// latest checkpoints (epoch, duration, bytes), model
// metering (calls, tokens, cache hits, latency) and the latest model errors, refreshed every 2 s
// while the panel is shown. A table the server lacks shows its error instead of breaking the rest.

import { query } from "./api.js";
import { el } from "./dom.js";
import { renderResults } from "./results-table.js";

const SECTIONS: { title: string; sql: string }[] = [
  { title: "Sources", sql: "SELECT * FROM sage_catalog.sources ORDER BY stream" },
  { title: "Late rows and watermarks", sql: "SELECT * FROM sage_catalog.late_rows ORDER BY stream" },
  { title: "Dataflows", sql: "SELECT name, inputs, operators, state_rows FROM sage_catalog.dataflows ORDER BY name" },
  { title: "Checkpoints", sql: "SELECT epoch, finished_at, round(duration_ms::numeric, 1) AS duration_ms, bytes, blobs_written, blobs_reused, ok, error FROM sage_catalog.checkpoints LIMIT 20" },
  { title: "Models", sql: "SELECT * FROM sage_catalog.model_usage ORDER BY model" },
  { title: "Recent model errors", sql: "SELECT * FROM sage_catalog.model_errors ORDER BY time DESC LIMIT 20" },
];

export class MonitorPanel {
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly targets: HTMLElement[];

  constructor(root: HTMLElement) {
    this.targets = SECTIONS.map((s) => {
      const target = el("div", { class: "monitor-section", "data-section": s.title });
      root.append(el("h4", {}, s.title), target);
      return target;
    });
  }

  start(): void {
    this.stop();
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), 2000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async refresh(): Promise<void> {
    await Promise.all(
      SECTIONS.map(async (s, i) => {
        const started = performance.now();
        const r = await query(s.sql);
        renderResults(this.targets[i], r.results, r.error, performance.now() - started);
      }),
    );
  }
}
