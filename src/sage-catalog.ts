// sage_catalog: system views over the running engine (continuous queries, late rows).

import type { Database } from "./database.js";
import { Types } from "./types/index.js";
import { SINK_STATUS_COLUMNS, sinkStatusRows } from "./sink.js";

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
    ],
    () =>
      [...db.sourceRunners()].map(([id, runner]) => {
        const rel = db.catalog.relationById(id);
        return [rel?.name ?? id, rel?.options?.connector ?? null, BigInt(runner.rowsProduced), runner.exhausted, runner.error, runner.position ?? null];
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
  // sinks: state (running | retrying | failed), rows waiting, lag of the oldest, the last error
  db.registerSystemRelation("sage_catalog", "sink_status", SINK_STATUS_COLUMNS, () => sinkStatusRows(db));
}
