// POST /webhook/<table>, /webhook/<schema>/<table> (and RisingWave's /webhook/<db>/<schema>/<table>):
// JSON (one object or an array of them) into a webhook table (CREATE TABLE ... WITH (connector =
// 'webhook'), see src/webhook-table.ts).
// A table with a secret takes requests signed with it (HMAC-SHA256 of the raw body in its
// signature header); one without authenticates the caller as /api/query does (HBA + users) and
// the engine checks the role's INSERT right. Answers: 200 {"inserted": n} once the rows are
// durable; otherwise {"error": {code, message}} with 400 (bad JSON or values; nothing inserted),
// 401 (signature or password), 403, 404 (no such webhook table), 405, 413 (body too large).

import type { IncomingMessage, ServerResponse } from "node:http";
import { SqlError, SqlState, toSqlError } from "../../types/index.js";
import type { WebhookEndpoint } from "../engine.js";
import { auditHttpLogin, authenticateHttp } from "./http-auth.js";
import { localHostHeader, sameOrigin } from "./request-auth.js";
import { methodNotAllowed, readBody, sendJson } from "./http-io.js";
import type { HttpServerOptions } from "./http-server.js";
import { errorJson } from "./query-api.js";

export const WEBHOOK_PREFIX = "/webhook/";

/** The HTTP status for an engine error while ingesting. */
function statusOf(e: SqlError): number {
  if (e.code.startsWith("28")) return 401;
  if (e.code === SqlState.InsufficientPrivilege) return 403;
  if (e.code === SqlState.UndefinedTable) return 404;
  if (e.code === SqlState.ProgramLimitExceeded) return 413;
  if (e.code.startsWith("22") || e.code.startsWith("23")) return 400;
  if (e.code.startsWith("53") || e.code.startsWith("57") || e.code.startsWith("58")) return 503;
  return 500;
}

/** Serves one webhook request (`rest`: the path after /webhook/); counts it by status in /metrics. */
export async function serveWebhook(req: IncomingMessage, res: ServerResponse, rest: string, o: HttpServerOptions): Promise<void> {
  let table = "(none)";
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    o.metrics.webhookDone(table, status);
    sendJson(res, status, body, headers);
  };
  const fail = (e: SqlError, headers: Record<string, string> = {}) => answer(statusOf(e), { error: errorJson(e) }, headers);
  if (req.method !== "POST") {
    o.metrics.webhookDone(table, 405);
    return methodNotAllowed(res, "POST");
  }
  let endpoint: WebhookEndpoint;
  try {
    let parts: string[];
    try {
      parts = rest.split("/").map(decodeURIComponent);
    } catch {
      throw new SqlError(SqlState.UndefinedTable, `malformed webhook path: ${rest}`);
    }
    if (!o.db.webhook) throw new SqlError(SqlState.UndefinedTable, "this server has no webhook tables");
    endpoint = o.db.webhook(parts);
  } catch (e) {
    return fail(toSqlError(e));
  }
  table = endpoint.table;
  let caller: { signature: string | undefined } | { user: string; superuser?: boolean };
  if (endpoint.signed) {
    const h = req.headers[endpoint.signatureHeader];
    caller = { signature: Array.isArray(h) ? h[0] : h };
  } else {
    // another site's page in a user's browser must not post as a trusted or remembered user (request-auth.ts)
    if (!sameOrigin(req) || (req.headers.authorization === undefined && !localHostHeader(req))) {
      return answer(403, { error: { code: SqlState.InvalidAuthorizationSpecification, message: "cross-site request refused: send credentials from a server, or a signed webhook" } });
    }
    const address = req.socket.remoteAddress ?? "";
    const auth = authenticateHttp(req.headers.authorization, address, o.hba, o.users, o.defaultUser, o.loginThrottle);
    if (!auth.ok) {
      auditHttpLogin(o.db, address, auth.user, auth.outcome, auth.status === 401 ? "28P01" : "28000", "/webhook");
      if (auth.retryAfterSeconds !== undefined) res.setHeader("retry-after", String(auth.retryAfterSeconds));
      const headers: Record<string, string> = auth.status === 401 ? { "www-authenticate": 'Basic realm="sage-sql", charset="UTF-8"' } : {};
      const code = auth.status === 401 ? SqlState.InvalidPassword : SqlState.InvalidAuthorizationSpecification;
      return answer(auth.status, { error: { code, message: auth.message } }, headers);
    }
    caller = { user: auth.user, superuser: o.users.configuredSuperuser(auth.user) };
  }
  let body: Buffer;
  try {
    body = await readBody(req, endpoint.maxBodyBytes);
  } catch (e) {
    return fail(toSqlError(e));
  }
  try {
    const inserted = await endpoint.ingest(body, caller);
    answer(200, { inserted });
  } catch (e) {
    const err = toSqlError(e);
    if (statusOf(err) >= 500) o.log?.("webhook_error", { table, code: err.code, message: err.message });
    fail(err);
  }
}
