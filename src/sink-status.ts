// What sinks report for sage_catalog.sink_status: rows written, the last epoch fully written, how
// many rows wait (lag), the current error and how often a write was retried.

import type { Database } from "./database.js";

export interface SinkStatus {
  sink: string;
  connector: string;
  rowsWritten: number;
  lastEpoch: number;
  lagRows: number;
  error: string | null;
  retries: number;
}

export interface SinkStatusSource {
  status(): SinkStatus;
}

const reporting = new WeakMap<Database, Set<SinkStatusSource>>();

/** Adds a sink to sage_catalog.sink_status; returns what removes it (on DROP SINK). */
export function reportSinkStatus(db: Database, sink: SinkStatusSource): () => void {
  let set = reporting.get(db);
  if (!set) reporting.set(db, (set = new Set()));
  set.add(sink);
  return () => set.delete(sink);
}

export function sinkStatuses(db: Database): SinkStatus[] {
  return [...(reporting.get(db) ?? [])].map((s) => s.status());
}
