// Gauges of the HTTP port itself on /metrics: SUBSCRIBE streams open (each holds a dataflow, so a
// leak shows here first) and Studio login sessions alive.

import { Gauge, type Registry } from "prom-client";

export function registerHttpGauges(registry: Registry, subscriptions: () => number, loginSessions: () => number): void {
  const gauge = (name: string, help: string, read: () => number) => {
    if (registry.getSingleMetric(name)) return; // a second HTTP server on the same metrics
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  };
  gauge("sage_http_subscriptions", "SUBSCRIBE streams open over HTTP (/api/subscribe)", subscriptions);
  gauge("sage_http_login_sessions", "Studio login sessions held by the HTTP server", loginSessions);
}
