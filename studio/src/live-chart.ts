// A live chart of a view: an aggregate of one numeric column, polled every second and drawn with
// uPlot. (The HTTP API has no SUBSCRIBE yet, so this polls; a push feed would replace `poll`.)

import uPlot from "uplot";
import { ident, queryOne, toNumber } from "./api.js";

const WINDOW = 300;

export class LiveChart {
  private timer: ReturnType<typeof setInterval> | undefined;
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
    const sql = `SELECT ${aggregate}(${ident(column)}) FROM ${ident(view)}`;
    const poll = async () => {
      try {
        const r = await queryOne(sql);
        const v = toNumber(r.rows[0]?.[0]);
        if (v === null) return;
        this.xs.push(Date.now() / 1000);
        this.ys.push(v);
        if (this.xs.length > WINDOW) {
          this.xs.shift();
          this.ys.shift();
        }
        this.plot?.setData([this.xs, this.ys]);
        this.status.textContent = `${view} ${label} = ${v} (${this.xs.length} points)`;
        this.status.dataset.points = String(this.xs.length);
        this.status.dataset.last = String(v);
      } catch (e) {
        this.status.textContent = (e as Error).message;
      }
    };
    void poll();
    this.timer = setInterval(() => void poll(), 1000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.plot?.destroy();
    this.plot = undefined;
  }
}
