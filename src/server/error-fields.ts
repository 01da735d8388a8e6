// How failures and notices become ErrorResponse / NoticeResponse fields: an SqlError keeps its
// SQLSTATE, message, detail, hint and position; anything else is an internal error (XX000) whose
// message says so, never a crashed connection. The engine's notices are plain strings; the few
// Postgres raises as WARNING with a code of their own are recognised here.

import { SqlError } from "../types/index.js";
import type { ErrorFields } from "./messages.js";
import { ProtocolError } from "./protocol-error.js";

export const QUERY_CANCELED = "57014";

export function canceledError(): SqlError {
  return new SqlError(QUERY_CANCELED, "canceling statement due to user request");
}

export function errorFields(e: unknown, severity: "ERROR" | "FATAL" = "ERROR"): ErrorFields {
  if (e instanceof SqlError) {
    const where = (e as SqlError & { where?: unknown }).where;
    return { severity, code: e.code, message: e.message, detail: e.detail, hint: e.hint, position: e.position, where: typeof where === "string" ? where : undefined };
  }
  if (e instanceof ProtocolError) return { severity, code: e.code, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { severity, code: "XX000", message: `internal error: ${message}` };
}

const WARNINGS: Record<string, string> = {
  "there is already a transaction in progress": "25001",
  "there is no transaction in progress": "25P01",
};

export function noticeFields(message: string): ErrorFields {
  const code = WARNINGS[message];
  if (code) return { severity: "WARNING", code, message };
  return { severity: "NOTICE", code: "00000", message };
}
