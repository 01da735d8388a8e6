// `sage-sql serve --role coordinator --nats URL`: the serve command in cluster mode. NATS is
// reached first (unreachable: a clear error naming the URL and a non-zero exit, nothing else
// started); the database then opens as a replica of the cluster's input log (src/log-replica.ts):
// it applies the log, runs the cluster protocol's coordinator (leader election with fencing terms,
// worker membership, placement of views on workers, barriers and checkpoints), and serves clients
// only while it leads (a standby answers 57P03 naming the leader, so libpq's multi-host strings
// fall through to it).

import { rmSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { bootstrapLogSnapshot, DEFAULT_TIMING, holdLogPosition, LogReplica, openClusterTransport, ReplicaPosition, type ClusterTransport, type Database, type LogSnapshotOptions } from "../../src/index.js";

export interface CoordinatorFlags {
  role?: string;
  nats?: string;
  clusterToken?: string;
  clusterName?: string;
  logSnapshotMessages?: string;
  logSnapshotBytes?: string;
}

export interface CoordinatorStart {
  transport: ClusterTransport;
  backbone: ClusterTransport["backbone"];
  position: ReplicaPosition;
  token: string;
  snapshots: Partial<LogSnapshotOptions>;
  /** started from a snapshot: the hold on the log after it, until the replica holds its own position */
  releaseBootstrap?: () => void;
}

/** null: single-node mode; a string: the error to print (exit 2). */
export async function connectCoordinator(o: CoordinatorFlags): Promise<CoordinatorStart | string | null> {
  const role = o.role ?? (o.nats ? "coordinator" : "single");
  if (role !== "single" && role !== "coordinator") return `--role must be coordinator (or single, the default), not "${role}"`;
  if (role === "single") return null;
  if (!o.nats) return "--role coordinator needs --nats <url> (the NATS JetStream server of the cluster)";
  const snapshots: Partial<LogSnapshotOptions> = {};
  for (const [flag, value, key] of [["--log-snapshot-messages", o.logSnapshotMessages, "everyMessages"], ["--log-snapshot-bytes", o.logSnapshotBytes, "everyBytes"]] as const) {
    if (value === undefined) continue;
    if (!/^\d+$/.test(value)) return `${flag} must be a whole number, not "${value}"`;
    snapshots[key] = Number(value);
  }
  const token = o.clusterToken ?? process.env.SAGE_CLUSTER_TOKEN ?? "";
  if (token === "") process.stderr.write("sage-sql serve: warning: no cluster token (--cluster-token or SAGE_CLUSTER_TOKEN): cluster connections are not authenticated\n");
  try {
    const transport = await openClusterTransport({
      nats: o.nats,
      token,
      natsToken: process.env.SAGE_NATS_TOKEN ?? "",
      cluster: o.clusterName ?? process.env.SAGE_CLUSTER_NAME ?? "sage",
      host: process.env.SAGE_CLUSTER_HOST ?? "127.0.0.1",
    });
    return { transport, backbone: transport.backbone, position: new ReplicaPosition(), token, snapshots };
  } catch (e) {
    return (e as Error).message;
  }
}

/** Starts the replica once the server listens at `address`; resolves after it caught up with the log. */
export async function startReplica(db: Database, start: CoordinatorStart, address: () => string, log: (event: string, fields: Record<string, unknown>) => void): Promise<LogReplica> {
  const resumedAfter = start.position.seq;
  const behindCut = (why: string): void => {
    // its data directory stays as it was: started again, it is behind the cut and bootstraps
    process.stderr.write(`sage-sql serve: ${why}\n`);
    process.exit(75);
  };
  const replica = new LogReplica(db, start.backbone, start.position, { address, log, clock: start.transport.clock, network: start.transport.network, token: start.token, timing: timingFromEnv(), snapshots: start.snapshots, behindCut });
  await replica.start();
  start.releaseBootstrap?.();
  const s = replica.status();
  process.stdout.write(`coordinator ${replica.node}: resumed the input log after sequence ${resumedAfter} (from the data directory), applied it to ${s.appliedSeq}, ${s.role}\n`);
  return replica;
}

/** SAGE_CLUSTER_TIMING='{"heartbeatMs":500,...}': the protocol's timing (tests shorten it) */
export function timingFromEnv(): Record<string, number> | undefined {
  const raw = process.env.SAGE_CLUSTER_TIMING;
  if (!raw) return undefined;
  return JSON.parse(raw) as Record<string, number>;
}

/**
 * Opens the coordinator's database; if the input log was cut past the sequence it holds (an empty
 * data directory, or one left behind), discards it and starts from the cluster's latest snapshot
 * (log-snapshots.ts), downloaded into the data directory. `dataDir` null: in memory, which
 * cannot start behind the cut.
 */
export async function openCoordinatorDatabase(start: CoordinatorStart, open: () => Promise<Database>, dataDir: string | null): Promise<Database> {
  let db = await open();
  const { firstSeq } = await start.backbone.log.info();
  if (start.position.seq + 1 >= firstSeq) return db;
  await db.close();
  if (dataDir === null) throw new Error(`the input log starts at sequence ${firstSeq} (it was cut): a coordinator in memory (--memory) cannot start from the snapshot; give it a --data-dir`);
  process.stdout.write(`coordinator: the input log starts at sequence ${firstSeq}, past this data directory's ${start.position.seq}: starting from the latest snapshot\n`);
  rmSync(dataDir, { recursive: true, force: true });
  // the snapshot's sequence is held (the leader cuts no further) until the replica holds its own
  const leaderTtlMs = { ...DEFAULT_TIMING, ...timingFromEnv() }.leaderTtlMs;
  const seq = await bootstrapLogSnapshot(start.backbone, dataDir, async (snapshotSeq) => {
    // a hold per snapshot tried (its own key: the release of the previous one deletes that one only)
    const release = await holdLogPosition(start.backbone, leaderTtlMs, `bootstrap-${randomUUID()}`, () => snapshotSeq);
    start.releaseBootstrap?.();
    start.releaseBootstrap = release;
  });
  start.position = new ReplicaPosition();
  db = await open();
  process.stdout.write(`coordinator: started from the snapshot at sequence ${seq}\n`);
  return db;
}
