// The HTTP side of the server: /healthz, /metrics (Prometheus) and the JSON query API.

export { HttpServer, type HttpServerOptions } from "./http-server.js";
export { ServerMetrics, type QueryProtocol } from "./server-metrics.js";
export { jobsEndpoint, jobsMethod, runJobsRequest, type JobJson, type JobsEndpoint } from "./jobs-api.js";
