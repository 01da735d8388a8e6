// Who an HTTP request is, by the same rules as pgwire: the first HBA rule matching the client's
// address and user decides. `trust` needs no credentials for a user without a password (the user
// is the Basic user if given, else the server's default user); a user with a password, and the
// password methods (password, md5, scram-sha-256), take HTTP Basic and check it against the same
// users; `reject` or no rule refuses. An address locked out by the login throttle (shared with
// pgwire) gets 429 at once, before any password check. The Studio's login (login-api.ts) checks
// its role and password with the same `checkCredentials`.

import type { EngineDatabase } from "../engine.js";
import { effectiveMethod, matchHbaRule, passwordMatches, scramVerifierFromPassword, type HbaRule, type LoginThrottle, type UserEntry, type UserStore } from "../auth/index.js";

const UNKNOWN_USER: UserEntry = { name: "", scram: scramVerifierFromPassword("\0unknown"), md5: null, superuser: false };

export type HttpAuthResult =
  | { ok: true; user: string; passwordChecked: boolean }
  | { ok: false; status: 401 | 403 | 429; message: string; user: string; outcome: "denied" | "failed" | "throttled"; retryAfterSeconds?: number };

export function authenticateHttp(
  authorization: string | undefined,
  address: string,
  rules: readonly HbaRule[],
  users: UserStore,
  defaultUser: string,
  throttle?: LoginThrottle,
): HttpAuthResult {
  let user = defaultUser;
  let password: string | undefined;
  if (authorization !== undefined) {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
    if (!m) return { ok: false, status: 401, message: "only HTTP Basic authentication is supported", user, outcome: "denied" };
    const decoded = Buffer.from(m[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return { ok: false, status: 401, message: "malformed Basic credentials", user, outcome: "denied" };
    user = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  return checkCredentials(address, user, password, rules, users, throttle);
}

/** Checks `user` (with `password`, if given) from `address` as pgwire would; a locked-out address is refused first. */
export function checkCredentials(address: string, user: string, password: string | undefined, rules: readonly HbaRule[], users: UserStore, throttle?: LoginThrottle): HttpAuthResult {
  const wait = throttle?.retryAfter(address) ?? 0;
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    return { ok: false, status: 429, message: `too many failed login attempts from host "${address}"; try again in ${seconds} s`, user, outcome: "throttled", retryAfterSeconds: seconds };
  }
  const rule = matchHbaRule(rules, { address, user, database: user });
  if (!rule || rule.method === "reject") return { ok: false, status: 403, message: `no access for user "${user}" from ${address}`, user, outcome: "denied" };
  const entry = users.get(user);
  const noLogin = { ok: false as const, status: 403 as const, message: `role "${user}" is not permitted to log in`, user, outcome: "denied" as const };
  if (effectiveMethod(rule.method, entry) === "trust") return users.canLogin(user) ? { ok: true, user, passwordChecked: false } : noLogin;
  if (password === undefined) return { ok: false, status: 401, message: "password authentication required", user, outcome: "denied" };
  // an unknown role costs the same key derivation as a known one (the time does not tell which)
  if (entry === undefined) passwordMatches(UNKNOWN_USER, user, password);
  if (!passwordMatches(entry, user, password)) {
    throttle?.failed(address);
    return { ok: false, status: 401, message: `password authentication failed for user "${user}"`, user, outcome: "failed" };
  }
  throttle?.succeeded(address);
  if (!users.canLogin(user)) return noLogin;
  return { ok: true, user, passwordChecked: true };
}

/** Whether `user` may still use a login session from `address` (its role not dropped, its rule not now reject). */
export function stillAllowed(address: string, user: string, rules: readonly HbaRule[], users: UserStore): boolean {
  const rule = matchHbaRule(rules, { address, user, database: user });
  if (!rule || rule.method === "reject" || !users.canLogin(user)) return false;
  return rule.method === "trust" || users.get(user) !== undefined;
}

/** Records an HTTP login attempt (`path` tells which endpoint) in the audit log, as pgwire records its logins. */
export function auditHttpLogin(db: EngineDatabase, address: string, user: string, outcome: "ok" | "denied" | "failed" | "throttled", sqlstate: string | null, path: string): void {
  db.recordAudit?.({ role: user, sessionUser: user, clientAddress: address, database: null, action: "LOGIN", object: null, outcome, sqlstate, detail: `http ${path}` });
}
