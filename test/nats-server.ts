// A throwaway nats-server (with JetStream) on a free loopback port, for the NATS connector tests.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Socket } from "node:net";
import { freePort } from "./free-port.js";

export { freePort };
import { tmpdir } from "node:os";
import { join } from "node:path";

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
    s.connect(port, "127.0.0.1");
  });
}

export class NatsServer {
  private proc: ChildProcess | null = null;
  readonly storeDir = mkdtempSync(join(tmpdir(), "sage-nats-"));

  private constructor(
    readonly port: number,
    /** more nats-server flags (e.g. --auth TOKEN) */
    private readonly extraArgs: readonly string[] = [],
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(extraArgs: readonly string[] = []): Promise<NatsServer> {
    const s = new NatsServer(await freePort(), extraArgs);
    await s.restart();
    return s;
  }

  /** (Re)starts the server on the same port and store directory (JetStream data survives). */
  async restart(): Promise<void> {
    const proc = spawn("nats-server", ["-js", "-a", "127.0.0.1", "-p", String(this.port), "-sd", this.storeDir, ...this.extraArgs], { stdio: "ignore" });
    let failed: Error | null = null;
    proc.once("error", (e) => (failed = new Error(`cannot start nats-server (Debian package nats-server; .ci/run installs it): ${e.message}`)));
    this.proc = proc;
    for (let i = 0; i < 200; i++) {
      if (failed) throw failed;
      if (await portOpen(this.port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("nats-server did not start");
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    p.kill("SIGTERM");
    await new Promise((r) => p.once("exit", r));
  }

  /** Freezes the server (SIGSTOP): its sockets stay open but nothing answers. Resolves once it is stopped. */
  async pause(): Promise<void> {
    const p = this.proc;
    if (!p?.pid) return;
    p.kill("SIGSTOP");
    // the state field of /proc/<pid>/stat turns to T (stopped)
    for (let i = 0; i < 200; i++) {
      const stat = readFileSync(`/proc/${p.pid}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2)[0] === "T") return;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error("nats-server did not stop");
  }

  resume(): void {
    this.proc?.kill("SIGCONT");
  }

  async destroy(): Promise<void> {
    this.resume();
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
