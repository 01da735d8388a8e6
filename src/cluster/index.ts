// The public surface of src/cluster: the coordinator and worker roles and what they run on.
export * from "./backbone.js";
export { connectBackbone, BackboneUnavailableError, CONNECTION_FAILURE, type BackboneOptions } from "./nats-backbone.js";
export { encodeFrame, decodeFrame, decodeFrameHeader, frameKind, isExchangeFrame, encodeChunk, decodeChunk, arrowFrameCodec, stateFrameCodec, type ExchangeFrameCodec, type ChunkEncoding, type FrameHeader, type FramePayload, type ExchangeFrame } from "./exchange-frames.js";
export { WsNetwork, WsConnection, ClusterRefusedError, CLUSTER_PROTOCOL_VERSION, CONNECTION_REFUSED, type WsNetworkOptions } from "./ws-network.js";
export { ExchangeEndpoint, ExchangeSender, ExchangeReceiver, type ChannelOptions } from "./exchange-channel.js";
export { systemClock } from "./system-clock.js";
export { openClusterTransport, type ClusterTransport, type ClusterTransportOptions } from "./cluster-transport.js";
export { ClusterCoordinator } from "./coordinator.js";
export { ClusterWorker, WorkerRefusedError } from "./worker.js";
export type { ClusterJob, ClusterInstance } from "./cluster-job.js";
export { type Assignment, type CommittedEpoch, type WorkerRecord, type LeaderRecord as ClusterLeaderRecord, type LogSnapshotRecord, instanceKey, PROTOCOL_VERSION, BUCKET_CLUSTER, BUCKET_LEADER, KEY_SNAPSHOT, encodeRecord, decodeRecord } from "./cluster-records.js";
export { encodeSnapshotRows, decodeSnapshotRows } from "./snapshot-rows.js";
import { DEFAULT_TIMING } from "./node-env.js";
export { type ClusterOptions, type ClusterTiming, type ClusterTestHooks, type ExchangeFlow, type FlowStats, type CoordinatorObserver, type EpochChanges, type JobCatalog, type NodeEnv, DEFAULT_TIMING } from "./node-env.js";
export { fragmentJob } from "./fragment-job.js";
export { encodeJobSpec, jobFromSpec, workerContext, StoredJobCatalog, type JobSpec } from "./job-spec.js";
export { replicaInputScheme, encodeInputMessage, decodeInputMessage, writeSubject, INPUT_SUBJECT_PREFIX, DDL_SUBJECT, TERM_SUBJECT, MARKER_SUBJECT, type InputHeader } from "./input-messages.js";
export { orderedInput, type OrderedInput } from "./ordered-input.js";
export type { JobFragment, JobExchange } from "./cluster-job.js";
export { readCommittedRows, type CommittedRows } from "./committed-rows.js";
export { restoreRows } from "./instance-checkpoint.js";
/** a worker's membership expires this long after its last heartbeat (the protocol's default) */
export const WORKER_TTL_MS = DEFAULT_TIMING.workerTtlMs;
