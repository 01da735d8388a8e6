// sage_catalog.workers, sage_catalog.fragments (views on workers) and sage_catalog.cluster: what a coordinator knows of the cluster (see
// log-replica.ts). In single-node mode there are no workers and the one cluster row says so.

import type { Database } from "./database.js";
import { Types } from "./types/index.js";

export function registerReplicaCatalog(db: Database): void {
  const text = Types.text;
  db.registerSystemRelation(
    "sage_catalog",
    "workers",
    [
      { name: "id", type: text },
      { name: "address", type: text },
      { name: "vnodes", type: Types.integer },
      { name: "state", type: text },
      { name: "heartbeat", type: Types.timestamptz },
    ],
    () => (db.cluster.root.replication?.workers() ?? []).map((w) => [w.id, w.address, w.vnodes, w.state, w.heartbeat === null ? null : w.heartbeat * 1000]),
    "sys_sage_catalog_workers",
  );
  db.registerSystemRelation(
    "sage_catalog",
    "fragments",
    [
      { name: "view", type: text },
      { name: "fragment", type: Types.integer },
      { name: "operators", type: text },
      { name: "parallelism", type: Types.integer },
      { name: "placement", type: text },
    ],
    () => db.cluster.root.replication?.fragments?.() ?? [],
    "sys_sage_catalog_fragments",
  );
  db.registerSystemRelation(
    "sage_catalog",
    "cluster",
    [
      { name: "node", type: text },
      { name: "role", type: text },
      { name: "leader", type: text },
      { name: "term", type: Types.bigint },
      { name: "applied_seq", type: Types.bigint },
    ],
    () => {
      const r = db.cluster.root.replication;
      if (!r) return [[null, "single", null, null, null]];
      const s = r.status();
      return [[s.node, s.role, s.leader, BigInt(s.term), BigInt(s.appliedSeq)]];
    },
    "sys_sage_catalog_cluster",
  );
  // the cluster's input log (log-snapshots.ts): what it holds and its latest snapshot; no row on a single node
  db.registerSystemRelation(
    "sage_catalog",
    "input_log",
    [
      { name: "first_seq", type: Types.bigint },
      { name: "last_seq", type: Types.bigint },
      { name: "messages", type: Types.bigint },
      { name: "bytes", type: Types.bigint },
      { name: "snapshot_seq", type: Types.bigint },
      { name: "snapshot_at", type: Types.timestamptz },
      { name: "snapshot_bytes", type: Types.bigint },
    ],
    () => {
      const l = db.cluster.root.replication?.inputLog?.();
      if (!l) return [];
      const big = (n: number | null) => (n === null ? null : BigInt(n));
      return [[big(l.firstSeq), big(l.lastSeq), big(l.messages), big(l.bytes), big(l.snapshotSeq), l.snapshotAt === null ? null : l.snapshotAt * 1000, big(l.snapshotBytes)]];
    },
    "sys_sage_catalog_input_log",
  );
}
