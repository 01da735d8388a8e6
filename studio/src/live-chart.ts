// A live chart of a view: an aggregate of one numeric column, pushed by the server through
// SUBSCRIBE over HTTP (GET /api/subscribe, Server-Sent Events) and drawn with uPlot. The
// subscription's single row changes as a delete of the old value and an insert of the new one;
// each batch that inserts a value adds a point at the change's timestamp.

import uPlot from "uplot";
import { ident, toNumber } from "./api.js";

const WINDOW = 300;

export class LiveChart {
  private source: EventSource | undefined;
  private plot: uPlot | undefined;
  private xs: number[] = [];
  private ys: number[] = [];

  constructor(private readonly target: HTMLElement, private readonly status: HTMLElement) {}

  start(view: string, column: string, aggregate: "sum" | "max" | "min" | "avg" | "count"): void {
    this.stop();
    this.xs = [];
    this.ys = [];
    const label = `${aggregate}(${column})`;
    this.target.replaceChildren();
    this.plot = new uPlot(
      {
        width: Math.max(400, this.target.clientWidth || 800),
        height: 320,
        scales: { x: { time: true } },
        series: [{}, { label, stroke: "#2a7ae2", width: 2 }],
      },
      [this.xs, this.ys],
      this.target,
    );
    const sql = `SUBSCRIBE (SELECT ${aggregate}(${ident(column)}) FROM ${ident(view)})`;
    const source = new EventSource(`/api/subscribe?sql=${encodeURIComponent(sql)}`);
    this.source = source;
    this.status.dataset.feed = "subscribe";
    source.addEventListener("rows", (ev) => {
      // rows: [op, ts, value]; the batch's last insert is the aggregate's value now
      const rows = JSON.parse((ev as MessageEvent<string>).data) as unknown[][];
      const inserted = rows.filter((r) => r[0] === "insert");
      const last = inserted[inserted.length - 1];
      if (!last) return;
      const v = toNumber(last[2]);
      if (v === null) return;
      const at = (toNumber(last[1]) ?? Date.now()) / 1000;
      // timestamps only move forward on the chart (a reconnect sends the snapshot again)
      if (this.xs.length > 0 && at <= this.xs[this.xs.length - 1]) return;
      this.xs.push(at);
      this.ys.push(v);
      if (this.xs.length > WINDOW) {
        this.xs.shift();
        this.ys.shift();
      }
      this.plot?.setData([this.xs, this.ys]);
      this.status.textContent = `${view} ${label} = ${v} (${this.xs.length} points, live)`;
      this.status.dataset.points = String(this.xs.length);
      this.status.dataset.last = String(v);
    });
    source.addEventListener("error", (ev) => {
      const data = (ev as MessageEvent<string>).data;
      // a server-sent error event carries the SQL error; a bare one is a lost connection (EventSource retries)
      this.status.textContent = data ? (JSON.parse(data) as { message: string }).message : "connection lost, reconnecting…";
      if (data) source.close();
    });
  }

  stop(): void {
    this.source?.close();
    this.source = undefined;
    this.plot?.destroy();
    this.plot = undefined;
  }
}
