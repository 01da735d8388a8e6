// The HTTP port of a server, beside pgwire: GET /healthz (liveness), GET /metrics (Prometheus
// text, see server-metrics.ts) and POST /api/query (SQL as JSON, see query-api.ts), with the same
// users and HBA rules as pgwire (http-auth.ts), POST /webhook/<table> (JSON rows into a webhook
// table, see webhook-api.ts), and the Studio's static files, its login (login-api.ts: cookie
// sessions with a CSRF token, request-auth.ts) and SUBSCRIBE as Server-Sent Events
// (GET /api/subscribe, subscribe-api.ts).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { SqlError, SqlState } from "../../types/index.js";
import { LoginThrottle, type HbaRule, type UserStore } from "../auth/index.js";
import type { EngineDatabase } from "../engine.js";
import { handleLogin, handleLogout, handleSession } from "./login-api.js";
import { LoginSessions } from "./login-sessions.js";
import { auditHttpLogin } from "./http-auth.js";
import { authenticateRequest, type RequestAuthContext } from "./request-auth.js";
import { HttpSubscriptions } from "./subscribe-api.js";
import { registerHttpGauges } from "./http-gauges.js";
import { serveStudio } from "../studio-assets.js";
import { errorJson, parseQueryRequest, runQueryRequest } from "./query-api.js";
import { jobsEndpoint, jobsMethod, runJobsRequest } from "./jobs-api.js";
import type { ServerMetrics } from "./server-metrics.js";
import { methodNotAllowed, readBody, sendError, sendJson } from "./http-io.js";
import { WEBHOOK_PREFIX, serveWebhook } from "./webhook-api.js";

export interface HttpServerOptions {
  db: EngineDatabase;
  /** default 127.0.0.1 */
  host?: string;
  /** 0 picks a free port */
  port: number;
  hba: readonly HbaRule[];
  users: UserStore;
  /** the user of trusted requests without credentials */
  defaultUser: string;
  metrics: ServerMetrics;
  /** failed-login rate limiting per address (pass the pgwire server's: one count for both) */
  loginThrottle?: LoginThrottle;
  /** largest request body accepted, bytes (default 16 MB) */
  maxBodyBytes?: number;
  log?: (event: string, fields: Record<string, unknown>) => void;
  /** serve HTTPS with this key and certificate (as pgwire's TLS) */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** without `loginThrottle`: failed logins an address may make inside the window before it is locked out for a window (default 10 a minute) */
  loginFailures?: { max: number; windowMs: number };
  /** a Studio login session unused this long ends (default 30 minutes) */
  sessionIdleMs?: number;
}

/** endpoints behind authentication (the rest of the paths are the Studio's files) */
const API_PATHS = new Set(["/metrics", "/api/query", "/api/subscribe", "/api/login", "/api/logout", "/api/session"]);

export class HttpServer {
  private readonly server: Server;
  /** who may call the API: login sessions (cookie), Basic, trust (request-auth.ts) */
  private readonly authContext: RequestAuthContext;
  readonly subscriptions: HttpSubscriptions;
  private readonly loginThrottle: LoginThrottle;

