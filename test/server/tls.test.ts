// TLS after SSLRequest, with a self-signed certificate made for the test: psql with
// sslmode=require, the pg client with ssl, and SCRAM over TLS.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { psql, startTestServer, type TestServer } from "./fixture.js";

let t: TestServer;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "sage-tls-"));
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"], { stdio: "ignore" });
  t = await startTestServer({
    tls: { key: readFileSync(key), cert: readFileSync(cert) },
    users: [{ name: "alice", password: "wonderland" }],
    hba: [
      { host: "all", user: "alice", method: "scram-sha-256" },
      { host: "local", user: "all", method: "trust" },
    ],
  });
});

afterAll(async () => {
  await t.close();
});

describe("TLS", () => {
  it("serves psql with sslmode=require", async () => {
    const r = await psql(t.port, ["-A", "-t", "-c", "SELECT 'secure'", "-c", "\\conninfo"], { env: { PGSSLMODE: "require" } });
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("secure\n");
    expect(r.stdout).toMatch(/SSL connection \(protocol: TLSv1\.[23]/);
  });

  it("serves the pg client over TLS, with SCRAM", async () => {
    const c = new pg.Client({ host: "127.0.0.1", port: t.port, user: "alice", password: "wonderland", database: "sage", ssl: { rejectUnauthorized: false } });
    await c.connect();
    expect((await c.query("SELECT 40 + 2 AS n")).rows).toEqual([{ n: 42 }]);
    await c.end();
  });

  it("refuses plaintext sent behind an SSLRequest", async () => {
    const bytes = await new Promise<Buffer>((resolve) => {
      const got: Buffer[] = [];
      const s = connect(t.port, "127.0.0.1", () => s.write(Buffer.concat([serialize.requestSsl(), serialize.startup({ user: "sage" })])));
      s.on("data", (d) => got.push(d));
      s.on("close", () => resolve(Buffer.concat(got)));
      s.on("error", () => {});
    });
    expect(bytes.toString("latin1")).toContain("received unencrypted data after SSL request");
  });
});
