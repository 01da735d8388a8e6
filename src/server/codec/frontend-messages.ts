// Decodes a typed frontend message body into a plain object. Authentication responses ('p') are
// returned raw: what they contain (password, SASL initial response, SASL response) depends on the
// authentication step the connection is in, see auth/.

import { ProtocolError } from "../protocol-error.js";
import type { TypedFrame } from "./frame-reader.js";
import { MessageCursor } from "./message-cursor.js";

/** A parameter value as sent in Bind: null for SQL NULL. */
export type ParamValue = Buffer | null;

export type FrontendMessage =
  | { type: "Query"; sql: string }
  | { type: "Parse"; name: string; sql: string; paramTypes: number[] }
  | {
      type: "Bind";
      portal: string;
      statement: string;
      paramFormats: number[];
      params: ParamValue[];
      resultFormats: number[];
    }
  | { type: "Describe"; target: "S" | "P"; name: string }
  | { type: "Execute"; portal: string; maxRows: number }
  | { type: "Close"; target: "S" | "P"; name: string }
  | { type: "Sync" }
  | { type: "Flush" }
  | { type: "Terminate" }
  | { type: "AuthResponse"; body: Buffer }
  | { type: "CopyData"; data: Buffer }
  | { type: "CopyDone" }
  | { type: "CopyFail"; message: string }
  | { type: "FunctionCall" };

function formatCode(c: MessageCursor): number {
  const f = c.int16();
  if (f !== 0 && f !== 1) throw new ProtocolError(`unsupported format code: ${f}`);
  return f;
}

function count(c: MessageCursor, what: string): number {
  const n = c.int16();
  if (n < 0) throw new ProtocolError(`invalid ${what} count ${n}`);
  return n;
}

function target(c: MessageCursor, msg: string): "S" | "P" {
  const t = String.fromCharCode(c.byte());
  if (t !== "S" && t !== "P") throw new ProtocolError(`invalid ${msg} message subtype ${t.charCodeAt(0)}`);
  return t;
}

export function decodeFrontendMessage(frame: TypedFrame): FrontendMessage {
  const c = new MessageCursor(frame.body, messageName(frame.type));
  let m: FrontendMessage;
  switch (frame.type) {
    case "Q":
      m = { type: "Query", sql: c.cstring() };
      break;
    case "P": {
      const name = c.cstring();
      const sql = c.cstring();
      const n = count(c, "parameter type");
      const paramTypes: number[] = [];
      for (let i = 0; i < n; i++) paramTypes.push(c.int32() >>> 0);
      m = { type: "Parse", name, sql, paramTypes };
      break;
    }
    case "B": {
      const portal = c.cstring();
      const statement = c.cstring();
      const nf = count(c, "parameter format");
      const paramFormats: number[] = [];
      for (let i = 0; i < nf; i++) paramFormats.push(formatCode(c));
      const np = count(c, "parameter");
      const params: ParamValue[] = [];
      for (let i = 0; i < np; i++) {
        const len = c.int32();
        if (len === -1) params.push(null);
        else if (len < 0) throw new ProtocolError(`invalid parameter length ${len}`);
        else params.push(c.bytes(len));
      }
      const nr = count(c, "result format");
      const resultFormats: number[] = [];
      for (let i = 0; i < nr; i++) resultFormats.push(formatCode(c));
      m = { type: "Bind", portal, statement, paramFormats, params, resultFormats };
      break;
    }
    case "D": {
      const t = target(c, "DESCRIBE");
      m = { type: "Describe", target: t, name: c.cstring() };
      break;
    }
    case "E": {
      const portal = c.cstring();
      m = { type: "Execute", portal, maxRows: c.int32() };
      break;
    }
    case "C": {
      const t = target(c, "CLOSE");
      m = { type: "Close", target: t, name: c.cstring() };
      break;
    }
    case "S":
      m = { type: "Sync" };
      break;
    case "H":
      m = { type: "Flush" };
      break;
    case "X":
      m = { type: "Terminate" };
      break;
    case "p":
      return { type: "AuthResponse", body: c.rest() };
    case "d":
      return { type: "CopyData", data: c.rest() };
    case "c":
      m = { type: "CopyDone" };
      break;
    case "f":
      m = { type: "CopyFail", message: c.cstring() };
      break;
    case "F":
      c.rest();
      m = { type: "FunctionCall" };
      break;
    default:
      throw new ProtocolError(`invalid frontend message type ${frame.type.charCodeAt(0)}`);
  }
  c.end();
  return m;
}

function messageName(type: string): string {
  const names: Record<string, string> = {
    Q: "Query", P: "Parse", B: "Bind", D: "Describe", E: "Execute", C: "Close", S: "Sync",
    H: "Flush", X: "Terminate", p: "password", d: "CopyData", c: "CopyDone", f: "CopyFail", F: "FunctionCall",
  };
  return names[type] ?? "frontend";
}
