// The Postgres wire-protocol server: a TCP listener (optionally TLS after SSLRequest) whose every
// accepted socket becomes a Connection. The server admits sessions up to `maxConnections`
// (53300 past that), hands out cancel keys and routes CancelRequests to their connection, and
// shuts down gracefully: it stops listening, tells each client the server is going away (57P01)
// and waits for the sockets to close.

import { randomBytes, randomInt } from "node:crypto";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { createSecureContext, type SecureContext } from "node:tls";
import type { EngineDatabase } from "./engine.js";
import { DEFAULT_HBA_RULES, LoginThrottle, UserStore, validateHbaRules, type HbaRule, type LoginThrottleOptions, type UserConfig } from "./auth/index.js";
import { MAX_MESSAGE_SIZE } from "./codec/index.js";
import { Connection, type ConnectionHost } from "./connection.js";
import { createCatalogEmulation, type CatalogEmulation } from "./pg-catalog/index.js";

export interface TlsOptions {
  /** PEM private key */
  key: string | Buffer;
  /** PEM certificate (chain) */
  cert: string | Buffer;
}

export interface ServerOptions {
  db: EngineDatabase;
  /** default 127.0.0.1 */
  host?: string;
  /** default 5433; 0 picks a free port */
  port?: number;
  /** users with passwords (see auth/user-store.ts) */
  users?: readonly UserConfig[];
  /** authentication rules, first match wins (default: trust loopback, SCRAM elsewhere) */
  hba?: readonly HbaRule[];
  /** with a key and certificate, SSLRequest is accepted */
  tls?: TlsOptions;
  /** "require": connections without TLS are refused (needs `tls`); default "prefer" */
  ssl?: "prefer" | "require";
  /** failed-login rate limiting per client address (shared with the HTTP server) */
  loginThrottle?: LoginThrottle | LoginThrottleOptions;
  /** sessions at once (default 100); more are refused with 53300 */
  maxConnections?: number;
  /** largest message body accepted (default 1 GB) */
  maxMessageSize?: number;
  /** ms a client has to complete startup and authentication (default 60 s) */
  authenticationTimeoutMs?: number;
  /** structured log sink (quiet by default) */
  log?: (event: string, fields: Record<string, unknown>) => void;
  /** told each query's duration and outcome (ServerMetrics.queryDone for /metrics) */
  onQuery?: (seconds: number, ok: boolean) => void;
}

export class PgServer implements ConnectionHost {
  readonly db: EngineDatabase;
  readonly hba: readonly HbaRule[];
  readonly users: UserStore;
  readonly tls: SecureContext | null;
  readonly sslRequired: boolean;
  readonly loginThrottle: LoginThrottle;
  readonly catalog: CatalogEmulation;
  readonly mockSecret = randomBytes(32);
  readonly maxMessageSize: number;
  private readonly maxConnections: number;
  private readonly authTimeout: number;
  private readonly logSink: (event: string, fields: Record<string, unknown>) => void;
  readonly observeQuery: ((seconds: number, ok: boolean) => void) | undefined;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly connections = new Set<Connection>();
  private readonly sessions = new Map<number, { conn: Connection; secretKey: number }>();
  private readonly keys = new Map<Connection, number>();
  private nextProcessId = 10_000 + randomInt(50_000);
  private closing = false;

  private constructor(options: ServerOptions) {
    this.db = options.db;
    this.hba = options.hba ?? DEFAULT_HBA_RULES;
    validateHbaRules(this.hba);
    this.users = new UserStore(options.users ?? [], (name) => options.db.catalog.roles.get(name));
    this.tls = options.tls ? createSecureContext({ key: options.tls.key, cert: options.tls.cert }) : null;
    this.sslRequired = options.ssl === "require";
    if (this.sslRequired && !this.tls) throw new Error('ssl = require needs a TLS key and certificate');
    this.loginThrottle = options.loginThrottle instanceof LoginThrottle ? options.loginThrottle : new LoginThrottle(options.loginThrottle);
    this.catalog = createCatalogEmulation(options.db, () => this.users.names());
    this.maxMessageSize = options.maxMessageSize ?? MAX_MESSAGE_SIZE;
    this.maxConnections = options.maxConnections ?? 100;
    this.authTimeout = options.authenticationTimeoutMs ?? 60_000;
    this.logSink = options.log ?? (() => {});
    this.observeQuery = options.onQuery;
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Starts listening; resolves once the port is bound. */
  static async start(options: ServerOptions): Promise<PgServer> {
    const s = new PgServer(options);
    await new Promise<void>((resolve, reject) => {
      s.server.once("error", reject);
      s.server.listen(options.port ?? 5433, options.host ?? "127.0.0.1", () => {
        s.server.off("error", reject);
        resolve();
      });
    });
    s.server.on("error", (e) => s.log("server_error", { message: e.message }));
    return s;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get host(): string {
    return (this.server.address() as AddressInfo).address;
  }

  /** sessions currently admitted */
  get sessionCount(): number {
    return this.sessions.size;
  }

  log(event: string, fields: Record<string, unknown>): void {
    try {
      this.logSink(event, fields);
    } catch {
      // a failing log sink never takes a connection down
    }
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => {});
    let conn: Connection;
    try {
      conn = new Connection(socket, this);
    } catch (e) {
      this.log("connection_error", { message: e instanceof Error ? e.message : String(e) });
      socket.destroy();
      return;
    }
    this.connections.add(conn);
    const timer = setTimeout(() => {
      if (!conn.ready) socket.destroy();
    }, this.authTimeout);
    timer.unref();
    conn.onReady = () => clearTimeout(timer);
    conn
      .run()
      .catch((e: unknown) => this.log("connection_error", { message: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        clearTimeout(timer);
        this.connections.delete(conn);
        this.release(conn);
      });
  }

  admit(conn: Connection): { processId: number; secretKey: number } | null {
    if (this.closing || this.sessions.size >= this.maxConnections) return null;
    const processId = this.nextProcessId++;
    const secretKey = randomInt(-2147483648, 2147483647);
    this.sessions.set(processId, { conn, secretKey });
    this.keys.set(conn, processId);
    return { processId, secretKey };
  }

  release(conn: Connection): void {
    const pid = this.keys.get(conn);
    if (pid === undefined) return;
    this.keys.delete(conn);
    this.sessions.delete(pid);
  }

  cancel(processId: number, secretKey: number): void {
    const s = this.sessions.get(processId);
    if (s && s.secretKey === secretKey) {
      this.log("cancel_request", { processId });
      s.conn.cancel();
    }
  }

  /** Stops accepting, ends every connection with 57P01 and waits (up to `timeoutMs`) for them to close. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.terminate("terminating connection due to administrator command");
    const deadline = Date.now() + timeoutMs;
    while (this.sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    for (const s of this.sockets) s.destroy();
    await stopped;
    await this.catalog.close();
  }
}
