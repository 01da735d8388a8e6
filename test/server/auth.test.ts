// Password authentication against configured users: SCRAM-SHA-256, MD5 and cleartext with the
// pg client and psql; HBA rules that reject; wrong passwords and unknown users.

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatScramVerifier, scramVerifierFromPassword } from "../../src/server/index.js";
import { psql, startTestServer, type TestServer } from "./fixture.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({
    users: [
      { name: "alice", password: "wonderland" },
      { name: "bob", password: "builder" },
      { name: "carol", password: "singer" },
      { name: "dave", password: formatScramVerifier(scramVerifierFromPassword("stored-secret")) },
    ],
    hba: [
      { host: "all", user: "alice", method: "scram-sha-256" },
      { host: "all", user: "bob", method: "md5" },
      { host: "all", user: "carol", method: "password" },
      { host: "all", user: "dave", method: "md5" },
      { host: "all", user: "mallory", method: "reject" },
      { host: "10.0.0.0/8", user: "all", method: "trust" },
      { host: "local", user: "ghost", method: "scram-sha-256" },
      { host: "local", user: "sage", method: "trust" },
    ],
  });
});

afterAll(async () => {
  await t.close();
});

async function login(user: string, password?: string): Promise<string> {
  const c = new pg.Client({ host: "127.0.0.1", port: t.port, user, password, database: "sage" });
  c.on("error", () => {});
  try {
    await c.connect();
    const r = await c.query("SELECT 1 AS one");
    // (current_user is the engine's; it does not know the session's user yet)
    return `ok ${user} ${r.rows[0].one}`;
  } catch (e) {
    const err = e as { code?: string; message: string };
    return `${err.code ?? "?"} ${err.message}`;
  } finally {
    await c.end().catch(() => {});
  }
}

describe("authentication", () => {
  it("SCRAM-SHA-256 with the pg client", async () => {
    expect(await login("alice", "wonderland")).toBe("ok alice 1");
    expect(await login("alice", "wrong")).toBe('28P01 password authentication failed for user "alice"');
  });

  it("MD5, upgraded to SCRAM for users with only a SCRAM secret", async () => {
    expect(await login("bob", "builder")).toBe("ok bob 1");
    expect(await login("bob", "nope")).toBe('28P01 password authentication failed for user "bob"');
    expect(await login("dave", "stored-secret")).toBe("ok dave 1");
  });

  it("cleartext password", async () => {
    expect(await login("carol", "singer")).toBe("ok carol 1");
    expect(await login("carol", "x")).toBe('28P01 password authentication failed for user "carol"');
  });

  it("refuses rejected users, unknown users and unmatched connections", async () => {
    expect(await login("mallory", "x")).toBe('28000 pg_hba.conf rejects connection for host "127.0.0.1", user "mallory", database "sage", no encryption');
    expect(await login("ghost", "boo")).toBe('28P01 password authentication failed for user "ghost"');
    expect(await login("nobody")).toBe('28000 no pg_hba.conf entry for host "127.0.0.1", user "nobody", database "sage", no encryption');
    expect(await login("sage")).toBe("ok sage 1");
  });

  it("psql authenticates with SCRAM and reports failures", async () => {
    const ok = await psql(t.port, ["-A", "-t", "-c", "SELECT 1"], { user: "alice", password: "wonderland" });
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toBe("1\n");
    const bad = await psql(t.port, ["-c", "SELECT 1"], { user: "alice", password: "nope" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('FATAL:  password authentication failed for user "alice"');
  });
});
