// The public surface of sage-sql: open a Database, connect Sessions, run SQL.
export { Database, Session, type DatabaseOptions, type SessionOptions } from "./database.js";
export type { JobSnapshot, JobState, JobKind } from "./jobs.js";
export type { StatementResult, ResultColumn, ChangeFeedHandle } from "./types/index.js";
export {
  SqlError,
  SqlState,
  formatValue,
  typeName,
  type DataType,
  type TypeId,
} from "./types/index.js";
export { splitStatements, KEYWORDS } from "./parser/index.js";
export { Subscription } from "./executor/index.js";

// ---- the Postgres wire-protocol server (src/server), for `sage-sql serve` and embedders
export { PgServer, HttpServer, ServerMetrics, type ServerOptions, type TlsOptions, type HbaRule, type AuthMethod, type UserConfig, type HttpServerOptions } from "./server/index.js";

// ---- plugins: the interfaces a third-party package implements (see src/plugins.ts)
export { loadPlugins, type SagePlugin, type RowSource, type ConnectorPlugin, type ModelProviderPlugin } from "./plugins.js";
export type { SourceColumn, GeneratorSource } from "./connectors/index.js";
export type { ModelProvider, ModelDefinition, EmbeddingResponse, GenerationResponse, GenerateOptions, ProviderContext, TokenUsage } from "./ai/index.js";
export { ProviderError } from "./ai/index.js";

// ---- `sage-sql secrets rotate-key` (see src/secret-key-rotation.ts)
export { rotateMasterKey, type RotateKeyOptions, type RotateKeyResult } from "./secret-key-rotation.js";

// ---- `sage-sql simulate`: the cluster protocol under the deterministic simulation (src/cluster-simulation.ts)
export { simulateCluster, type ClusterSimulationOptions, type ClusterSimulationSummary } from "./cluster-simulation.js";
// ---- cluster mode: `sage-sql serve --role coordinator --nats URL` (a replica of the input log, see
// src/log-replica.ts) and `sage-sql worker --nats URL`
export { LogReplica, CANNOT_CONNECT_NOW, type LogReplicaOptions } from "./log-replica.js";
export { ReplicaPosition } from "./replica-position.js";
export { bootstrapLogSnapshot, holdLogPosition, DEFAULT_LOG_SNAPSHOTS, type LogSnapshotOptions } from "./log-snapshots.js";
export { DEFAULT_TIMING, connectBackbone, openClusterTransport, ClusterWorker, StoredJobCatalog, replicaInputScheme, stateFrameCodec, WorkerRefusedError, WsNetwork, BackboneUnavailableError, type Backbone, type ClusterTransport } from "./cluster/index.js";
