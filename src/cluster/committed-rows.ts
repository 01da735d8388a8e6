// Reads a view's rows as of its last committed epoch, from the checkpoint objects alone: each
// materialize partition is rebuilt from its committed chain (its rows only) and asked for its rows. This is a
// consistent snapshot (one epoch, every partition) that needs no worker to be up, which is what
// an ad-hoc SELECT on a coordinator can serve, and what the simulation checks against one node.

import type { KeyValueBucket, ObjectStore } from "./backbone.js";
import type { ClusterJob } from "./cluster-job.js";
import { type CommittedEpoch, committedKey, decodeRecord, instanceKey } from "./cluster-records.js";
import type { Chunk } from "../types/index.js";
import { restoreRows } from "./instance-checkpoint.js";

export interface CommittedRows {
  epoch: number;
  /** log sequence of the epoch's marker: every write before it is in the rows, none after */
  seq: number;
  rows: Chunk[];
}

/** null: nothing committed yet; throws when a committed object is missing */
export async function readCommittedRows(cluster: KeyValueBucket, objects: ObjectStore, job: ClusterJob): Promise<CommittedRows | null> {
  const entry = await cluster.get(committedKey(job.view));
  if (entry === null) return null;
  const committed = decodeRecord<CommittedEpoch>(entry.value);
  const rows: Chunk[] = [];
  for (const f of job.fragments) {
    if (f.output !== "materialize") continue;
    for (let p = 0; p < f.parallelism; p++) {
      const instance = job.createInstance(f.id, p, () => undefined);
      const links = committed.objects[instanceKey(f.id, p)];
      if (links !== undefined) await restoreRows(instance, job.view, f.id, p, links, objects);
      rows.push(...instance.rows());
    }
  }
  return { epoch: committed.epoch, seq: committed.seq, rows };
}
