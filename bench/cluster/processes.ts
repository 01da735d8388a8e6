// A cluster of real processes for the cluster benchmarks: nats-server (JetStream, a temp store),
// one coordinator (`sage-sql serve --role coordinator`) and N workers (`sage-sql worker`), all
// running the built CLI (dist/), as test/cluster-processes.test.ts starts them; plus a pg client
// of the coordinator that reads values as text.
import pg from "pg";
import { freePort } from "../../test/free-port.js";
import { NatsServer } from "../../test/nats-server.js";
import { CliChild, sleep } from "../../test/cluster/cli-child.js";

const TOKEN = "bench-cluster-token";
/** the failure-detection timing of the cluster under benchmark (the test suite's short one) */
// a checkpoint every 2 barriers: FLUSH waits for a committed epoch, and with 12 (the process test's) that wait of ~3 s was most of every figure
export const TIMING = { heartbeatMs: 300, workerTtlMs: 2000, leaderTtlMs: 5000, barrierIntervalMs: 250, takeoverGraceMs: 800, checkpointTimeoutMs: 12000, checkpointEveryEpochs: 2 };
const RAW_TEXT = { getTypeParser: () => (v: string) => v };

/** what every child of the bench cluster is started with: the cluster's token and the timing above */
const CHILD_ENV = { SAGE_CLUSTER_TOKEN: TOKEN, SAGE_CLUSTER_TIMING: JSON.stringify(TIMING) };

export { sleep };

export class BenchCluster {
  readonly workers = new Map<string, CliChild>();
  private constructor(
    private readonly nats: NatsServer,
    private readonly coordinator: CliChild,
    readonly client: pg.Client,
  ) {}

  /** nats-server, a coordinator and `workers` workers, waiting until the coordinator lists them all */
  static async start(workers: number): Promise<BenchCluster> {
    const nats = await NatsServer.start();
    const port = await freePort();
    const coordinator = new CliChild("coordinator", ["serve", "--role", "coordinator", "--nats", nats.url, "--memory", "--port", String(port), "--no-http"], CHILD_ENV);
    let client: pg.Client | null = null;
    try {
      await coordinator.printed(/psql -h \S+ -p \d+/, 60_000);
      // the coordinator serves once it leads (a standby refuses with 57P03)
      for (let attempt = 0; client === null; attempt++) {
        const c = new pg.Client({ host: "127.0.0.1", port, user: "sage", database: "sage", query_timeout: 60_000 });
        c.on("error", () => undefined);
        try {
          await c.connect();
          client = c;
        } catch (e) {
          await c.end().catch(() => undefined);
          if (attempt > 100) throw e;
          await sleep(200);
        }
      }
    } catch (e) {
      await coordinator.stop();
      await nats.destroy();
      throw e;
    }
    const cluster = new BenchCluster(nats, coordinator, client);
    for (let i = 1; i <= workers; i++) await cluster.startWorker(`w${i}`);
    return cluster;
  }

  /** the NATS server's URL (to read the object store directly) */
  get natsUrl(): string {
    return this.nats.url;
  }

  async startWorker(id: string): Promise<CliChild> {
    const child = new CliChild(`worker ${id}`, ["worker", "--nats", this.nats.url, "--id", id], CHILD_ENV);
    this.workers.set(id, child);
    await child.printed(/sage-sql worker \S+ listening on/, 60_000);
    const deadline = Date.now() + 30_000;
    while (!(await this.query("SELECT id FROM sage_catalog.workers")).some((r) => r[0] === id)) {
      if (Date.now() > deadline) throw new Error(`worker ${id} not listed by the coordinator`);
      await sleep(100);
    }
    return child;
  }

  async query(sql: string): Promise<string[][]> {
    const r = await this.client.query({ text: sql, rowMode: "array", types: RAW_TEXT });
    return r.rows as string[][];
  }

  async stop(): Promise<void> {
    await this.client.end().catch(() => undefined);
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    await this.coordinator.stop();
    await this.nats.destroy();
  }
}
