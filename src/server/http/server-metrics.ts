// The Prometheus registry of a server (prom-client): pgwire and HTTP query latency and errors,
// webhook requests by status, sessions, barrier latency, and the engine's figures (operators, sources, late rows, views,
// models) read from the database only when /metrics is scraped. The hot path pays one histogram
// observation per statement and per barrier; operator counters are the graph's own
// (OperatorStats), copied here at scrape time.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { EngineDatabase, EngineMetrics } from "../engine.js";
import { observeCheckpoints } from "./checkpoint-metrics.js";

export type QueryProtocol = "pgwire" | "http";

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly queryLatency: Histogram<"protocol">;
  private readonly queryErrors: Counter<"protocol">;
  private readonly barrierLatency: Histogram;
  private readonly webhookRequests: Counter<"table" | "status">;
  private readonly stopBarriers: () => void;
  private readonly stopCheckpoints: () => void;
  /** the engine's snapshot for the scrape in progress (taken once, read by every collector) */
  private snapshot: EngineMetrics | null = null;

  constructor(
    private readonly db: EngineDatabase,
    sessions: () => number,
  ) {
    const r = this.registry;
    collectDefaultMetrics({ register: r, prefix: "sage_" });
    this.queryLatency = new Histogram({
      name: "sage_query_duration_seconds",
      help: "Time to run a query (all its statements), by protocol",
      labelNames: ["protocol"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [r],
    });
    this.queryErrors = new Counter({ name: "sage_query_errors_total", help: "Queries that ended in an error, by protocol", labelNames: ["protocol"], registers: [r] });
    this.barrierLatency = new Histogram({
      name: "sage_barrier_latency_seconds",
      help: "Time for a barrier to pass through every running dataflow",
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [r],
    });
    this.webhookRequests = new Counter({ name: "sage_webhook_requests_total", help: "POST /webhook/... requests, by webhook table and HTTP status", labelNames: ["table", "status"], registers: [r] });
    this.stopBarriers = db.onBarrier ? db.onBarrier((ms) => this.barrierLatency.observe(ms / 1000)) : () => {};
    this.stopCheckpoints = observeCheckpoints(db, r);
    new Gauge({
      name: "sage_pgwire_connections",
      help: "Postgres wire-protocol sessions open now",
      registers: [r],
      collect() {
        this.set(sessions());
      },
    });
    const engine = () => (this.snapshot ??= db.metrics ? db.metrics() : { operators: [], sources: [], lateRows: [], viewRows: [], models: [] });
    const opLabels = ["view", "operator_id", "kind"] as const;
    const opValue = (name: string, help: string, kind: "counter" | "gauge", pick: (o: EngineMetrics["operators"][number]) => number) =>
      this.engineMetric(name, help, kind, opLabels, () => engine().operators.map((o) => ({ labels: { view: o.dataflow, operator_id: String(o.operatorId), kind: o.kind }, value: pick(o) })));
    opValue("sage_operator_rows_in_total", "Rows into each operator of each running dataflow", "counter", (o) => o.rowsIn);
    opValue("sage_operator_rows_out_total", "Rows out of each operator of each running dataflow", "counter", (o) => o.rowsOut);
    opValue("sage_operator_seconds_total", "Time spent inside each operator (not downstream of it)", "counter", (o) => o.seconds);
    opValue("sage_operator_state_rows", "Rows each stateful operator holds", "gauge", (o) => o.stateRows);
    opValue("sage_operator_queued_rows", "Rows waiting inside each operator (an async model call's backlog): backpressure", "gauge", (o) => o.queuedRows ?? 0);
    opValue("sage_operator_state_bytes", "Estimated bytes of each stateful operator's state (rows x width)", "gauge", (o) => o.stateBytes);
    this.engineMetric("sage_source_rows_total", "Rows produced by each connector-fed stream", "counter", ["stream", "connector"], () =>
      engine().sources.map((s) => ({ labels: { stream: s.stream, connector: s.connector }, value: s.rowsProduced })),
    );
    this.engineMetric("sage_source_lag_seconds", "Wall clock minus the stream's event-time watermark", "gauge", ["stream"], () =>
      engine().sources.flatMap((s) => (s.lagSeconds === null ? [] : [{ labels: { stream: s.stream }, value: s.lagSeconds }])),
    );
    this.engineMetric("sage_late_rows_total", "Rows dropped for arriving behind their stream's watermark", "counter", ["stream"], () =>
      engine().lateRows.map((l) => ({ labels: { stream: l.stream }, value: l.rows })),
    );
    this.engineMetric("sage_view_rows", "Rows held by each materialized view", "gauge", ["view"], () => engine().viewRows.map((v) => ({ labels: { view: v.view }, value: v.rows })));
    const model = (name: string, help: string, pick: (m: EngineMetrics["models"][number]) => number) =>
      this.engineMetric(name, help, "counter", ["model"], () => engine().models.map((m) => ({ labels: { model: m.model }, value: pick(m) })));
    model("sage_model_requests_total", "Requests sent to model providers (each attempt)", (m) => m.requests);
    model("sage_model_calls_total", "Model provider calls that succeeded", (m) => m.calls);
    model("sage_model_errors_total", "Rows whose model call ended in an error", (m) => m.errors);
    model("sage_model_cache_hits_total", "Rows answered from the model cache", (m) => m.cacheHits);
    this.engineMetric("sage_model_tokens_total", "Tokens used by model calls", "counter", ["model", "kind"], () =>
      engine().models.flatMap((m) => [
        { labels: { model: m.model, kind: "prompt" }, value: m.promptTokens },
        { labels: { model: m.model, kind: "completion" }, value: m.completionTokens },
      ]),
    );
    // only priced models have a sample: an unpriced model's spend is unknown, not 0
    this.engineMetric("sage_model_spend_total", "What model calls cost: tokens x the model's prices (price_per_1k_*_tokens), in the price's currency unit", "counter", ["model"], () =>
      engine().models.flatMap((m) => (m.spend === null || m.spend === undefined ? [] : [{ labels: { model: m.model }, value: m.spend }])),
    );
  }

  /** A counter or gauge whose values are read from the engine at scrape time. */
  private engineMetric<L extends string>(
    name: string,
    help: string,
    kind: "counter" | "gauge",
    labelNames: readonly L[],
    values: () => { labels: Record<L, string>; value: number }[],
  ): void {
    const collect = function (this: Counter<L> | Gauge<L>): void {
      this.reset();
      for (const v of values()) {
        if (this instanceof Counter) this.inc(v.labels as never, v.value);
        else this.set(v.labels as never, v.value);
      }
    };
    if (kind === "counter") new Counter<L>({ name, help, labelNames, registers: [this.registry], collect });
    else new Gauge<L>({ name, help, labelNames, registers: [this.registry], collect });
  }

  /** Records one query's latency (and whether it failed). */
  queryDone(protocol: QueryProtocol, seconds: number, ok: boolean): void {
    this.queryLatency.observe({ protocol }, seconds);
    if (!ok) this.queryErrors.inc({ protocol });
  }

  /** Counts one webhook request ("(none)" for a path that names no webhook table). */
  webhookDone(table: string, status: number): void {
    this.webhookRequests.inc({ table, status: String(status) });
  }

  /** The exposition text for a scrape. */
  async scrape(): Promise<string> {
    this.snapshot = null;
    try {
      return await this.registry.metrics();
    } finally {
      this.snapshot = null;
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    this.stopBarriers();
    this.stopCheckpoints();
    this.registry.clear();
  }
}
