// sage_catalog: system views over the running engine (continuous queries, late rows, model calls).

import type { Database } from "./database.js";
import { Types, formatValue } from "./types/index.js";
import { logicalDump } from "./logical-dump.js";
import { SINK_STATUS_COLUMNS, sinkStatusRows } from "./sink.js";
import { registerCheckpointCatalog } from "./checkpoint-catalog.js";

export function registerSageCatalog(db: Database): void {
  const text = Types.text;
  const bigint = Types.bigint;
  db.registerSystemRelation(
    "sage_catalog",
    "late_rows",
    [
      { name: "stream", type: text },
      { name: "late_rows", type: bigint },
      { name: "watermark", type: Types.timestamp },
    ],
    () =>
      db.catalog
        .listRelations("stream")
        .map((r) => ({ r, wm: db.relation(r.id).watermark }))
        .filter(({ wm }) => wm !== null)
        .map(({ r, wm }) => [r.name, BigInt(wm!.lateRows), typeof wm!.current === "number" ? wm!.current : null]),
  );
  db.registerSystemRelation(
    "sage_catalog",
    "sources",
    [
      { name: "stream", type: text },
      { name: "connector", type: text },
      { name: "rows_produced", type: bigint },
      { name: "exhausted", type: Types.boolean },
      { name: "error", type: text },
      { name: "position", type: text },
      { name: "bad_messages", type: bigint },
      { name: "last_bad_message", type: text },
    ],
    () =>
      [...db.sourceRunners()].map(([id, runner]) => {
        const rel = db.catalog.relationById(id);
        return [rel?.name ?? id, rel?.options?.connector ?? null, BigInt(runner.rowsProduced), runner.exhausted, runner.error, runner.upstreamPosition ?? null, BigInt(runner.badMessages ?? 0), runner.lastBadMessage ?? null];
      }),
  );
  db.registerSystemRelation(
    "sage_catalog",
    "dataflows",
    [
      { name: "id", type: text },
      { name: "name", type: text },
      { name: "inputs", type: text },
      { name: "operators", type: text },
      { name: "state_rows", type: bigint },
    ],
    () =>
      db.streams.all().map((df) => {
        const rel = db.catalog.relationById(df.id);
        const inputs = df.inputs.map((i) => db.catalog.relationById(i)?.name ?? i).join(", ");
        const ops = df.operators.map((o) => o.name).join(" → ");
        const state = rel && rel.kind === "materialized_view" ? db.relation(rel.id).store.size : 0;
        return [df.id, rel?.name ?? "(subscription)", inputs, ops, BigInt(state)];
      }),
  );
  // the models' recent failures (input hashed, message already redacted: never an input or a key)
  db.registerSystemRelation(
    "sage_catalog",
    "model_errors",
    [
      { name: "model", type: text },
      { name: "input_hash", type: text },
      { name: "code", type: text },
      { name: "message", type: text },
      { name: "time", type: Types.timestamptz },
    ],
    () => db.models.runtime.errors().map((e) => [e.model, e.inputHash, e.code, e.message, e.time.getTime() * 1000]),
  );
  // metering per model since start: what was asked, what the cache answered, what it cost
  const double = Types.double;
  db.registerSystemRelation(
    "sage_catalog",
    "model_usage",
    [
      { name: "model", type: text },
      { name: "calls", type: bigint },
      { name: "requests", type: bigint },
      { name: "rows", type: bigint },
      { name: "cache_hits", type: bigint },
      { name: "errors", type: bigint },
      { name: "retries", type: bigint },
      { name: "prompt_tokens", type: bigint },
      { name: "completion_tokens", type: bigint },
      { name: "tokens", type: bigint },
      { name: "p50_latency_ms", type: double },
      { name: "p99_latency_ms", type: double },
      { name: "in_flight", type: bigint },
      // tokens × the prices in CREATE MODEL (price_per_1k_*_tokens); NULL without a price
      { name: "spend", type: double },
    ],
    () =>
      db.models.runtime.metrics().map((m) => [
        m.model,
        BigInt(m.calls),
        BigInt(m.requests),
        BigInt(m.rows),
        BigInt(m.cacheHits),
        BigInt(m.errors),
        BigInt(m.retries),
        BigInt(m.promptTokens),
        BigInt(m.completionTokens),
        BigInt(m.promptTokens + m.completionTokens),
        m.latencyP50Ms,
        m.latencyP99Ms,
        BigInt(m.inFlight),
        m.spend,
      ]),
  );
  // the whole database as SQL statements, read in one pass (what `sage-sql dump` prints); its own
  // id, not one from the catalog's counter, so that logs written before it existed (whose records
  // name relations by id) replay with the same ids
  db.registerSystemRelation(
    "sage_catalog",
    "dump",
    [
      { name: "n", type: bigint },
      { name: "statement", type: text },
    ],
    () => logicalDump(db).map((sql, i) => [BigInt(i + 1), sql]),
    "sys_sage_catalog_dump",
  );
  // sinks: state (running | retrying | failed), rows waiting, lag of the oldest, the last error
  db.registerSystemRelation("sage_catalog", "sink_status", SINK_STATUS_COLUMNS, () => sinkStatusRows(db));
  db.registerSystemRelation(
    "sage_catalog",
    "operators",
    [
      { name: "dataflow", type: text },
      { name: "name", type: text },
      { name: "operator_id", type: Types.integer },
      { name: "kind", type: text },
      { name: "rows_in", type: bigint },
      { name: "rows_out", type: bigint },
      { name: "time_ms", type: Types.double },
      { name: "state_rows", type: bigint },
      { name: "state_bytes", type: bigint },
      { name: "watermark", type: text },
      // rows waiting inside the operator (an async model call's backlog): backpressure
      { name: "queued_rows", type: bigint },
    ],
    () =>
      db.streams.all().flatMap((df) => {
        const name = db.catalog.relationById(df.id)?.name ?? "(subscription)";
        return df.stats.map((s) => {
          const wmType = s.watermarkColumn >= 0 ? s.node.types[s.watermarkColumn] : undefined;
          const wm = wmType && s.watermark !== undefined && s.watermark !== null ? formatValue(wmType, s.watermark) : null;
          return [df.id, name, s.id, s.kind, BigInt(s.rowsIn), BigInt(s.rowsOut), s.selfMs, BigInt(s.stateRows), BigInt(s.stateBytes), wm, BigInt(s.queuedRows)];
        });
      }),
  );
  registerCheckpointCatalog(db);
}
