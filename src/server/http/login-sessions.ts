// The Studio's login sessions: a random 256-bit id in an HttpOnly, SameSite=Strict cookie names a
// server-side entry (the role, a CSRF token bound to it, when it was last used). An entry unused
// for `idleMs` is gone; so is one whose id the client no longer has (logout deletes it here, so a
// copied cookie stops working too). Nothing secret about the role is kept or sent.

import { randomBytes, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "sage_session";

export interface LoginSession {
  user: string;
  /** sent by the Studio in x-csrf-token on every state-changing request */
  csrfToken: string;
  lastUsed: number;
}

/** sessions kept at most (the least recently used go first): a bound on memory, not a limit users meet */
const MAX_SESSIONS = 10_000;

export class LoginSessions {
  private readonly sessions = new Map<string, LoginSession>();

  constructor(
    readonly idleMs: number = 30 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  create(user: string): { id: string; session: LoginSession } {
    this.sweep();
    while (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const id = randomBytes(32).toString("base64url");
    const session = { user, csrfToken: randomBytes(32).toString("base64url"), lastUsed: this.now() };
    this.sessions.set(id, session);
    return { id, session };
  }

  /** The live session of `id` (its idle clock restarts), or undefined. */
  get(id: string | undefined): LoginSession | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (this.now() - s.lastUsed > this.idleMs) {
      this.sessions.delete(id);
      return undefined;
    }
    s.lastUsed = this.now();
    // re-inserted so the map stays in least-recently-used order
    this.sessions.delete(id);
    this.sessions.set(id, s);
    return s;
  }

  delete(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const t = this.now();
    for (const [id, s] of this.sessions) if (t - s.lastUsed > this.idleMs) this.sessions.delete(id);
  }
}

/** Whether the request's x-csrf-token is the session's (in constant time). */
export function csrfTokenMatches(session: LoginSession, header: string | string[] | undefined): boolean {
  if (typeof header !== "string") return false;
  const a = Buffer.from(header);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The value of cookie `name` in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie value for a session id (empty id and maxAge 0: clears it). */
export function sessionCookie(id: string, secure: boolean, maxAgeSeconds?: number): string {
  const parts = [`${SESSION_COOKIE}=${id}`, "Path=/", "HttpOnly", "SameSite=Strict"];
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`);
  if (secure) parts.push("Secure");
  return parts.join("; ");
}
