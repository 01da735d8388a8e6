import { describe, expect, it } from "vitest";
import type { IncomingMessage } from "node:http";
import { csrfTokenMatches, LoginSessions, readCookie, sessionCookie } from "./login-sessions.js";
import { localHostHeader, sameOrigin } from "./request-auth.js";

function fakeRequest(headers: Record<string, string>, encrypted = false): IncomingMessage {
  return { headers, socket: { encrypted } } as unknown as IncomingMessage;
}

describe("login sessions", () => {
  it("expire after the idle time, and each use restarts the clock", () => {
    let now = 1000;
    const sessions = new LoginSessions(100, () => now);
    const { id, session } = sessions.create("alice");
    expect(id).not.toBe(session.csrfToken);
    now += 90;
    expect(sessions.get(id)?.user).toBe("alice");
    now += 90;
    expect(sessions.get(id)?.user).toBe("alice");
    now += 101;
    expect(sessions.get(id)).toBeUndefined();
    expect(sessions.size).toBe(0);
    expect(sessions.get(undefined)).toBeUndefined();
    expect(sessions.get("made-up")).toBeUndefined();
  });

  it("give each login a fresh id and token, and logout removes only its own", () => {
    const sessions = new LoginSessions();
    const a = sessions.create("sage");
    const b = sessions.create("sage");
    expect(a.id).not.toBe(b.id);
    expect(a.session.csrfToken).not.toBe(b.session.csrfToken);
    expect(csrfTokenMatches(a.session, a.session.csrfToken)).toBe(true);
    expect(csrfTokenMatches(a.session, b.session.csrfToken)).toBe(false);
    expect(csrfTokenMatches(a.session, undefined)).toBe(false);
    expect(csrfTokenMatches(a.session, [a.session.csrfToken])).toBe(false);
    sessions.delete(a.id);
    expect(sessions.get(a.id)).toBeUndefined();
    expect(sessions.get(b.id)?.user).toBe("sage");
  });

  it("reads and writes the cookie", () => {
    expect(readCookie("theme=dark; sage_session=abc-_1; x=y", "sage_session")).toBe("abc-_1");
    expect(readCookie("my_sage_session=nope", "sage_session")).toBeUndefined();
    expect(readCookie(undefined, "sage_session")).toBeUndefined();
    expect(sessionCookie("abc", false)).toBe("sage_session=abc; Path=/; HttpOnly; SameSite=Strict");
    expect(sessionCookie("abc", true)).toMatch(/; Secure$/);
    expect(sessionCookie("", false, 0)).toContain("Max-Age=0");
  });
});

describe("request origin checks", () => {
  it("accept no Origin or this server's, and refuse another scheme, host, port or null", () => {
    expect(sameOrigin(fakeRequest({ host: "127.0.0.1:5480" }))).toBe(true);
    expect(sameOrigin(fakeRequest({ host: "127.0.0.1:5480", origin: "http://127.0.0.1:5480" }))).toBe(true);
    expect(sameOrigin(fakeRequest({ host: "127.0.0.1:5480", origin: "http://127.0.0.1:5481" }))).toBe(false);
    expect(sameOrigin(fakeRequest({ host: "127.0.0.1:5480", origin: "https://127.0.0.1:5480" }))).toBe(false);
    expect(sameOrigin(fakeRequest({ host: "db.example:443", origin: "https://db.example:443" }, true))).toBe(true);
    expect(sameOrigin(fakeRequest({ host: "127.0.0.1:5480", origin: "null" }))).toBe(false);
    expect(sameOrigin(fakeRequest({ host: "127.0.0.1:5480", origin: "http://evil.example" }))).toBe(false);
  });

  it("trusts a Host of an address or localhost, not a DNS name", () => {
    expect(localHostHeader(fakeRequest({ host: "127.0.0.1:5480" }))).toBe(true);
    expect(localHostHeader(fakeRequest({ host: "[::1]:5480" }))).toBe(true);
    expect(localHostHeader(fakeRequest({ host: "localhost:5480" }))).toBe(true);
    expect(localHostHeader(fakeRequest({ host: "evil.example:5480" }))).toBe(false);
    expect(localHostHeader(fakeRequest({ host: "localhost.evil.example" }))).toBe(false);
  });
});
