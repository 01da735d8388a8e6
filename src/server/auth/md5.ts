// MD5 password authentication as Postgres does it: the stored secret is
// "md5" + md5(password + user), the client answers "md5" + md5(secret-hex + 4-byte salt).

import { createHash, timingSafeEqual } from "node:crypto";

function md5hex(data: Buffer | string): string {
  return createHash("md5").update(data).digest("hex");
}

/** The stored form of a password for MD5 authentication. */
export function md5PasswordHash(user: string, password: string): string {
  return "md5" + md5hex(password + user);
}

/** What a client sends for the stored hash and the salt the server chose. */
export function md5Response(storedHash: string, salt: Uint8Array): string {
  return "md5" + md5hex(Buffer.concat([Buffer.from(storedHash.slice(3), "utf8"), Buffer.from(salt)]));
}

export function md5ResponseMatches(storedHash: string, salt: Uint8Array, response: string): boolean {
  const expected = Buffer.from(md5Response(storedHash, salt));
  const got = Buffer.from(response);
  return expected.length === got.length && timingSafeEqual(expected, got);
}
