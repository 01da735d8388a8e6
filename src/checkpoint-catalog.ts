// sage_catalog.checkpoints: the latest checkpoints (epoch, when, how long, bytes written) and the
// ones that failed or were skipped (with why), newest first, as the Checkpointer remembers them.
// An in-memory database takes no checkpoints and shows none.

import type { Database } from "./database.js";
import { Types } from "./types/index.js";

export function registerCheckpointCatalog(db: Database): void {
  const bigint = Types.bigint;
  db.registerSystemRelation(
    "sage_catalog",
    "checkpoints",
    [
      { name: "epoch", type: bigint },
      { name: "finished_at", type: Types.timestamptz },
      { name: "ok", type: Types.boolean },
      { name: "duration_ms", type: Types.double },
      { name: "bytes", type: bigint },
      { name: "blobs_written", type: bigint },
      { name: "blobs_reused", type: bigint },
      { name: "error", type: Types.text },
    ],
    () =>
      [...(db.checkpoints?.recent ?? [])].reverse().map((e) =>
        e.ok
          ? [BigInt(e.stats.epoch), (e.stats.at ?? 0) * 1000, true, e.stats.ms, BigInt(e.stats.bytes), BigInt(e.stats.written), BigInt(e.stats.reused), null]
          : [null, e.at * 1000, false, null, null, null, null, e.error],
      ),
    // a fixed id, not one from the catalog's counter (which user relations' ids come from)
    "sys_sage_catalog_checkpoints",
  );
}
