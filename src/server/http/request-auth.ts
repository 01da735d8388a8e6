// Authenticates an API request by its login-session cookie (the Studio) or, without one, by HTTP
// Basic or trust (scripts, curl) — http-auth.ts — and guards against cross-site requests:
//
// - a request with an Origin header must come from this server's origin (so another site's page
//   cannot drive the API through the user's browser);
// - a state-changing request (POST/PUT/PATCH/DELETE) authenticated by the cookie must carry the
//   session's CSRF token in x-csrf-token (the cookie is an ambient credential; Basic is not);
// - trust without any credentials is granted only when the Host header is an address or
//   localhost (or this machine's host name): a rebound DNS name pointing a foreign page at
//   127.0.0.1 gets no access.

import { isIP } from "node:net";
import { hostname } from "node:os";
import type { IncomingMessage } from "node:http";
import type { HbaRule, LoginThrottle, UserStore } from "../auth/index.js";
import { authenticateHttp, stillAllowed } from "./http-auth.js";
import { csrfTokenMatches, readCookie, SESSION_COOKIE, type LoginSessions } from "./login-sessions.js";

export interface RequestAuthContext {
  hba: readonly HbaRule[];
  users: UserStore;
  defaultUser: string;
  sessions: LoginSessions;
  /** failed-login rate limiting per address (shared with pgwire) */
  throttle?: LoginThrottle;
}

export type RequestAuth =
  | { ok: true; user: string; via: "cookie" | "basic" | "trust"; passwordChecked: boolean }
  | { ok: false; status: 401 | 403 | 429; code: string; message: string; retryAfterSeconds?: number; login?: { user: string; outcome: "denied" | "failed" | "throttled" } };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function authenticateRequest(req: IncomingMessage, ctx: RequestAuthContext): RequestAuth {
  if (!sameOrigin(req)) return forbidden("cross-origin request refused");
  const address = req.socket.remoteAddress ?? "";
  const sessionId = readCookie(req.headers.cookie, SESSION_COOKIE);
  const session = ctx.sessions.get(sessionId);
  // an explicit Authorization header wins over a cookie the browser sends along
  if (session && req.headers.authorization === undefined) {
    if (!stillAllowed(address, session.user, ctx.hba, ctx.users)) {
      ctx.sessions.delete(sessionId);
      return { ok: false, status: 401, code: "28000", message: `the login session of "${session.user}" is no longer valid` };
    }
    if (!SAFE_METHODS.has(req.method ?? "GET") && !csrfTokenMatches(session, req.headers["x-csrf-token"])) {
      return forbidden("missing or wrong x-csrf-token for a cookie-authenticated request");
    }
    return { ok: true, user: session.user, via: "cookie", passwordChecked: false };
  }
  const auth = authenticateHttp(req.headers.authorization, address, ctx.hba, ctx.users, ctx.defaultUser, ctx.throttle);
  if (!auth.ok) {
    const failed = { ok: false as const, status: auth.status, code: auth.status === 401 ? "28P01" : "28000", message: auth.message, login: { user: auth.user, outcome: auth.outcome } };
    return auth.retryAfterSeconds === undefined ? failed : { ...failed, retryAfterSeconds: auth.retryAfterSeconds };
  }
  if (req.headers.authorization === undefined) {
    if (!localHostHeader(req)) return forbidden("trusted access without credentials needs a Host of localhost or an IP address");
    return { ok: true, user: auth.user, via: "trust", passwordChecked: false };
  }
  return { ok: true, user: auth.user, via: "basic", passwordChecked: auth.passwordChecked };
}

function forbidden(message: string): RequestAuth {
  return { ok: false, status: 403, code: "28000", message };
}

/** No Origin header (curl, same-origin GETs), or one naming this server's scheme, host and port. */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes "null" (sandboxed frames, file: pages)
  }
  const scheme = isEncrypted(req) ? "https:" : "http:";
  let host: string;
  try {
    host = new URL(`${scheme}//${req.headers.host ?? ""}`).host; // the same default-port normalisation as Origin's
  } catch {
    return false;
  }
  return url.protocol === scheme && url.host === host;
}

/** The Host header names this machine by address or as localhost (not a DNS name that could be rebound). */
export function localHostHeader(req: IncomingMessage): boolean {
  const host = req.headers.host;
  if (!host) return true; // HTTP/1.0 without Host: not a browser
  const name = host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.replace(/:\d+$/, "");
  const n = name.toLowerCase();
  // this machine's own name is not an attacker's DNS record either
  return isIP(name) !== 0 || n === "localhost" || n.endsWith(".localhost") || n === hostname().toLowerCase();
}

export function isEncrypted(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true;
}
