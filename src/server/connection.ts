// One client connection: startup (SSL/GSS negotiation, the startup packet, authentication,
// ParameterStatus, BackendKeyData), then the query loop — simple Query, the extended protocol
// with error recovery at Sync, Terminate. Messages are read one at a time and handled in order;
// a CancelRequest (arriving on another connection, routed here by the server) aborts whatever
// this connection is running. A protocol violation ends this connection with a FATAL
// ErrorResponse; nothing a client sends can end the process.

import type { Socket } from "node:net";
import { TLSSocket, type SecureContext } from "node:tls";
import { SqlError, type StatementResult } from "../types/index.js";
import type { EngineDatabase, EngineSession } from "./engine.js";
import { AuthFailure, authenticate, matchHbaRule, type HbaRule, type LoginThrottle, type UserStore } from "./auth/index.js";
import { FrameReader, decodeFrontendMessage, decodeStartupPacket, type FrontendMessage } from "./codec/index.js";
import { canceledError, errorFields } from "./error-fields.js";
import { ExtendedQuery } from "./extended-query.js";
import { backendKeyData, emptyQueryResponse, errorResponse, negotiateProtocolVersion, parameterStatus, readyForQuery, type ErrorFields } from "./messages.js";
import type { CatalogEmulation } from "./pg-catalog/index.js";
import { ProtocolError } from "./protocol-error.js";
import { QueryRunner, isCopyRequest } from "./query-runner.js";
import { copyIn, copyOut, type CopyHost } from "./copy/copy-protocol.js";
import type { CopyStatement } from "./copy/copy-statement.js";
import { returnsRows } from "./command-tag.js";
import { ResultWriter, rowSource, type WireOutput } from "./result-writer.js";
import { applyStartupParameters, reportedParameters } from "./startup-parameters.js";

/** What a connection needs from the server it belongs to. */
export interface ConnectionHost {
  readonly db: EngineDatabase;
  readonly hba: readonly HbaRule[];
  readonly users: UserStore;
  readonly tls: SecureContext | null;
  /** ssl = require: connections without TLS are refused */
  readonly sslRequired?: boolean;
  /** failed-login rate limiting per client address */
  readonly loginThrottle?: LoginThrottle;
  readonly catalog: CatalogEmulation;
  /** server secret for SCRAM mock exchanges */
  readonly mockSecret: Buffer;
  readonly maxMessageSize: number;
  /** admits a started session (false: too many connections); assigns its cancel key */
  admit(conn: Connection): { processId: number; secretKey: number } | null;
  release(conn: Connection): void;
  cancel(processId: number, secretKey: number): void;
  log(event: string, fields: Record<string, unknown>): void;
  /** told each query's duration and outcome (/metrics) */
  observeQuery?(seconds: number, ok: boolean): void;
}

class ConnectionClosed extends Error {}

/** Bytes of unread input above which the socket stops reading until the handler catches up. */
const INPUT_HIGH_WATER = 8 * 1024 * 1024;
/** Queued output above which it is written out before more is added. */
const OUTPUT_CHUNK = 64 * 1024;

export class Connection implements WireOutput {
  private socket: Socket;
  private readonly reader: FrameReader;
  private wake: (() => void) | null = null;
  private closed = false;
  private out: Buffer[] = [];
  private outBytes = 0;
  private session: EngineSession | null = null;
  private extended: ExtendedQuery | null = null;
  private writer: ResultWriter | null = null;
  private runner: QueryRunner | null = null;
  private running: AbortController | null = null;
  private reported = new Map<string, string>();
  private secure = false;
  user = "";
  database = "";
  /** set once startup completed (the server clears its startup timeout) */
  ready = false;
  onReady: (() => void) | null = null;
  readonly remoteAddress: string;

  constructor(
    socket: Socket,
    private readonly host: ConnectionHost,
  ) {
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress ?? "";
    this.reader = new FrameReader(host.maxMessageSize);
    this.attach(socket);
    socket.on("close", () => this.onClose());
    socket.on("error", () => this.onClose());
  }

