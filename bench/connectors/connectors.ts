// The connectors module: NATS ingest (vs the built-in generator), Postgres CDC end-to-end lag at a
// steady write rate, the Postgres sink (vs a plain COPY) and webhook ingest (vs /api/query). Each case starts the server it
// needs on a free loopback port and skips, saying why, when its binaries are missing.

import type { BenchModule } from "../lib/harness.js";
import { cdcLagCase } from "./cdc-lag.js";
import { natsIngestCase } from "./nats-ingest.js";
import { pgSinkCase } from "./pg-sink.js";
import { webhookIngestCase } from "./webhook-ingest.js";

export const connectorsModule: BenchModule = {
  name: "connectors",
  description: "NATS JetStream ingest events/s (ratio to datagen), Postgres CDC commit-to-view lag p50/p99 at 2k rows/s, Postgres sink rows/s (ratio to COPY), webhook events/s (ratio to /api/query INSERTs)",
  cases: [natsIngestCase, cdcLagCase, pgSinkCase, webhookIngestCase],
};
