// A cluster of real processes for the cluster benchmarks: nats-server (JetStream, a temp store),
// one coordinator (`sage-sql serve --role coordinator`) and N workers (`sage-sql worker`), all
// running the built CLI (dist/), as test/cluster-processes.test.ts starts them; plus a pg client
// of the coordinator that reads values as text.
import { spawn, type ChildProcess } from "node:child_process";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { freePort } from "../../test/free-port.js";
import { NatsServer } from "../../test/nats-server.js";

const CLI = fileURLToPath(new URL("../../cli/main.js", import.meta.url));
const TOKEN = "bench-cluster-token";
/** the failure-detection timing of the cluster under benchmark (the test suite's short one) */
// a checkpoint every 2 barriers: FLUSH waits for a committed epoch, and with 12 (the process test's) that wait of ~3 s was most of every figure
export const TIMING = { heartbeatMs: 300, workerTtlMs: 2000, leaderTtlMs: 5000, barrierIntervalMs: 250, takeoverGraceMs: 800, checkpointTimeoutMs: 12000, checkpointEveryEpochs: 2 };
const RAW_TEXT = { getTypeParser: () => (v: string) => v };

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** a child process of the CLI, its output kept for failure messages */
export class CliChild {
  readonly proc: ChildProcess;
  out = "";
  err = "";
  exitCode: number | null = null;
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    args: string[],
  ) {
    this.proc = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, HOME: tmpdir(), SAGE_CLUSTER_TOKEN: TOKEN, SAGE_CLUSTER_TIMING: JSON.stringify(TIMING) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.proc.stdout!.on("data", (b: Buffer) => (this.out += b.toString()));
    this.proc.stderr!.on("data", (b: Buffer) => (this.err = (this.err + b.toString()).slice(-8000)));
    this.exited = new Promise((resolve) => this.proc.once("exit", (code) => resolve((this.exitCode = code))));
  }

  async printed(re: RegExp, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!re.test(this.out)) {
      if (this.exitCode !== null || Date.now() > deadline) throw new Error(`${this.name} did not print ${re} (exit ${this.exitCode}):\n${this.err.slice(-3000)}`);
      await sleep(50);
    }
  }

  kill9(): Promise<number | null> {
    if (this.exitCode === null) this.proc.kill("SIGKILL");
    return this.exited;
  }

  async stop(): Promise<void> {
    if (this.exitCode !== null) return;
    this.proc.kill("SIGTERM");
    const t = setTimeout(() => this.proc.kill("SIGKILL"), 5000);
    await this.exited;
    clearTimeout(t);
  }
}

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
    const coordinator = new CliChild("coordinator", ["serve", "--role", "coordinator", "--nats", nats.url, "--memory", "--port", String(port), "--no-http"]);
    let client: pg.Client | null = null;
    try {
      await coordinator.printed(/psql -h \S+ -p \d+/);
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

  async startWorker(id: string): Promise<CliChild> {
    const child = new CliChild(`worker ${id}`, ["worker", "--nats", this.nats.url, "--id", id]);
    this.workers.set(id, child);
    await child.printed(/sage-sql worker \S+ listening on/);
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
