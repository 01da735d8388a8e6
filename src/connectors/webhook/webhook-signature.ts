// A webhook request's signature: HMAC-SHA256 of the raw request body under the table's secret,
// as lower- or upper-case hex, optionally prefixed "sha256=" (GitHub's X-Hub-Signature-256 form).
// Compared in constant time so a caller cannot learn the expected value a byte at a time.

import { createHmac, timingSafeEqual } from "node:crypto";

/** The signature a sender computes: hex HMAC-SHA256 of `body` keyed by `secret`. */
export function signWebhookBody(secret: string, body: Buffer | string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

/** Whether `header` carries the right signature of `body` (false for a missing or malformed one). */
export function webhookSignatureMatches(secret: string, body: Buffer, header: string | undefined): boolean {
  if (header === undefined) return false;
  const hex = header.trim().replace(/^sha256=/i, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(hex, "hex"));
}
