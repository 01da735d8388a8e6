// Decodes the first packet of a connection: a StartupMessage (protocol 3.x and its parameters),
// an SSLRequest, a GSSENCRequest or a CancelRequest. They differ only by the int32 "version"
// code that opens the body.

import { ProtocolError } from "../protocol-error.js";
import { MessageCursor } from "./message-cursor.js";

export const PROTOCOL_3_0 = 3 << 16;
export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;

export type StartupPacket =
  | { kind: "startup"; majorVersion: number; minorVersion: number; params: Map<string, string> }
  | { kind: "ssl" }
  | { kind: "gssenc" }
  | { kind: "cancel"; processId: number; secretKey: number };

export function decodeStartupPacket(body: Buffer): StartupPacket {
  const c = new MessageCursor(body, "startup packet");
  const code = c.int32();
  if (code === SSL_REQUEST_CODE) {
    c.end();
    return { kind: "ssl" };
  }
  if (code === GSSENC_REQUEST_CODE) {
    c.end();
    return { kind: "gssenc" };
  }
  if (code === CANCEL_REQUEST_CODE) {
    const processId = c.int32();
    const secretKey = c.int32();
    c.end();
    return { kind: "cancel", processId, secretKey };
  }
  const majorVersion = code >>> 16;
  const minorVersion = code & 0xffff;
  if (majorVersion !== 3) {
    throw new ProtocolError(
      `unsupported frontend protocol ${majorVersion}.${minorVersion}: server supports 3.0 to 3.0`,
      "0A000",
    );
  }
  const params = new Map<string, string>();
  for (;;) {
    const name = c.cstring();
    if (name === "") break;
    const value = c.cstring();
    params.set(name, value);
  }
  c.end();
  return { kind: "startup", majorVersion, minorVersion, params };
}
