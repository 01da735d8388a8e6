// A child process of the built CLI (dist/cli/main.js) for the cluster's real-process tests and
// benches: its stdout kept whole (tests match on it), its stderr's tail kept for failure messages.
import { spawn, type ChildProcess } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

// the built CLI of this checkout, whether this file runs from source (vitest) or compiled (benches
// run from dist/, where this file is dist/test/cluster/cli-child.js)
const here = fileURLToPath(import.meta.url);
const compiled = here.lastIndexOf(`${sep}dist${sep}test${sep}`);
const root = compiled >= 0 ? here.slice(0, compiled) : resolve(dirname(here), "..", "..");
const CLI = join(root, "dist", "cli", "main.js");

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export class CliChild {
  readonly proc: ChildProcess;
  out = "";
  err = "";
  exitCode: number | null = null;
  readonly exited: Promise<number | null>;

  /** `env` is added to this process's (HOME points at the temp directory: no user config is read) */
  constructor(
    readonly name: string,
    args: string[],
    env: Record<string, string>,
  ) {
    this.proc = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, HOME: tmpdir(), ...env }, stdio: ["ignore", "pipe", "pipe"] });
    this.proc.stdout!.on("data", (b: Buffer) => (this.out += b.toString()));
    this.proc.stderr!.on("data", (b: Buffer) => (this.err = (this.err + b.toString()).slice(-8000)));
    this.exited = new Promise((resolve) => this.proc.once("exit", (code) => resolve((this.exitCode = code))));
  }

  /** waits (bounded) until stdout matches */
  async printed(re: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(this.out);
      if (m) return m;
      if (this.exitCode !== null || Date.now() > deadline) throw new Error(`${this.name} did not print ${re} (exit ${this.exitCode}):\n${this.out}\n${this.err.slice(-4000)}`);
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
