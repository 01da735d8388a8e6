// The Studio's login: POST /api/login {"user", "password"} checks the role as pgwire would (HBA
// rule for the client's address, then the role's SCRAM verifier or MD5 hash; a role the rule
// trusts needs no password, and without a user the server's default user is meant), and starts
// a login session: an HttpOnly SameSite=Strict cookie plus a CSRF token in the reply.
// GET /api/session tells the page who it is logged in as (and the token again, after a reload);
// POST /api/logout ends the session. Repeated failures from one address are throttled (the login throttle pgwire shares).

import type { IncomingMessage, ServerResponse } from "node:http";
import { SqlState } from "../../types/index.js";
import { checkCredentials } from "./http-auth.js";
import { sendError, sendJson } from "./http-io.js";
import { readCookie, sessionCookie, SESSION_COOKIE } from "./login-sessions.js";
import type { LoginThrottle } from "../auth/index.js";
import { authenticateRequest, isEncrypted, localHostHeader, sameOrigin, type RequestAuthContext } from "./request-auth.js";

/** records a Studio login attempt in the audit log */
export type LoginAudit = (outcome: "ok" | "denied" | "failed" | "throttled", user: string, sqlstate: string | null) => void;

export async function handleLogin(req: IncomingMessage, res: ServerResponse, ctx: RequestAuthContext & { throttle: LoginThrottle; audit?: LoginAudit }, body: string): Promise<void> {
  // another site's page must not log the browser in (login CSRF)
  if (!sameOrigin(req)) return sendError(res, 403, SqlState.InvalidAuthorizationSpecification, "cross-origin request refused");
  if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) return sendError(res, 415, SqlState.ProtocolViolation, 'send {"user": "...", "password": "..."} as application/json');
  let parsed: { user?: unknown; password?: unknown };
  try {
    parsed = JSON.parse(body === "" ? "{}" : body) as typeof parsed;
  } catch {
    return sendError(res, 400, SqlState.InvalidTextRepresentation, "the request body is not JSON");
  }
  if (typeof parsed !== "object" || parsed === null || (parsed.user !== undefined && typeof parsed.user !== "string") || (parsed.password !== undefined && typeof parsed.password !== "string")) {
    return sendError(res, 400, SqlState.ProtocolViolation, '"user" and "password" must be strings');
  }
  const user = parsed.user || ctx.defaultUser;
  const password = parsed.password as string | undefined;
  const address = req.socket.remoteAddress ?? "";
  const auth = checkCredentials(address, user, password, ctx.hba, ctx.users, ctx.throttle);
  if (!auth.ok) {
    const code = auth.status === 401 ? SqlState.InvalidPassword : SqlState.InvalidAuthorizationSpecification;
    ctx.audit?.(auth.outcome, auth.user, code);
    return sendError(res, auth.status, code, auth.message, auth.retryAfterSeconds !== undefined ? { "retry-after": String(auth.retryAfterSeconds) } : {});
  }
  if (!auth.passwordChecked && password === undefined && !localHostHeader(req)) {
    return sendError(res, 403, SqlState.InvalidAuthorizationSpecification, "trusted access without credentials needs a Host of localhost or an IP address");
  }
  ctx.audit?.("ok", auth.user, null);
  // a fresh id at every login (never one the client brought: no session fixation)
  ctx.sessions.delete(readCookie(req.headers.cookie, SESSION_COOKIE));
  const { id, session } = ctx.sessions.create(auth.user);
  sendJson(res, 200, { user: session.user, csrfToken: session.csrfToken }, { "set-cookie": sessionCookie(id, isEncrypted(req)), "cache-control": "no-store" });
}

export function handleSession(req: IncomingMessage, res: ServerResponse, ctx: RequestAuthContext): void {
  const id = readCookie(req.headers.cookie, SESSION_COOKIE);
  const session = id === undefined || !sameOrigin(req) ? undefined : ctx.sessions.get(id);
  if (!session) return sendError(res, 401, SqlState.InvalidAuthorizationSpecification, "not logged in");
  sendJson(res, 200, { user: session.user, csrfToken: session.csrfToken }, { "cache-control": "no-store" });
}

export function handleLogout(req: IncomingMessage, res: ServerResponse, ctx: RequestAuthContext): void {
  const id = readCookie(req.headers.cookie, SESSION_COOKIE);
  const clear = { "set-cookie": sessionCookie("", isEncrypted(req), 0) };
  if (id === undefined || ctx.sessions.get(id) === undefined) return sendJson(res, 200, { loggedOut: false }, clear);
  // logging someone out is a state change too: the cookie alone is not enough
  const auth = authenticateRequest(req, ctx);
  if (!auth.ok) return sendError(res, auth.status, auth.code, auth.message);
  ctx.sessions.delete(id);
  sendJson(res, 200, { loggedOut: true }, clear);
}
