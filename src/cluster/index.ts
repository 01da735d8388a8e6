// The public surface of src/cluster: the coordinator and worker roles and what they run on.
export * from "./backbone.js";
export { connectBackbone, BackboneUnavailableError, CONNECTION_FAILURE, type BackboneOptions } from "./nats-backbone.js";
export { encodeFrame, decodeFrame, decodeFrameHeader, encodeChunk, decodeChunk, type FrameHeader, type FramePayload, type ExchangeFrame } from "./exchange-frames.js";
