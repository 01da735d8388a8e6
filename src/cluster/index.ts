// The public surface of src/cluster: the coordinator and worker roles and what they run on.
export * from "./backbone.js";
export { connectBackbone, BackboneUnavailableError, CONNECTION_FAILURE, type BackboneOptions } from "./nats-backbone.js";
