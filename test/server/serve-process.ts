// `sage-sql serve` as a child process (the built CLI in dist/): resolves once it has printed its
// pgwire port (and its HTTP port, unless started with --no-http), or rejects with its output when it
// exits or does not start in time. The caller stops it.

import { spawn, type ChildProcess } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CLI = join(import.meta.dirname, "..", "..", "dist", "cli", "main.js");

export interface ServeProcess {
  proc: ChildProcess;
  pgPort: number;
  /** null when started with --no-http */
  httpPort: number | null;
  /** everything the server wrote to stderr so far (its logs) */
  stderr: () => string;
}

export function startServe(args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [CLI, "serve", ...args], { env: { ...process.env, HOME: tmpdir(), ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  const wantHttp = !args.includes("--no-http");
  let out = "";
  let err = "";
  proc.stderr!.on("data", (b: Buffer) => (err += b.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out} ${err}`)), options.timeoutMs ?? 30_000);
    const exited = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`serve exited ${code}: ${err}`));
    };
    proc.on("exit", exited);
    proc.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const pgPort = /psql -h \S+ -p (\d+)/.exec(out);
      const http = /http: http:\/\/\S+:(\d+)\//.exec(out);
      if (pgPort && (http || !wantHttp)) {
        clearTimeout(timer);
        proc.off("exit", exited);
        resolve({ proc, pgPort: Number(pgPort[1]), httpPort: http ? Number(http[1]) : null, stderr: () => err });
      }
    });
  });
}
