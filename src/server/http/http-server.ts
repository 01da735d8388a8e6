// The HTTP port of a server, beside pgwire: GET /healthz (liveness), GET /metrics (Prometheus
// text, see server-metrics.ts) and POST /api/query (SQL as JSON, see query-api.ts), with the same
// users and HBA rules as pgwire (http-auth.ts), POST /webhook/<table> (JSON rows into a webhook
// table, see webhook-api.ts), and the Studio's static files.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SqlError, SqlState } from "../../types/index.js";
import type { HbaRule, UserStore } from "../auth/index.js";
import type { EngineDatabase } from "../engine.js";
import { authenticateHttp } from "./http-auth.js";
import { serveStudio } from "../studio-assets.js";
import { errorJson, parseQueryRequest, runQueryRequest } from "./query-api.js";
import { jobsEndpoint, jobsMethod, runJobsRequest } from "./jobs-api.js";
import type { ServerMetrics } from "./server-metrics.js";
import { methodNotAllowed, readBody, sendJson } from "./http-io.js";
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
  /** largest request body accepted, bytes (default 16 MB) */
  maxBodyBytes?: number;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

export class HttpServer {
  private readonly server: Server;

  private constructor(private readonly options: HttpServerOptions) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        options.log?.("http_error", { message: e instanceof Error ? e.message : String(e) });
        if (!res.headersSent) sendJson(res, 500, { error: { code: SqlState.InternalError, message: "internal error" } });
        else res.destroy();
      });
    });
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
    const jobs = jobsEndpoint(path);
    // the Studio's static files (no secrets in them; its API calls authenticate below)
    if (path !== "/metrics" && path !== "/api/query" && !jobs && serveStudio(req, res)) return;
    if (path !== "/metrics" && path !== "/api/query" && !jobs) return sendJson(res, 404, { error: { code: "404", message: `no such endpoint: ${path}` } });
    const o = this.options;
    const auth = authenticateHttp(req.headers.authorization, req.socket.remoteAddress ?? "", o.hba, o.users, o.defaultUser);
    if (!auth.ok) {
      const headers: Record<string, string> = auth.status === 401 ? { "www-authenticate": 'Basic realm="sage-sql", charset="UTF-8"' } : {};
      const code = auth.status === 401 ? SqlState.InvalidPassword : SqlState.InvalidAuthorizationSpecification;
      return sendJson(res, auth.status, { error: { code, message: auth.message } }, headers);
    }
    if (path === "/metrics") {
      if (req.method !== "GET") return methodNotAllowed(res, "GET");
      const text = await o.metrics.scrape();
      res.writeHead(200, { "content-type": o.metrics.contentType });
      res.end(text);
      return;
    }
    if (jobs) {
      if (req.method !== jobsMethod(jobs)) return methodNotAllowed(res, jobsMethod(jobs));
      const result = await runJobsRequest(o.db, auth.user, jobs);
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
      result = await runQueryRequest(o.db, auth.user, parseQueryRequest(body, req.headers["content-type"]));
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
