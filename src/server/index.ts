// The wire-protocol server's public surface: start a PgServer over a Database.

export { PgServer, type ServerOptions, type TlsOptions } from "./server.js";
export { type HbaRule, type AuthMethod, type UserConfig, DEFAULT_HBA_RULES, formatScramVerifier, scramVerifierFromPassword } from "./auth/index.js";
export { VECTOR_OID } from "./type-oids.js";
export type { EngineDatabase, EngineSession, EngineSettings, EngineMetrics, OperatorMetric, SourceMetric, ModelMetric, WebhookEndpoint } from "./engine.js";
export { HttpServer, ServerMetrics, type HttpServerOptions, type QueryProtocol } from "./http/index.js";
export { jobsEndpoint, jobsMethod, runJobsRequest, type JobJson, type JobsEndpoint } from "./http/index.js";
export { serveStudio } from "./studio-assets.js";
