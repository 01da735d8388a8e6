// The SQL errors the AI layer raises, and the plain `{ code, message }` form a failed model call
// carries in its per-row result. Every failure a user can see is a SqlError with a SQLSTATE; the
// codes below follow what Postgres (and postgres_fdw, which also talks to remote servers) uses.
//
// Secrets and inputs never reach these messages: provider errors are built from the HTTP status and
// a short excerpt of the server's own message, passed through `redact` first.

import { SqlError, SqlState } from "../types/index.js";

export { SqlError, SqlState };

/** SQLSTATE codes for model calls. Those Postgres has no name for in SqlState are spelled here. */
export const AiState = {
  /** model server unreachable (connection refused, DNS, reset): postgres_fdw's code for a remote server */
  ConnectionFailure: "08001",
  /** the server answered something that is not the API's shape (malformed JSON, missing fields) */
  ProtocolViolation: SqlState.ProtocolViolation,
  /** the server refused the credentials (HTTP 401/403) */
  InvalidAuthorization: SqlState.InvalidAuthorizationSpecification,
  /** the model call timed out, or the statement was canceled */
  QueryCanceled: SqlState.QueryCanceled,
  /** rate limited (HTTP 429) and still limited after the retries */
  InsufficientResources: "53000",
  /** the server failed (HTTP 5xx) and still failed after the retries: an error external to us */
  SystemError: "58000",
  /** the server rejected this input (HTTP 400/413/422) */
  InvalidParameterValue: SqlState.InvalidParameterValue,
  /** the model or endpoint is unknown to the server (HTTP 404) */
  UndefinedObject: SqlState.UndefinedObject,
  /** a vector of the wrong dimension, or another data problem */
  DataException: SqlState.DataException,
  /** structured output that is not valid JSON */
  InvalidTextRepresentation: SqlState.InvalidTextRepresentation,
  ObjectNotInPrerequisiteState: SqlState.ObjectNotInPrerequisiteState,
} as const;

/** The error half of a per-row result: plain data (it goes into sage_catalog.model_errors). */
export interface AiError {
  readonly code: string;
  readonly message: string;
}

export function toAiError(e: SqlError): AiError {
  return { code: String(e.code), message: e.message };
}

/** Builds the SqlError a statement raises for a per-row error (on_error = 'fail'). */
export function aiErrorToSqlError(e: AiError, model?: string): SqlError {
  return new SqlError(e.code, e.message, model ? { detail: `model: ${model}` } : {});
}

/**
 * Replaces every occurrence of each secret (and of each listed input text, when it is long enough to
 * be recognisable) in `text` by a placeholder. Used on anything a server says before it is shown.
 */
export function redact(text: string, secrets: readonly (string | undefined)[], inputs: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  }
  for (const s of inputs) {
    if (s.length >= 8) out = out.split(s).join("[input]");
  }
  // bearer tokens a proxy may echo back, even when we do not know them
  out = out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, "$1[redacted]");
  return out;
}

/** A short excerpt of a server's message, for an error text (one line, at most `max` chars). */
export function excerpt(text: string, max = 200): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > max ? one.slice(0, max) + "…" : one;
}
