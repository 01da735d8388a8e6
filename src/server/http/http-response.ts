// JSON replies of the HTTP port (every endpoint answers JSON, errors as {error: {code, message}}).

import type { ServerResponse } from "node:http";

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string | string[]> = {}): void {
  sendJson(res, status, { error: { code, message } }, headers);
}

export function methodNotAllowed(res: ServerResponse, allow: string): void {
  sendJson(res, 405, { error: { code: "405", message: `use ${allow}` } }, { allow });
}