  private readonly onData = (chunk: Buffer): void => {
    this.reader.push(chunk);
    if (this.reader.buffered > INPUT_HIGH_WATER && this.wake === null) this.socket.pause();
    this.signal();
  };

  private attach(s: Socket): void {
    s.on("data", this.onData);
  }

  private signal(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.running?.abort();
    this.signal();
  }

  /** Aborts the running query (a CancelRequest named this connection). */
  cancel(): void {
    this.running?.abort();
  }

  // ---- output ---------------------------------------------------------------------------------

  send(message: Buffer): void {
    if (this.closed) return;
    this.out.push(message);
    this.outBytes += message.length;
    if (this.outBytes >= OUTPUT_CHUNK) this.flush();
  }

  flush(): void {
    if (this.out.length === 0 || this.closed) {
      this.out = [];
      this.outBytes = 0;
      return;
    }
    const data = this.out.length === 1 ? this.out[0] : Buffer.concat(this.out, this.outBytes);
    this.out = [];
    this.outBytes = 0;
    this.socket.write(data);
  }

  async drain(): Promise<void> {
    this.flush();
    if (this.closed || !this.socket.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off("drain", done);
        this.socket.off("close", done);
        resolve();
      };
      this.socket.on("drain", done);
      this.socket.on("close", done);
    });
  }

  // ---- input ----------------------------------------------------------------------------------

  private async waitForData(signal?: AbortSignal): Promise<void> {
    if (this.closed) throw new ConnectionClosed();
    if (signal?.aborted) throw canceledError();
    this.socket.resume();
    const onAbort = () => this.signal();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
    if (this.closed) throw new ConnectionClosed();
    if (signal?.aborted) throw canceledError();
  }

  private async readStartupPacket(): Promise<Buffer> {
    for (;;) {
      const body = this.reader.nextStartup();
      if (body) return body;
      await this.waitForData();
    }
  }

  private async readMessage(signal?: AbortSignal): Promise<FrontendMessage> {
    for (;;) {
      if (this.closed) throw new ConnectionClosed();
      const frame = this.reader.nextTyped();
      if (frame) return decodeFrontendMessage(frame);
      await this.waitForData(signal);
    }
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  async run(): Promise<void> {
    try {
      if (!(await this.startup())) return;
      await this.queryLoop();
    } catch (e) {
      if (!(e instanceof ConnectionClosed)) this.fatal(e);
    } finally {
      this.end();
    }
  }

  private fatal(e: unknown): void {
    let fields: ErrorFields;
    if (e instanceof AuthFailure) fields = { severity: "FATAL", code: e.code, message: e.message };
    else fields = errorFields(e, "FATAL");
    if (!(e instanceof AuthFailure) && !(e instanceof ProtocolError)) this.host.log("connection_error", { message: fields.message });
    this.send(errorResponse(fields));
    this.flush();
  }

  /** Ends the connection: stops feeds, releases its slot, closes the socket once output is written. */
  private end(): void {
    this.extended?.dispose();
    this.session?.close();
    this.host.release(this);
    this.reader.clear();
    if (!this.closed) {
      this.flush();
      this.closed = true;
      this.socket.end();
      this.socket.destroySoon?.();
    }
  }

  /** Closes the connection from the server's side (shutdown, an idle timeout). */
  terminate(message: string, code = "57P01"): void {
    if (this.closed) return;
    this.running?.abort();
    this.send(errorResponse({ severity: "FATAL", code, message }));
    this.flush();
    this.closed = true;
    this.socket.end();
    this.signal();
  }

  /** Returns false when the connection ends during startup (a cancel request, a refused client). */
  private async startup(): Promise<boolean> {
    let negotiations = 0;
    let packet;
    for (;;) {
      packet = decodeStartupPacket(await this.readStartupPacket());
      if (packet.kind === "startup") break;
      if (packet.kind === "cancel") {
        this.host.cancel(packet.processId, packet.secretKey);
        return false;
      }
      if (++negotiations > 2) throw new ProtocolError("too many encryption negotiation requests");
      if (packet.kind === "ssl" && this.host.tls && !this.secure) {
        if (this.reader.buffered > 0) throw new ProtocolError("received unencrypted data after SSL request");
        this.socket.write(Buffer.from("S"));
        this.upgradeToTls(this.host.tls);
      } else {
        this.socket.write(Buffer.from("N"));
      }
    }
    const params = packet.params;
    const user = params.get("user");
    if (!user) throw new AuthFailure("28000", "no PostgreSQL user name specified in startup packet");
    this.user = user;
    this.database = params.get("database") || user;
    const unsupported = [...params.keys()].filter((k) => k.startsWith("_pq_."));
    if (packet.minorVersion > 0 || unsupported.length > 0) this.send(negotiateProtocolVersion(0, unsupported));

    const where = `host "${this.remoteAddress}", user "${user}", database "${this.database}", ${this.secure ? "SSL encryption" : "no encryption"}`;
    const audit = (outcome: "ok" | "denied" | "failed" | "throttled", code: string | null, detail: string | null) =>
      this.host.db.recordAudit?.({ role: user, sessionUser: user, clientAddress: this.remoteAddress, database: this.database, action: "LOGIN", object: null, outcome, sqlstate: code, detail });
    // a standby coordinator answers before authentication, as Postgres does while it starts up: libpq tries the next host
    const refused = this.host.db.refuseConnection?.();
    if (refused) throw new AuthFailure(refused.code, refused.message);
    // refused before anything else (and before taking a session slot): no TLS under ssl = require, a locked-out address
    if (this.host.sslRequired && !this.secure) {
      audit("denied", "28000", "SSL required");
      throw new AuthFailure("28000", `SSL connection is required: no encryption for ${where}`);
    }
    const wait = this.host.loginThrottle?.retryAfter(this.remoteAddress) ?? 0;
    if (wait > 0) {
      audit("throttled", "28000", `locked out for ${Math.ceil(wait / 1000)} s more after repeated failed logins`);
      throw new AuthFailure("28000", `too many failed login attempts from host "${this.remoteAddress}"; try again in ${Math.ceil(wait / 1000)} s`);
    }

    const key = this.host.admit(this);
    if (!key) throw new AuthFailure("53300", "sorry, too many clients already");

    try {
      await this.authenticateClient(user, where);
    } catch (e) {
      if (e instanceof AuthFailure) {
        const lockout = e.code === "28P01" ? (this.host.loginThrottle?.failed(this.remoteAddress) ?? 0) : 0;
        audit(e.code === "28P01" ? "failed" : "denied", e.code, lockout > 0 ? `address locked out for ${Math.ceil(lockout / 1000)} s` : null);
        if (lockout > 0) this.host.log("login_lockout", { address: this.remoteAddress, user, seconds: lockout / 1000 });
      }
      throw e;
    }
    this.host.loginThrottle?.succeeded(this.remoteAddress);
    audit("ok", null, null);

    // a configured user carries its superuser flag; any other user must be a role of the catalog
    // with LOGIN and under its CONNECTION LIMIT (the engine refuses it otherwise: 28000 / 53300)
    const session = this.host.db.connect({ user, database: this.database, applicationName: params.get("application_name"), superuser: this.host.users.configuredSuperuser(user), login: true, clientAddress: this.remoteAddress });
    this.session = session;
    applyStartupParameters(session, params);
    this.writer = new ResultWriter(this, () => session.settings.get("timezone"));
    const runner = new QueryRunner(session, this.host.catalog, this.host.observeQuery ? (sec, ok) => this.host.observeQuery!(sec, ok) : undefined);
    this.runner = runner;
    this.extended = new ExtendedQuery({
      out: this,
      writer: this.writer,
      runner,
      catalogVersion: () => (session.db ?? this.host.db).catalog.version,
      afterStatement: (r) => this.afterStatement(r),
      copy: (statement, signal) => this.copy(statement, signal),
    });
    this.reportParameters();
    this.send(backendKeyData(key.processId, key.secretKey));
    this.send(readyForQuery(session.transactionStatus));
    this.flush();
    this.ready = true;
    this.onReady?.();
    this.host.log("connection_ready", { user, database: this.database, address: this.remoteAddress });
    return true;
  }

  private async authenticateClient(user: string, where: string): Promise<void> {
    const rule = matchHbaRule(this.host.hba, { address: this.remoteAddress, user, database: this.database, ssl: this.secure });
    if (!rule) throw new AuthFailure("28000", `no pg_hba.conf entry for ${where}`);
    if (rule.method === "reject") throw new AuthFailure("28000", `pg_hba.conf rejects connection for ${where}`);
    await authenticate(
      {
        send: (m) => {
          this.send(m);
          this.flush();
        },
        receive: async () => {
          const m = await this.readMessage();
          if (m.type !== "AuthResponse") throw new ProtocolError(`expected password response, got message type ${m.type}`);
          return m.body;
        },
      },
      rule.method,
      user,
      this.host.users,
      this.host.mockSecret,
    );
    // as Postgres: checked once the client has authenticated
    if (!this.host.users.canLogin(user)) throw new AuthFailure("28000", `role "${user}" is not permitted to log in`);
  }

  private upgradeToTls(context: SecureContext): void {
    const raw = this.socket;
    raw.off("data", this.onData);
    const tls = new TLSSocket(raw, { isServer: true, secureContext: context });
    tls.on("error", () => this.onClose());
    tls.on("close", () => this.onClose());
    this.socket = tls;
    this.secure = true;
    this.attach(tls);
  }

  private copy(statement: CopyStatement, signal: AbortSignal): Promise<StatementResult> {
    const session = this.session!;
    const runner = this.runner!;
    const host: CopyHost = {
      out: this,
      db: this.host.db,
      session,
      readMessage: (s) => this.readMessage(s),
      query: async (sql) => {
        for await (const item of runner.run(sql)) {
          if (isCopyRequest(item)) throw new SqlError("0A000", "COPY inside COPY is not supported");
          return item;
        }
        return null;
      },
      timeZone: () => session.settings.get("timezone"),
    };
    return statement.direction === "in" ? copyIn(statement, host, signal) : copyOut(statement, host, signal);
  }

  private reportParameters(): void {
    const session = this.session!;
    for (const [name, value] of reportedParameters(session, this.user)) {
      if (this.reported.get(name) === value) continue;
      this.reported.set(name, value);
      this.send(parameterStatus(name, value));
    }
  }

  private afterStatement(result: StatementResult): void {
    if (result.command === "SET" || result.command === "RESET") this.reportParameters();
  }

  private beginQuery(): AbortSignal {
    this.running = new AbortController();
    if (this.closed) this.running.abort();
    return this.running.signal;
  }

  private endQuery(): void {
    this.running = null;
  }

  // ---- the query loop -------------------------------------------------------------------------

  private async queryLoop(): Promise<void> {
    let skipUntilSync = false;
    for (;;) {
      this.flushIfIdle();
      const idle = this.idleTimeout();
      let m: FrontendMessage;
      try {
        m = await this.readMessage();
      } finally {
        if (idle) clearTimeout(idle);
      }
      if (m.type === "Terminate") return;
      if (skipUntilSync && m.type !== "Sync") continue;
      switch (m.type) {
        case "Query":
          await this.simpleQuery(m.sql);
          break;
        case "Sync":
          skipUntilSync = false;
          if (this.session!.transactionStatus === "I") this.extended!.dropAllPortals();
          this.send(readyForQuery(this.session!.transactionStatus));
          this.flush();
          break;
        case "Flush":
          this.flush();
          break;
        case "CopyData":
        case "CopyDone":
        case "CopyFail":
          // after a failed COPY the client's remaining copy messages are dropped
          break;
        case "AuthResponse":
          throw new ProtocolError("unexpected password message");
        case "FunctionCall":
          this.send(errorResponse({ severity: "ERROR", code: "0A000", message: "the function call protocol is not supported" }));
          this.send(readyForQuery(this.session!.transactionStatus));
          this.flush();
          break;
        default:
          if (!(await this.extendedStep(m))) skipUntilSync = true;
      }
    }
  }

  /**
   * Ends the session when the client stays idle too long between queries: inside a transaction
   * block after idle_in_transaction_session_timeout (25P03), outside after idle_session_timeout (57P05).
   */
  private idleTimeout(): NodeJS.Timeout | null {
    const session = this.session!;
    const inBlock = session.transactionStatus !== "I";
    const ms = Number(session.settings.get(inBlock ? "idle_in_transaction_session_timeout" : "idle_session_timeout"));
    if (!(ms > 0)) return null;
    return setTimeout(() => {
      if (inBlock) this.terminate("terminating connection due to idle-in-transaction timeout", "25P03");
      else this.terminate("terminating connection due to idle-session timeout", "57P05");
    }, ms);
  }

  /** Writes queued output when no more input is waiting (pipelined messages are answered together). */
  private flushIfIdle(): void {
    if (this.reader.buffered === 0) this.flush();
  }

  /** One extended-protocol message; false when it failed (the rest is skipped until Sync). */
  private async extendedStep(m: FrontendMessage): Promise<boolean> {
    const ext = this.extended!;
    const signal = this.beginQuery();
    try {
      switch (m.type) {
        case "Parse":
          ext.parse(m.name, m.sql, m.paramTypes);
          break;
        case "Bind":
          ext.bind(m.portal, m.statement, m.paramFormats, m.params, m.resultFormats);
          break;
        case "Describe":
          await ext.describe(m.target, m.name, signal);
          break;
        case "Execute":
          await ext.execute(m.portal, m.maxRows, signal);
          break;
        case "Close":
          ext.close(m.target, m.name);
          break;
      }
      return true;
    } catch (e) {
      if (e instanceof ConnectionClosed || e instanceof ProtocolError) throw e;
      this.session!.failTransaction();
      this.send(errorResponse(errorFields(e)));
      return false;
    } finally {
      this.endQuery();
    }
  }

  private async simpleQuery(sql: string): Promise<void> {
    const session = this.session!;
    const writer = this.writer!;
    this.extended!.dropUnnamed();
    const signal = this.beginQuery();
    let any = false;
    const statements = this.runner!.run(sql, [], [], signal);
    try {
      for (;;) {
        if (signal.aborted) throw canceledError();
        const next = await statements.next();
        if (next.done) break;
        any = true;
        const result = isCopyRequest(next.value) ? await this.copy(next.value.statement, signal) : next.value;
        writer.notices(result);
        this.afterStatement(result);
        if (returnsRows(result)) {
          writer.describeRows(result.columns, result.columns.map(() => 0));
          const source = rowSource(result);
          try {
            const { sent } = await writer.writeRows(source, result.columns, [], 0, signal);
            writer.complete(result, sent);
          } finally {
            source.close();
          }
        } else {
          writer.complete(result);
        }
      }
      if (!any) this.send(emptyQueryResponse());
    } catch (e) {
      await statements.return(undefined).catch(() => undefined);
      if (e instanceof ConnectionClosed || e instanceof ProtocolError) throw e;
      if (this.closed) throw new ConnectionClosed();
      session.failTransaction();
      this.send(errorResponse(errorFields(e)));
    } finally {
      this.endQuery();
    }
    this.send(readyForQuery(session.transactionStatus));
  }
}