  private constructor(private readonly options: HttpServerOptions) {
    const { hba, users, defaultUser } = options;
    const f = options.loginFailures;
    this.loginThrottle = options.loginThrottle ?? new LoginThrottle(f ? { maxFailures: f.max, windowMs: f.windowMs, lockoutMs: f.windowMs } : {});
    this.authContext = { hba, users, defaultUser, sessions: new LoginSessions(options.sessionIdleMs), throttle: this.loginThrottle };
    this.subscriptions = new HttpSubscriptions(options.db);
    registerHttpGauges(options.metrics.registry, () => this.subscriptions.active, () => this.authContext.sessions.size);
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((e: unknown) => {
        options.log?.("http_error", { message: e instanceof Error ? e.message : String(e) });
        if (!res.headersSent) sendJson(res, 500, { error: { code: SqlState.InternalError, message: "internal error" } });
        else res.destroy();
      });
    };
    // HTTPS with pgwire's certificate when it has one (the login cookie is then Secure)
    this.server = options.tls ? (createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler) as unknown as Server) : createServer(handler);
  }

  static async start(options: HttpServerOptions): Promise<HttpServer> {
    const s = new HttpServer(options);
    await new Promise<void>((resolve, reject) => {
      s.server.once("error", reject);
      s.server.listen(options.port, options.host ?? "127.0.0.1", () => {
        s.server.off("error", reject);
        resolve();
      });
    });
    return s;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") {
      if (req.method !== "GET" && req.method !== "HEAD") return methodNotAllowed(res, "GET");
      return sendJson(res, 200, { status: "ok" });
    }
    if (path.startsWith(WEBHOOK_PREFIX)) return serveWebhook(req, res, path.slice(WEBHOOK_PREFIX.length), this.options);
    const o = this.options;
    const jobs = jobsEndpoint(path);
    const api = API_PATHS.has(path) || jobs !== null;
    // the Studio's static files (no secrets in them; its API calls authenticate below)
    if (!api && serveStudio(req, res)) return;
    if (!api) return sendJson(res, 404, { error: { code: "404", message: `no such endpoint: ${path}` } });
    const address = req.socket.remoteAddress ?? "";
    const audit = (outcome: "ok" | "denied" | "failed" | "throttled", user: string, code: string | null) => auditHttpLogin(o.db, address, user, outcome, code, path);
    // the Studio's login session (login-api.ts)
    if (path === "/api/session") return req.method === "GET" ? handleSession(req, res, this.authContext) : methodNotAllowed(res, "GET");
    if (path === "/api/logout") return req.method === "POST" ? handleLogout(req, res, this.authContext) : methodNotAllowed(res, "POST");
    if (path === "/api/login") {
      if (req.method !== "POST") return methodNotAllowed(res, "POST");
      return handleLogin(req, res, { ...this.authContext, throttle: this.loginThrottle, audit }, (await readBody(req, 64 * 1024).catch(() => Buffer.alloc(0))).toString("utf8"));
    }
    const auth = authenticateRequest(req, this.authContext);
    if (!auth.ok) {
      if (auth.login) audit(auth.login.outcome, auth.login.user, auth.code);
      const headers: Record<string, string> = {};
      // the Studio (an XHR) gets no Basic challenge, so the browser shows no password dialog of its own
      if (auth.status === 401 && req.headers["x-requested-with"] === undefined) headers["www-authenticate"] = 'Basic realm="sage-sql", charset="UTF-8"';
      if (auth.retryAfterSeconds !== undefined) headers["retry-after"] = String(auth.retryAfterSeconds);
      return sendError(res, auth.status, auth.code, auth.message, headers);
    }
    // a request that gave a password is a login; trusted ones (metrics scrapes on loopback) and cookie ones are not recorded
    if (auth.passwordChecked) audit("ok", auth.user, null);
    // as pgwire: a configured user carries its superuser flag; any other must be a catalog role (the engine checks)
    const superuser = o.users.configuredSuperuser(auth.user);
    if (path === "/api/subscribe") return req.method === "GET" ? this.subscriptions.handle(req, res, auth.user, superuser) : methodNotAllowed(res, "GET");
    if (path === "/metrics") {
      if (req.method !== "GET") return methodNotAllowed(res, "GET");
      const text = await o.metrics.scrape();
      res.writeHead(200, { "content-type": o.metrics.contentType });
      res.end(text);
      return;
    }
    if (jobs) {
      if (req.method !== jobsMethod(jobs)) return methodNotAllowed(res, jobsMethod(jobs));
      const result = await runJobsRequest(o.db, auth.user, jobs, superuser, address);
      return sendJson(res, result.status, result.body);
    }
    if (req.method !== "POST") return methodNotAllowed(res, "POST");
    let body: string;
    try {
      body = (await readBody(req, o.maxBodyBytes ?? 16 * 1024 * 1024)).toString("utf8");
    } catch (e) {
      return sendJson(res, 413, { error: errorJson(e as SqlError) });
    }
    const started = performance.now();
    let result: { status: number; body: unknown };
    try {
      result = await runQueryRequest(o.db, auth.user, parseQueryRequest(body, req.headers["content-type"]), superuser, address);
    } catch (e) {
      if (!(e instanceof SqlError)) throw e;
      result = { status: 400, body: { results: [], error: errorJson(e) } };
    }
    o.metrics.queryDone("http", (performance.now() - started) / 1000, result.status === 200);
    sendJson(res, result.status, result.body);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
