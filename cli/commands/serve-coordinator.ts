// `sage-sql serve --role coordinator --nats URL`: the serve command in cluster mode. NATS is
// reached first (unreachable: a clear error naming the URL and a non-zero exit, nothing else
// started); the database then opens as a replica of the cluster's input log (src/log-replica.ts):
// it applies the log, runs the cluster protocol's coordinator (leader election with fencing terms,
// worker membership, placement of views on workers, barriers and checkpoints), and serves clients
// only while it leads (a standby answers 57P03 naming the leader, so libpq's multi-host strings
// fall through to it).

import { LogReplica, openClusterTransport, ReplicaPosition, type ClusterTransport, type Database } from "../../src/index.js";

export interface CoordinatorFlags {
  role?: string;
  nats?: string;
  clusterToken?: string;
  clusterName?: string;
}

export interface CoordinatorStart {
  transport: ClusterTransport;
  backbone: ClusterTransport["backbone"];
  position: ReplicaPosition;
  token: string;
}

/** null: single-node mode; a string: the error to print (exit 2). */
export async function connectCoordinator(o: CoordinatorFlags): Promise<CoordinatorStart | string | null> {
  const role = o.role ?? (o.nats ? "coordinator" : "single");
  if (role !== "single" && role !== "coordinator") return `--role must be coordinator (or single, the default), not "${role}"`;
  if (role === "single") return null;
  if (!o.nats) return "--role coordinator needs --nats <url> (the NATS JetStream server of the cluster)";
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
    return { transport, backbone: transport.backbone, position: new ReplicaPosition(), token };
  } catch (e) {
    return (e as Error).message;
  }
}

/** Starts the replica once the server listens at `address`; resolves after it caught up with the log. */
export async function startReplica(db: Database, start: CoordinatorStart, address: () => string, log: (event: string, fields: Record<string, unknown>) => void): Promise<LogReplica> {
  const resumedAfter = start.position.seq;
  const replica = new LogReplica(db, start.backbone, start.position, { address, log, clock: start.transport.clock, network: start.transport.network, token: start.token, timing: timingFromEnv() });
  await replica.start();
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
