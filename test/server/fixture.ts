// Shared helpers for the wire-protocol tests: a server on a free loopback port over an in-memory
// database, the real psql binary, and a raw protocol client (pg-protocol's serializer and
// parser) for what drivers don't let a test do.

import { execFile } from "node:child_process";
import { connect, type Socket } from "node:net";
import { parse, serialize } from "pg-protocol";
import type { BackendMessage } from "pg-protocol/dist/messages.js";
import { Database } from "../../src/index.js";
import { PgServer, type ServerOptions } from "../../src/server/index.js";

export interface TestServer {
  server: PgServer;
  db: Database;
  port: number;
  close(): Promise<void>;
}

export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const db = await Database.open({ memory: true });
  const server = await PgServer.start({ db, host: "127.0.0.1", port: 0, ...options });
  return {
    server,
    db,
    port: server.port,
    close: async () => {
      await server.close();
      await db.close();
    },
  };
}

export interface PsqlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs /usr/bin/psql against the server (no ~/.psqlrc, no pager). */
export function psql(port: number, args: string[], options: { user?: string; password?: string; input?: string; env?: Record<string, string> } = {}): Promise<PsqlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      "psql",
      ["-X", "-h", "127.0.0.1", "-p", String(port), "-U", options.user ?? "sage", "-d", "sage", ...args],
      {
        env: { ...process.env, PGPASSWORD: options.password ?? "", PAGER: "", PSQL_PAGER: "", PGCONNECT_TIMEOUT: "10", LC_ALL: "C.UTF-8", PGCLIENTENCODING: "UTF8", ...options.env },
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin!.end(options.input);
    else child.stdin!.end();
  });
}

export type Message = BackendMessage & Record<string, unknown>;

/** A raw protocol client: send frontend messages, read backend messages one at a time. */
export class WireClient {
  private readonly queue: Message[] = [];
  private waiter: (() => void) | null = null;
  /** DataRow field values as raw bytes, in arrival order (pg-protocol decodes them as UTF-8 text) */
  readonly rawDataRows: (Buffer | null)[][] = [];
  private pending = Buffer.alloc(0);
  closed = false;
  processId = 0;
  secretKey = 0;

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => this.splitRaw(chunk));
    void parse(socket, (m) => {
      this.queue.push(m as Message);
      this.wake();
    });
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
    socket.on("error", () => {});
  }

  private splitRaw(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 5) {
      const len = this.pending.readInt32BE(1);
      if (this.pending.length < len + 1) break;
      const frame = this.pending.subarray(0, len + 1);
      this.pending = this.pending.subarray(len + 1);
      if (frame[0] !== 0x44) continue;
      const fields: (Buffer | null)[] = [];
      let p = 7;
      for (let i = 0; i < frame.readInt16BE(5); i++) {
        const n = frame.readInt32BE(p);
        p += 4;
        if (n < 0) fields.push(null);
        else {
          fields.push(Buffer.from(frame.subarray(p, p + n)));
          p += n;
        }
      }
      this.rawDataRows.push(fields);
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  static async connect(port: number): Promise<WireClient> {
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new WireClient(socket);
  }

  /** Connects and completes startup (trust auth); returns after the first ReadyForQuery. */
  static async ready(port: number, params: Record<string, string> = { user: "sage", database: "sage" }): Promise<WireClient> {
    const c = await WireClient.connect(port);
    c.send(serialize.startup(params));
    const msgs = await c.until("readyForQuery");
    const key = msgs.find((m) => m.name === "backendKeyData");
    if (key) {
      c.processId = key.processID as number;
      c.secretKey = key.secretKey as number;
    }
    return c;
  }

  send(data: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  /** The next message, or null once the server closed the connection. */
  async next(timeoutMs = 10_000): Promise<Message | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.closed) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for a backend message");
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, left).unref();
      });
    }
    return this.queue.shift()!;
  }

  /** Messages up to and including the first one named `name` (throws if the connection closes first). */
  async until(name: string, timeoutMs = 10_000): Promise<Message[]> {
    const out: Message[] = [];
    for (;;) {
      const m = await this.next(timeoutMs);
      if (!m) throw new Error(`connection closed before ${name}; got ${out.map((x) => x.name).join(", ")}`);
      out.push(m);
      if (m.name === name) return out;
    }
  }

  /** Everything until the server closes the connection. */
  async drain(timeoutMs = 10_000): Promise<Message[]> {
    const out: Message[] = [];
    for (;;) {
      const m = await this.next(timeoutMs);
      if (!m) return out;
      out.push(m);
    }
  }

  /** Runs a simple query; returns the messages up to ReadyForQuery. */
  async query(sql: string): Promise<Message[]> {
    this.send(serialize.query(sql));
    return this.until("readyForQuery");
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The rows (text values) of the DataRow messages in `msgs`. */
export function rowsOf(msgs: Message[]): (string | null)[][] {
  return msgs.filter((m) => m.name === "dataRow").map((m) => (m.fields as (string | null)[]).map((f) => (f === null ? null : String(f))));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
