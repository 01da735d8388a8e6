import { describe, expect, it } from "vitest";
import { ScramAuthenticator, ScramError, formatScramVerifier, parseScramVerifier, saslprep, scramPasswordMatches, scramVerifierFromPassword } from "./scram.js";

// RFC 7677 section 3: user "user", password "pencil"
const SALT = Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64");
const CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
const SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
const SERVER_FIRST = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
const CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
const SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

describe("ScramAuthenticator", () => {
  const verifier = scramVerifierFromPassword("pencil", SALT, 4096);

  it("follows the RFC 7677 example exchange", () => {
    const scram = new ScramAuthenticator(verifier, "user", Buffer.alloc(32), SERVER_NONCE);
    expect(scram.handleClientFirst(CLIENT_FIRST)).toBe(SERVER_FIRST);
    expect(scram.handleClientFinal(CLIENT_FINAL)).toBe(SERVER_FINAL);
  });

  it("refuses a wrong proof with 28P01", () => {
    const other = scramVerifierFromPassword("not pencil", SALT, 4096);
    const scram = new ScramAuthenticator(other, "user", Buffer.alloc(32), SERVER_NONCE);
    scram.handleClientFirst(CLIENT_FIRST);
    expect(() => scram.handleClientFinal(CLIENT_FINAL)).toThrow(expect.objectContaining({ code: "28P01" }));
  });

  it("fails a mock exchange for an unknown user at the end, with a stable salt", () => {
    const a = new ScramAuthenticator(null, "ghost", Buffer.alloc(32, 7), SERVER_NONCE);
    const b = new ScramAuthenticator(null, "ghost", Buffer.alloc(32, 7), SERVER_NONCE);
    const first = a.handleClientFirst(CLIENT_FIRST);
    expect(b.handleClientFirst(CLIENT_FIRST)).toBe(first);
    expect(first).toMatch(/^r=.*,s=.*,i=4096$/);
    expect(() => a.handleClientFinal(CLIENT_FINAL)).toThrow(ScramError);
  });

  it("rejects malformed messages and channel binding with 08P01", () => {
    const bad = ["", "x", "p=tls-server-end-point,,n=,r=abc", "n,a=admin,n=,r=abc", "n,,r=abc", "n,,n=,x=abc"];
    for (const m of bad) {
      const scram = new ScramAuthenticator(verifier, "user", Buffer.alloc(32));
      expect(() => scram.handleClientFirst(m), m).toThrow(expect.objectContaining({ code: "08P01" }));
    }
    const scram = new ScramAuthenticator(verifier, "user", Buffer.alloc(32), SERVER_NONCE);
    scram.handleClientFirst(CLIENT_FIRST);
    expect(() => scram.handleClientFinal("c=biws,r=wrongnonce,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")).toThrow(expect.objectContaining({ code: "08P01" }));
    expect(() => new ScramAuthenticator(verifier, "u", Buffer.alloc(32)).handleClientFinal(CLIENT_FINAL)).toThrow(expect.objectContaining({ code: "08P01" }));
  });

  it("accepts the 'y' flag (client supports binding, server offers none)", () => {
    const scram = new ScramAuthenticator(verifier, "user", Buffer.alloc(32), SERVER_NONCE);
    expect(scram.handleClientFirst("y,,n=*,r=abc")).toContain("r=abc" + SERVER_NONCE);
  });
});

describe("SCRAM verifiers", () => {
  it("round-trip through Postgres's rolpassword form", () => {
    const v = scramVerifierFromPassword("secret");
    const text = formatScramVerifier(v);
    expect(text).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    const back = parseScramVerifier(text)!;
    expect(scramPasswordMatches(back, "secret")).toBe(true);
    expect(scramPasswordMatches(back, "Secret")).toBe(false);
    expect(parseScramVerifier("SCRAM-SHA-256$x")).toBeNull();
  });

  it("SASLprep maps non-ASCII spaces and normalises", () => {
    expect(saslprep("abc")).toBe("abc");
    expect(saslprep("a\u00A0b")).toBe("a b");
    expect(saslprep("\u2168")).toBe("IX");
    expect(saslprep("a\u00ADb")).toBe("ab");
  });
});
