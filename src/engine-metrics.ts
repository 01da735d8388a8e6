// The engine's figures for /metrics (src/server/http): a snapshot taken at scrape time of the
// running dataflows' operator counters, the sources, late rows and the model meters. Nothing here
// runs on the hot path: the counters are kept by the operators and read only when scraped.

import type { Database } from "./database.js";
import type { EngineMetrics, OperatorMetric, SourceMetric } from "./server/index.js";

export function collectEngineMetrics(db: Database): EngineMetrics {
  const name = (id: string) => db.catalog.relationById(id)?.name ?? id;
  const operators: OperatorMetric[] = [];
  for (const df of db.streams.all()) {
    const dataflow = db.catalog.relationById(df.id)?.name ?? "(subscription)";
    for (const s of df.stats) {
      operators.push({ dataflow, operatorId: s.id, kind: s.kind, rowsIn: s.rowsIn, rowsOut: s.rowsOut, seconds: s.selfMs / 1000, stateRows: s.stateRows, stateBytes: s.stateBytes, queuedRows: s.queuedRows });
    }
  }
  const nowMicros = db.streams.clock() * 1000;
  const sources: SourceMetric[] = [...db.sourceRunners()].map(([id, runner]) => {
    const wm = db.relation(id).watermark?.current;
    return {
      stream: name(id),
      connector: db.catalog.relationById(id)?.options?.connector ?? "",
      rowsProduced: runner.rowsProduced,
      lagSeconds: typeof wm === "number" ? Math.max(0, (nowMicros - wm) / 1e6) : null,
    };
  });
  const streams = db.catalog.listRelations("stream");
  const lateRows = streams.flatMap((r) => {
    const wm = db.relation(r.id).watermark;
    return wm ? [{ stream: r.name, rows: wm.lateRows }] : [];
  });
  const viewRows = db.catalog.listRelations("materialized_view").map((r) => ({ view: r.name, rows: db.relation(r.id).store.size }));
  const models = db.models.runtime.metrics().map((m) => ({
    model: m.model,
    requests: m.requests,
    calls: m.calls,
    errors: m.errors,
    cacheHits: m.cacheHits,
    promptTokens: m.promptTokens,
    completionTokens: m.completionTokens,
    spend: m.spend,
  }));
  return { operators, sources, lateRows, viewRows, models };
}
