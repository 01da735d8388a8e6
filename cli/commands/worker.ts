// `sage-sql worker --nats URL`: a worker of a cluster. For now it connects to NATS (unreachable:
// a clear error naming the URL and a non-zero exit), listens for the data plane (ws, authenticated
// with the cluster token), registers in the `workers` TTL bucket and renews it every second
// (sage_catalog.workers lists it; killed, it disappears within the TTL), and prints its id and
// address. What it runs (fragments) comes with the coordinator protocol.

import type { Command } from "commander";
import { randomUUID } from "node:crypto";
import { connectBackbone, WorkerHeartbeat, WsNetwork, type Backbone } from "../../src/index.js";
import { exitAfterFlush } from "../process-exit.js";

interface WorkerOptions {
  nats?: string;
  clusterToken?: string;
  clusterName?: string;
  listen?: string;
  id?: string;
}

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("run a worker of a cluster (its coordinator: sage-sql serve --role coordinator)")
    .requiredOption("--nats <url>", "the cluster's NATS JetStream server (nats://host:port)")
    .option("--cluster-token <token>", "the cluster's shared secret for its data plane (default $SAGE_CLUSTER_TOKEN)")
    .option("--cluster-name <name>", "the cluster's name on NATS (default sage)")
    .option("--listen <host:port>", "where other nodes reach this worker's data plane (default 127.0.0.1 and a free port)")
    .option("--id <id>", "this worker's id (default: a random one)")
    .action(async (options: WorkerOptions) => {
      await exitAfterFlush(await runWorker(options));
    });
}

async function runWorker(o: WorkerOptions): Promise<number> {
  const token = o.clusterToken ?? process.env.SAGE_CLUSTER_TOKEN;
  if (!token) process.stderr.write("sage-sql worker: warning: no cluster token (--cluster-token or SAGE_CLUSTER_TOKEN): data-plane connections are not authenticated\n");
  let host = "127.0.0.1";
  let port = 0;
  if (o.listen) {
    const m = /^(.*):(\d+)$/.exec(o.listen);
    if (!m) {
      process.stderr.write(`sage-sql worker: --listen wants host:port, not "${o.listen}"\n`);
      return 2;
    }
    host = m[1].replace(/^\[(.*)\]$/, "$1");
    port = Number(m[2]);
  }
  let backbone: Backbone;
  try {
    backbone = await connectBackbone(o.nats!, { cluster: o.clusterName ?? process.env.SAGE_CLUSTER_NAME ?? "sage", clientName: "sage-sql worker" });
  } catch (e) {
    process.stderr.write(`sage-sql worker: ${(e as Error).message}\n`);
    return 2;
  }
  const network = new WsNetwork({ token: token ?? "", host, port });
  let address: string;
  try {
    // nothing to run yet: a peer's connection is closed once authenticated
    address = await network.listen((c) => c.close());
  } catch (e) {
    process.stderr.write(`sage-sql worker: cannot listen on ${host}:${port}: ${(e as Error).message}\n`);
    await backbone.close();
    return 2;
  }
  const id = o.id ?? randomUUID().slice(0, 8);
  const heartbeat = new WorkerHeartbeat(backbone, id, address);
  try {
    await heartbeat.start();
    if (heartbeat.lastError) throw heartbeat.lastError;
  } catch (e) {
    process.stderr.write(`sage-sql worker: cannot register with the cluster on ${o.nats}: ${(e as Error).message}\n`);
    await heartbeat.stop();
    await network.close();
    await backbone.close();
    return 2;
  }
  process.stdout.write(`sage-sql worker ${id} listening on ${address}, registered with the cluster on ${o.nats}\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await heartbeat.stop();
  await network.close();
  await backbone.close();
  return 0;
}
