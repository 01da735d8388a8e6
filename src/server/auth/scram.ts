// SCRAM-SHA-256 (RFC 5802, RFC 7677) on the server's side, as Postgres speaks it: the client's
// user name in the SCRAM message is ignored (the startup packet's user counts), channel binding
// is not offered (gs2 flags 'n' or 'y' are accepted, 'p' is refused), and an unknown user goes
// through a mock exchange with a salt derived from a server secret so that the reply does not
// reveal whether the user exists.

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

export const SCRAM_MECHANISM = "SCRAM-SHA-256";
export const SCRAM_DEFAULT_ITERATIONS = 4096;

export interface ScramVerifier {
  iterations: number;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

export class ScramError extends Error {
  constructor(
    message: string,
    /** 08P01 for a malformed exchange, 28P01 for a wrong password */
    readonly code: "08P01" | "28P01",
  ) {
    super(message);
  }
}

function hmac(key: Buffer, data: string | Buffer): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

function sha256(data: Buffer): Buffer {
  return createHash("sha256").update(data).digest();
}

/** RFC 4013 SASLprep's mapping and normalisation steps (what libpq and Postgres apply). */
export function saslprep(password: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(password)) return password;
  return password
    .replace(/[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/g, " ")
    .replace(/[\u00AD\u034F\u1806\u180B\u180C\u180D\u200C\u200D\u2060\uFE00-\uFE0F\uFEFF]/g, "")
    .normalize("NFKC");
}

export function scramVerifierFromPassword(password: string, salt: Buffer = randomBytes(16), iterations = SCRAM_DEFAULT_ITERATIONS): ScramVerifier {
  const salted = pbkdf2Sync(Buffer.from(saslprep(password), "utf8"), salt, iterations, 32, "sha256");
  const clientKey = hmac(salted, "Client Key");
  return { iterations, salt, storedKey: sha256(clientKey), serverKey: hmac(salted, "Server Key") };
}

/** Postgres's rolpassword form: `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (base64). */
export function formatScramVerifier(v: ScramVerifier): string {
  return `${SCRAM_MECHANISM}$${v.iterations}:${v.salt.toString("base64")}$${v.storedKey.toString("base64")}:${v.serverKey.toString("base64")}`;
}

export function parseScramVerifier(s: string): ScramVerifier | null {
  const m = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(s);
  if (!m) return null;
  const iterations = Number(m[1]);
  const storedKey = Buffer.from(m[3], "base64");
  const serverKey = Buffer.from(m[4], "base64");
  if (!(iterations > 0) || storedKey.length !== 32 || serverKey.length !== 32) return null;
  return { iterations, salt: Buffer.from(m[2], "base64"), storedKey, serverKey };
}

/** Does a cleartext password match the verifier? */
export function scramPasswordMatches(v: ScramVerifier, password: string): boolean {
  const computed = scramVerifierFromPassword(password, v.salt, v.iterations);
  return timingSafeEqual(computed.storedKey, v.storedKey) && timingSafeEqual(computed.serverKey, v.serverKey);
}

const PRINTABLE = /^[\x21-\x2b\x2d-\x7e]+$/;

function malformed(detail: string): ScramError {
  return new ScramError(`malformed SCRAM message: ${detail}`, "08P01");
}

/** Parses `a=x,b=y,...` attributes, in order. */
function attributes(msg: string): [string, string][] {
  return msg.split(",").map((part) => {
    if (part.length < 2 || part[1] !== "=") throw malformed(`expected attribute, got "${part.slice(0, 20)}"`);
    return [part[0], part.slice(2)];
  });
}

/** One SCRAM exchange: serverFirst(client-first) then serverFinal(client-final). */
export class ScramAuthenticator {
  private clientFirstBare = "";
  private serverFirst = "";
  private gs2Header = "";
  private nonce = "";
  private readonly verifier: ScramVerifier;
  private readonly mock: boolean;

  /**
   * @param verifier the user's verifier, or null for an unknown user or one without a SCRAM
   *   secret (a mock exchange that always fails at the end)
   * @param mockSecret server secret mixed into the mock salt so it is stable per user name
   */
  constructor(
    verifier: ScramVerifier | null,
    user: string,
    mockSecret: Buffer,
    /** the server's part of the nonce (random unless a test fixes it) */
    private readonly serverNonce: string = randomBytes(18).toString("base64"),
  ) {
    this.mock = verifier === null;
    this.verifier = verifier ?? {
      iterations: SCRAM_DEFAULT_ITERATIONS,
      salt: sha256(Buffer.concat([mockSecret, Buffer.from(user, "utf8")])).subarray(0, 16),
      storedKey: Buffer.alloc(32),
      serverKey: Buffer.alloc(32),
    };
  }

  /** Handles client-first-message; returns server-first-message. */
  handleClientFirst(message: string): string {
    // gs2-header: cbind-flag "," [authzid] ","
    const first = message.indexOf(",");
    const second = first < 0 ? -1 : message.indexOf(",", first + 1);
    if (first < 0 || second < 0) throw malformed("missing GS2 header");
    const flag = message.slice(0, first);
    if (flag === "p" || flag.startsWith("p=")) {
      throw new ScramError("channel binding is not supported by this server", "08P01");
    }
    if (flag !== "n" && flag !== "y") throw malformed(`unexpected channel-binding flag "${flag.slice(0, 10)}"`);
    const authzid = message.slice(first + 1, second);
    if (authzid !== "") throw new ScramError("client uses authorization identity, but it is not supported", "08P01");
    this.gs2Header = message.slice(0, second + 1);
    this.clientFirstBare = message.slice(second + 1);
    const attrs = attributes(this.clientFirstBare);
    if (attrs[0]?.[0] === "m") throw malformed("unsupported SCRAM extension");
    if (attrs.length < 2 || attrs[0][0] !== "n" || attrs[1][0] !== "r") throw malformed("expected n= and r=");
    const clientNonce = attrs[1][1];
    if (!PRINTABLE.test(clientNonce)) throw malformed("invalid client nonce");
    this.nonce = clientNonce + this.serverNonce;
    this.serverFirst = `r=${this.nonce},s=${this.verifier.salt.toString("base64")},i=${this.verifier.iterations}`;
    return this.serverFirst;
  }

  /** Handles client-final-message; returns server-final-message, or throws ScramError 28P01 on a wrong proof. */
  handleClientFinal(message: string): string {
    if (!this.serverFirst) throw malformed("client-final-message before client-first-message");
    const attrs = attributes(message);
    if (attrs.length < 3 || attrs[0][0] !== "c" || attrs[1][0] !== "r" || attrs[attrs.length - 1][0] !== "p") {
      throw malformed("expected c=, r= and p=");
    }
    const binding = Buffer.from(attrs[0][1], "base64").toString("latin1");
    if (binding !== this.gs2Header) throw malformed("unexpected SCRAM channel-binding attribute in client-final-message");
    if (attrs[1][1] !== this.nonce) throw malformed("invalid nonce");
    const proof = Buffer.from(attrs[attrs.length - 1][1], "base64");
    if (proof.length !== 32) throw malformed("invalid proof");
    const withoutProof = message.slice(0, message.lastIndexOf(",p="));
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.verifier.storedKey, authMessage);
    const clientKey = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) clientKey[i] = proof[i] ^ clientSignature[i];
    const ok = timingSafeEqual(sha256(clientKey), this.verifier.storedKey);
    if (!ok || this.mock) throw new ScramError("password authentication failed", "28P01");
    return `v=${hmac(this.verifier.serverKey, authMessage).toString("base64")}`;
  }
}
