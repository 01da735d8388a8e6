// Checkpoint figures for /metrics, fed by the engine's checkpoint observer (EngineDatabase
// .onCheckpoint): how long each took (histogram), bytes it wrote, the last committed epoch, and
// counts of checkpoints taken and of those that failed or were skipped (with the reason's kind).

import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { EngineDatabase } from "../engine.js";

/** Registers the checkpoint metrics in `registry`; returns the function that stops observing. */
export function observeCheckpoints(db: EngineDatabase, registry: Registry): () => void {
  const registers = [registry];
  const duration = new Histogram({
    name: "sage_checkpoint_duration_seconds",
    help: "Time to take a checkpoint (barrier, state blobs, manifest commit)",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const bytes = new Counter({ name: "sage_checkpoint_written_bytes_total", help: "Bytes of state written by checkpoints", registers });
  const lastBytes = new Gauge({ name: "sage_checkpoint_last_bytes", help: "Bytes of state the last checkpoint wrote", registers });
  const epoch = new Gauge({ name: "sage_checkpoint_last_epoch", help: "Epoch of the last committed checkpoint", registers });
  const taken = new Counter({ name: "sage_checkpoints_total", help: "Checkpoints committed", registers });
  const failures = new Counter({
    name: "sage_checkpoint_failures_total",
    help: "Checkpoints that failed (error) or were skipped (state or a connector that cannot be checkpointed yet)",
    labelNames: ["reason"],
    registers,
  });
  // both series exist from the start, so a rate() over them works before the first failure
  failures.inc({ reason: "error" }, 0);
  failures.inc({ reason: "skipped" }, 0);
  if (!db.onCheckpoint) return () => {};
  return db.onCheckpoint((e) => {
    if (!e.ok) {
      failures.inc({ reason: e.error.startsWith("checkpoint skipped") ? "skipped" : "error" });
      return;
    }
    duration.observe(e.stats.ms / 1000);
    bytes.inc(e.stats.bytes);
    lastBytes.set(e.stats.bytes);
    epoch.set(e.stats.epoch);
    taken.inc();
  });
}
