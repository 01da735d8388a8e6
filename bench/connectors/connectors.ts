// The connectors module: NATS ingest (vs the built-in generator), Postgres CDC end-to-end lag at a
// steady write rate, and the Postgres sink (vs a plain COPY). Each case starts the server it
// needs on a free loopback port and skips, saying why, when its binaries are missing.

import type { BenchModule } from "../lib/harness.js";
import { cdcLagCase } from "./cdc-lag.js";
import { natsIngestCase } from "./nats-ingest.js";
import { pgSinkCase } from "./pg-sink.js";

export const connectorsModule: BenchModule = {
  name: "connectors",
  description: "NATS JetStream ingest events/s (ratio to datagen), Postgres CDC commit-to-view lag p50/p99 at 2k rows/s, Postgres sink rows/s (ratio to COPY)",
  cases: [natsIngestCase, cdcLagCase, pgSinkCase],
};
