// The server's side of the wire codec: framing and decoding what clients send.

export { FrameReader, MAX_MESSAGE_SIZE, MAX_STARTUP_PACKET, type TypedFrame } from "./frame-reader.js";
export { decodeStartupPacket, type StartupPacket, PROTOCOL_3_0 } from "./startup.js";
export { decodeFrontendMessage, type FrontendMessage, type ParamValue } from "./frontend-messages.js";
export { MessageCursor } from "./message-cursor.js";
