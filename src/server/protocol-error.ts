// A violation of the wire protocol by the client (a malformed, truncated or oversized message, an
// unknown message type). It ends that one connection with a FATAL ErrorResponse (08P01 unless
// another code is given); it never reaches the engine and never stops the server.

export class ProtocolError extends Error {
  constructor(
    message: string,
    readonly code: string = "08P01",
  ) {
    super(message);
    this.name = "ProtocolError";
  }
}
