// Reading a request body (with a size limit) and answering JSON: shared by every HTTP endpoint.

import type { IncomingMessage, ServerResponse } from "node:http";
import { SqlError, SqlState } from "../../types/index.js";

/** The whole body; rejects with 54000 (and drops the connection's upload) past `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new SqlError(SqlState.ProgramLimitExceeded, `the request body is larger than ${limit} bytes`);
    // a declared length over the limit is refused before any of it is read
    if (Number(req.headers["content-length"] ?? 0) > limit) {
      reject(tooLarge());
      req.resume();
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on("data", (b: Buffer) => {
      size += b.length;
      if (size > limit) {
        reject(tooLarge());
        req.destroy();
        return;
      }
      parts.push(b);
    });
    req.on("end", () => resolve(Buffer.concat(parts)));
    req.on("error", reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { code, message } }, headers);
}

export function methodNotAllowed(res: ServerResponse, allow: string): void {
  sendJson(res, 405, { error: { code: "405", message: `use ${allow}` } }, { allow });
}
