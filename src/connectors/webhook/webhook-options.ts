// CREATE TABLE t (...) WITH (connector = 'webhook' [, secret = SECRET name]
// [, signature_header = 'x-sage-signature'] [, max_body_bytes = 1048576]): what a webhook table
// accepts. The secret is only ever a reference to the secrets store (kept as `secret_secret`), so
// neither the catalog nor the log holds its value.

import { SqlError, SqlState } from "../../types/index.js";
import { ConnectorOptions } from "../connector-options.js";

export const WEBHOOK_CONNECTOR = "webhook";
export const DEFAULT_SIGNATURE_HEADER = "x-sage-signature";
export const DEFAULT_WEBHOOK_BODY_LIMIT = 1024 * 1024;

export interface WebhookOptions {
  /** the secret whose value signs each request body; none: requests authenticate as users */
  secretName?: string;
  /** the request header carrying the signature (lower case, as node gives headers) */
  signatureHeader: string;
  /** the largest request body accepted, bytes */
  maxBodyBytes: number;
}

/** Reads a webhook table's options (as connectorOptionMap leaves them); 22023 on an unknown or bad one. */
export function readWebhookOptions(options: Record<string, string>): WebhookOptions {
  const o = new ConnectorOptions(options);
  o.raw("connector");
  if (o.raw("secret") !== undefined) {
    throw new SqlError(SqlState.InvalidParameterValue, 'option "secret" takes a SECRET reference, not a literal', {
      hint: "CREATE SECRET name WITH (value = '...'), then WITH (connector = 'webhook', secret = SECRET name).",
    });
  }
  const secretName = o.raw("secret_secret")?.value;
  const signatureHeader = o.string("signature_header", DEFAULT_SIGNATURE_HEADER).trim().toLowerCase();
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(signatureHeader)) {
    throw new SqlError(SqlState.InvalidParameterValue, `invalid value for option "signature_header": "${signatureHeader}"`, { hint: "Expected an HTTP header name, e.g. 'x-hub-signature-256'." });
  }
  const maxBodyBytes = o.number("max_body_bytes", DEFAULT_WEBHOOK_BODY_LIMIT, { min: 1, max: 64 * 1024 * 1024 });
  const unknown = o.unused("");
  if (unknown.length > 0) {
    throw new SqlError(SqlState.InvalidParameterValue, `unrecognized webhook option "${unknown[0]}"`, {
      hint: "A webhook table takes connector = 'webhook', secret = SECRET name, signature_header and max_body_bytes.",
    });
  }
  return { ...(secretName !== undefined ? { secretName } : {}), signatureHeader, maxBodyBytes };
}
