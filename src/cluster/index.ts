// The public surface of src/cluster: the coordinator and worker roles and what they run on.
export * from "./backbone.js";
export { connectBackbone, BackboneUnavailableError, CONNECTION_FAILURE, type BackboneOptions } from "./nats-backbone.js";
export { encodeFrame, decodeFrame, decodeFrameHeader, frameKind, encodeChunk, decodeChunk, arrowFrameCodec, type ProtocolExchangeFrame, type FrameHeader, type FramePayload, type ExchangeFrame } from "./exchange-frames.js";
export { WsNetwork, WsConnection, ClusterRefusedError, CLUSTER_PROTOCOL_VERSION, CONNECTION_REFUSED, type WsNetworkOptions } from "./ws-network.js";
export { ExchangeEndpoint, ExchangeSender, ExchangeReceiver, type ChannelOptions } from "./exchange-channel.js";
export { systemClock } from "./system-clock.js";
export { openClusterTransport, type ClusterTransport, type ClusterTransportOptions } from "./cluster-transport.js";
export { LeaderLease, REPLICA_LEADER_BUCKET, LEADER_TTL_MS, type LeaderRecord, type LeaseOptions } from "./leader-lease.js";
export { WorkerHeartbeat, openWorkersBucket, readWorkers, WORKERS_BUCKET, WORKER_TTL_MS, type WorkerRow, type WorkerMembershipRecord } from "./worker-membership.js";
