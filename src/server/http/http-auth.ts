// Who an HTTP request is, by the same rules as pgwire: the first HBA rule matching the client's
// address and user decides. `trust` needs no credentials (the user is the Basic user if given,
// else the server's default user); password methods (password, md5, scram-sha-256) take HTTP
// Basic and check it against the same users; `reject` or no rule refuses. The Studio's login
// (login-api.ts) checks its role and password with the same `checkCredentials`.

import { matchHbaRule, passwordMatches, scramVerifierFromPassword, type HbaRule, type UserEntry, type UserStore } from "../auth/index.js";

const UNKNOWN_USER: UserEntry = { name: "", scram: scramVerifierFromPassword("\0unknown"), md5: null, superuser: false };

export type HttpAuthResult = { ok: true; user: string; method: "trust" | "password" } | { ok: false; status: 401 | 403; message: string };

export function authenticateHttp(
  authorization: string | undefined,
  address: string,
  rules: readonly HbaRule[],
  users: UserStore,
  defaultUser: string,
): HttpAuthResult {
  let user = defaultUser;
  let password: string | undefined;
  if (authorization !== undefined) {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
    if (!m) return { ok: false, status: 401, message: "only HTTP Basic authentication is supported" };
    const decoded = Buffer.from(m[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return { ok: false, status: 401, message: "malformed Basic credentials" };
    user = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  return checkCredentials(address, user, password, rules, users);
}

/** Checks `user` (with `password`, if given) from `address` as pgwire would. */
export function checkCredentials(address: string, user: string, password: string | undefined, rules: readonly HbaRule[], users: UserStore): HttpAuthResult {
  const rule = matchHbaRule(rules, { address, user, database: user });
  if (!rule || rule.method === "reject") return { ok: false, status: 403, message: `no access for user "${user}" from ${address}` };
  if (rule.method === "trust") return { ok: true, user, method: "trust" };
  if (password === undefined) return { ok: false, status: 401, message: "password authentication required" };
  const entry = users.get(user);
  // an unknown role costs the same key derivation as a known one (the time does not tell which)
  if (entry === undefined) passwordMatches(UNKNOWN_USER, user, password);
  if (!passwordMatches(entry, user, password)) return { ok: false, status: 401, message: `password authentication failed for user "${user}"` };
  return { ok: true, user, method: "password" };
}

/** Whether `user` may still use a login session from `address` (its role not dropped, its rule not now reject). */
export function stillAllowed(address: string, user: string, rules: readonly HbaRule[], users: UserStore): boolean {
  const rule = matchHbaRule(rules, { address, user, database: user });
  if (!rule || rule.method === "reject") return false;
  return rule.method === "trust" || users.get(user) !== undefined;
}
