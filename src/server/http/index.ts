// The HTTP side of the server: /healthz, /metrics (Prometheus) and the JSON query API.

export { HttpServer, type HttpServerOptions } from "./http-server.js";
export { ServerMetrics, type QueryProtocol } from "./server-metrics.js";
