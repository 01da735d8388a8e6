// Runs the authentication exchange of one connection for the method its HBA rule chose:
// trust, cleartext password, MD5 or SCRAM-SHA-256 (Postgres upgrades md5 to SCRAM for users
// whose only secret is a SCRAM verifier, and so do we). Failure is an AuthFailure carrying the
// SQLSTATE and message of Postgres's FATAL reply.

import { randomBytes, timingSafeEqual } from "node:crypto";
import {
  authenticationCleartextPassword,
  authenticationMD5Password,
  authenticationOk,
  authenticationSASL,
  authenticationSASLContinue,
  authenticationSASLFinal,
} from "../messages.js";
import { MessageCursor } from "../codec/message-cursor.js";
import { ProtocolError } from "../protocol-error.js";
import type { AuthMethod } from "./hba.js";
import { md5PasswordHash, md5ResponseMatches } from "./md5.js";
import { SCRAM_MECHANISM, ScramAuthenticator, ScramError, scramPasswordMatches } from "./scram.js";
import type { UserEntry, UserStore } from "./user-store.js";



export class AuthFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** How the exchange talks to the client. */
export interface AuthChannel {
  /** sends a message and flushes */
  send(message: Buffer): void;
  /** the body of the client's next authentication ('p') message */
  receive(): Promise<Buffer>;
}

function passwordFailed(user: string): AuthFailure {
  return new AuthFailure("28P01", `password authentication failed for user "${user}"`);
}

export async function authenticate(channel: AuthChannel, method: AuthMethod, user: string, users: UserStore, mockSecret: Buffer): Promise<void> {
  const entry = users.get(user);
  switch (effectiveMethod(method, entry)) {
    case "trust":
      break;
    case "reject":
      throw new AuthFailure("28000", "authentication rejected");
    case "password": {
      channel.send(authenticationCleartextPassword());
      const c = new MessageCursor(await channel.receive(), "password");
      const password = c.cstring();
      c.end();
      if (!passwordMatches(entry, user, password)) throw passwordFailed(user);
      break;
    }
    case "md5":
      if (entry?.md5 || !entry?.scram) {
        const salt = randomBytes(4);
        channel.send(authenticationMD5Password(salt));
        const c = new MessageCursor(await channel.receive(), "password");
        const response = c.cstring();
        c.end();
        if (!entry?.md5 || !md5ResponseMatches(entry.md5, salt, response)) throw passwordFailed(user);
        break;
      }
      await scramExchange(channel, user, entry, mockSecret);
      break;
    case "scram-sha-256":
      await scramExchange(channel, user, entry, mockSecret);
      break;
  }
  channel.send(authenticationOk());
}

/**
 * The method a rule's method comes to for a user: `trust` serves only users without a password
 * (a user that has one must give it, from loopback too), so for them it becomes SCRAM-SHA-256.
 */
export function effectiveMethod(method: AuthMethod, entry: UserEntry | undefined): AuthMethod {
  return method === "trust" && entry !== undefined ? "scram-sha-256" : method;
}

/** Whether a cleartext `password` is `user`'s (its SCRAM verifier or MD5 hash); also HTTP Basic's check. */
export function passwordMatches(entry: UserEntry | undefined, user: string, password: string): boolean {
  return (
    entry !== undefined &&
    password !== "" &&
    (entry.scram ? scramPasswordMatches(entry.scram, password) : entry.md5 !== null && safeEqual(entry.md5, md5PasswordHash(user, password)))
  );
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function scramExchange(channel: AuthChannel, user: string, entry: UserEntry | undefined, mockSecret: Buffer): Promise<void> {
  const scram = new ScramAuthenticator(entry?.scram ?? null, user, mockSecret);
  channel.send(authenticationSASL([SCRAM_MECHANISM]));
  try {
    const c = new MessageCursor(await channel.receive(), "SASLInitialResponse");
    const mechanism = c.cstring();
    if (mechanism !== SCRAM_MECHANISM) {
      throw new ProtocolError("client selected an invalid SASL authentication mechanism");
    }
    const len = c.int32();
    if (len < 0) throw new ScramError("malformed SCRAM message: empty initial response", "08P01");
    const first = c.bytes(len).toString("utf8");
    c.end();
    channel.send(authenticationSASLContinue(scram.handleClientFirst(first)));
    const final = (await channel.receive()).toString("utf8");
    channel.send(authenticationSASLFinal(scram.handleClientFinal(final)));
  } catch (e) {
    if (e instanceof ScramError) {
      if (e.code === "28P01") throw passwordFailed(user);
      throw new ProtocolError(e.message);
    }
    throw e;
  }
}
