// `sage-sql worker --nats URL`: a worker of a cluster. It connects to NATS (unreachable: a clear
// error naming the URL and a non-zero exit), listens for the data plane (ws, authenticated with
// the cluster token) and runs the cluster protocol's worker: it joins the membership (a TTL KV
// record renewed every heartbeat), says hello to the leader coordinator (refused: another
// protocol version or a wrong token, a clear error and exit 3), and runs the fragment instances
// of the views the leader places on it, built from the specs in the cluster's KV.

import type { Command } from "commander";
import { randomUUID } from "node:crypto";
import { ClusterWorker, openClusterTransport, replicaInputScheme, StoredJobCatalog, type ClusterTransport } from "../../src/index.js";
import { exitAfterFlush } from "../process-exit.js";
import { timingFromEnv } from "./serve-coordinator.js";

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
  const token = o.clusterToken ?? process.env.SAGE_CLUSTER_TOKEN ?? "";
  if (token === "") process.stderr.write("sage-sql worker: warning: no cluster token (--cluster-token or SAGE_CLUSTER_TOKEN): data-plane connections are not authenticated\n");
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
  let transport: ClusterTransport;
  try {
    transport = await openClusterTransport({ nats: o.nats!, token, natsToken: process.env.SAGE_NATS_TOKEN ?? "", cluster: o.clusterName ?? process.env.SAGE_CLUSTER_NAME ?? "sage", host, port });
  } catch (e) {
    process.stderr.write(`sage-sql worker: ${(e as Error).message}\n`);
    return 2;
  }
  const id = o.id ?? randomUUID().slice(0, 8);
  const verbose = process.env.SAGE_CLUSTER_TRACE === "1";
  const worker = new ClusterWorker(
    id,
    { clock: transport.clock, backbone: transport.backbone, network: transport.network, trace: verbose ? (line) => process.stderr.write(`${line}\n`) : undefined },
    { token, jobs: new StoredJobCatalog(transport.backbone), input: replicaInputScheme, timing: timingFromEnv() },
  );
  try {
    await worker.start();
  } catch (e) {
    process.stderr.write(`sage-sql worker: cannot start on ${host}:${port}: ${(e as Error).message}\n`);
    await transport.close();
    return 2;
  }
  process.stdout.write(`sage-sql worker ${id} listening on ${worker.listenAddress}, cluster on ${o.nats}\n`);
  const code = await new Promise<number>((resolve) => {
    process.once("SIGINT", () => resolve(0));
    process.once("SIGTERM", () => resolve(0));
    // refused by the coordinator (a wrong token, another protocol version): stop with the reason
    const poll = setInterval(() => {
      if (worker.failure === null) return;
      clearInterval(poll);
      process.stderr.write(`sage-sql worker: ${worker.failure.message}\n`);
      resolve(3);
    }, 200);
  });
  worker.close();
  await worker.left;
  await transport.close();
  return code;
}
