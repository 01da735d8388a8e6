// A cluster of real processes on loopback for the cluster's process tests: nats-server (JetStream,
// a temp store), coordinators (`sage-sql serve --role coordinator`) and workers (`sage-sql
// worker`), all children running the built CLI (dist/), with the cluster's token and a short
// protocol timing, and a pg client of whichever coordinator leads.
import pg from "pg";
import { freePort } from "../free-port.js";
import { NatsServer } from "../nats-server.js";
import { CliChild, sleep } from "./cli-child.js";

export const CLUSTER_TOKEN = "test-cluster-token";
/** short timeouts so that failures are detected within a second or two */
export const TEST_TIMING = { heartbeatMs: 300, workerTtlMs: 2000, leaderTtlMs: 5000, barrierIntervalMs: 250, takeoverGraceMs: 800, checkpointTimeoutMs: 12000, checkpointEveryEpochs: 12 };

const RAW_TEXT = { getTypeParser: () => (v: string) => v };

/** polls `f` (errors count as "not yet") until it gives a value, or throws after `timeoutMs` with `context()` */
export async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, context: () => string = () => ""): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await f();
      if (v !== null && v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}\n${context()}`);
    await sleep(200);
  }
}

export function sortedLines(rows: string[][]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

export class ProcessCluster {
  readonly coordinators: { child: CliChild; port: number }[] = [];
  readonly workers = new Map<string, CliChild>();
  /** every child started, for failure context and the final stop */
  readonly all: CliChild[] = [];
  private client: pg.Client | null = null;

  private constructor(
    readonly nats: NatsServer,
    /** what every child is started with: the token and the timing (tests may add to it) */
    readonly env: Record<string, string>,
  ) {}

  static async start(options: { timing?: Record<string, number>; env?: Record<string, string> } = {}): Promise<ProcessCluster> {
    const env = { SAGE_CLUSTER_TOKEN: CLUSTER_TOKEN, SAGE_CLUSTER_TIMING: JSON.stringify(options.timing ?? TEST_TIMING), ...options.env };
    return new ProcessCluster(await NatsServer.start(), env);
  }

  /** the stderr tails of children that failed or said something, for a failure message */
  readonly context = (): string =>
    this.all
      .filter((c) => c.exitCode !== null || c.err.length > 0)
      .map((c) => `--- ${c.name} (exit ${c.exitCode}) stderr:\n${c.err.slice(-3000)}`)
      .join("\n");

  /** `dataDir`: a coordinator with a data directory (default: in memory) */
  async startCoordinator(name: string, extraArgs: string[] = [], options: { dataDir?: string } = {}): Promise<{ child: CliChild; port: number }> {
    const port = await freePort();
    const storage = options.dataDir === undefined ? ["--memory"] : ["--data-dir", options.dataDir];
    const child = new CliChild(name, ["serve", "--role", "coordinator", "--nats", this.nats.url, ...storage, "--port", String(port), "--no-http", "--verbose", ...extraArgs], this.env);
    this.all.push(child);
    await child.printed(/psql -h \S+ -p \d+/, 60_000);
    const c = { child, port };
    this.coordinators.push(c);
    return c;
  }

  async startWorker(id: string, env: Record<string, string> = {}): Promise<CliChild> {
    // traced: a failure's context then says what each worker saw (its lease, leader link, generations)
    const child = new CliChild(`worker ${id}`, ["worker", "--nats", this.nats.url, "--id", id], { SAGE_CLUSTER_TRACE: "1", ...this.env, ...env });
    this.all.push(child);
    await child.printed(/sage-sql worker \S+ listening on/);
    this.workers.set(id, child);
    return child;
  }

  /** the port of a coordinator leading now (standbys refuse with 57P03) */
  async leaderPort(timeoutMs = 30_000): Promise<number> {
    return (await this.leaderClient(timeoutMs)).port;
  }

  /** forgets the current client (its coordinator went away) */
  dropClient(): void {
    const c = this.client;
    this.client = null;
    void c?.end().catch(() => undefined);
  }

  /** a client of whichever coordinator leads now */
  async leaderClient(timeoutMs = 30_000): Promise<pg.Client> {
    if (this.client !== null) return this.client;
    this.client = await until(
      "a leading coordinator",
      async () => {
        for (const c of this.coordinators) {
          if (c.child.exitCode !== null) continue;
          const cl = new pg.Client({ host: "127.0.0.1", port: c.port, user: "sage", database: "sage" });
          cl.on("error", () => undefined);
          try {
            await cl.connect();
            const r = await cl.query("SELECT role FROM sage_catalog.cluster");
            if (r.rows[0].role === "leader") return cl;
          } catch {
            // a standby, or one still starting
          }
          await cl.end().catch(() => undefined);
        }
        return null;
      },
      timeoutMs,
      this.context,
    );
    return this.client;
  }

  /** runs `sql` on the leader, values as text; a read (SELECT, FLUSH) is retried on the next leader if the leader went away */
  async query(sql: string): Promise<string[][]> {
    for (let attempt = 0; ; attempt++) {
      const cl = await this.leaderClient();
      try {
        const r = await cl.query({ text: sql, rowMode: "array", types: RAW_TEXT });
        return r.rows as string[][];
      } catch (e) {
        // a statement of a lost leader is retried only when it reads
        this.client = null;
        await cl.end().catch(() => undefined);
        if (attempt >= 3 || !/^\s*(SELECT|FLUSH)/i.test(sql)) throw e;
        await sleep(500);
      }
    }
  }

  /** the leader's postgres:// URL */
  async url(): Promise<string> {
    return `postgres://sage@127.0.0.1:${await this.leaderPort()}/sage`;
  }

  async stop(verbose = false): Promise<void> {
    if (verbose) for (const c of this.all) process.stderr.write(`--- ${c.name} (exit ${c.exitCode})\n${c.err.slice(-6000)}\n`);
    await this.client?.end().catch(() => undefined);
    this.client = null;
    // a stopped (SIGSTOP) child cannot take SIGTERM: let it run first
    for (const c of this.all) if (c.exitCode === null) c.proc.kill("SIGCONT");
    await Promise.all(this.all.map((c) => c.stop()));
    await this.nats.stop();
  }
}
