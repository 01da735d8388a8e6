// The public surface of src/cluster: the coordinator and worker roles and what they run on.
export * from "./backbone.js";
export { connectBackbone, BackboneUnavailableError, CONNECTION_FAILURE, type BackboneOptions } from "./nats-backbone.js";
export { encodeFrame, decodeFrame, decodeFrameHeader, frameKind, isExchangeFrame, encodeChunk, decodeChunk, arrowFrameCodec, type ProtocolExchangeFrame, type FrameHeader, type FramePayload, type ExchangeFrame } from "./exchange-frames.js";
export { WsNetwork, WsConnection, ClusterRefusedError, CLUSTER_PROTOCOL_VERSION, CONNECTION_REFUSED, type WsNetworkOptions } from "./ws-network.js";
export { ExchangeEndpoint, ExchangeSender, ExchangeReceiver, type ChannelOptions } from "./exchange-channel.js";
export { systemClock } from "./system-clock.js";
export { openClusterTransport, type ClusterTransport, type ClusterTransportOptions } from "./cluster-transport.js";
export { LeaderLease, REPLICA_LEADER_BUCKET, LEADER_TTL_MS, type LeaderRecord, type LeaseOptions } from "./leader-lease.js";
export { WorkerHeartbeat, openWorkersBucket, readWorkers, WORKERS_BUCKET, WORKER_TTL_MS, type WorkerRow, type WorkerMembershipRecord } from "./worker-membership.js";
export { ClusterCoordinator } from "./coordinator.js";
export { ClusterWorker, WorkerRefusedError } from "./worker.js";
export { fragmentJob } from "./fragment-job.js";
export type { ClusterJob, ClusterInstance, JobFragment, JobExchange } from "./cluster-job.js";
export { DEFAULT_TIMING, type NodeEnv, type ClusterOptions, type ClusterTiming } from "./node-env.js";
export { PROTOCOL_VERSION, type Assignment, type CommittedEpoch, type WorkerRecord } from "./cluster-records.js";
export { stateFrameCodec, type ExchangeFrameCodec } from "./node-frames.js";
export { readCommittedRows, type CommittedRows } from "./committed-rows.js";
