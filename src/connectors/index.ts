// The public surface of src/connectors: built-in generator sources (datagen, nexmark) that
// produce columnar chunks of a stream's declared columns, deterministically and seekably.

import { SqlError, SqlState } from "../types/index.js";
import { DatagenSource } from "./datagen/datagen-source.js";
import type { GeneratorSource, SourceColumn } from "./generator-source.js";
import { NexmarkSource } from "./nexmark/nexmark-source.js";

export type { GeneratorSource, SourceColumn } from "./generator-source.js";
export { DatagenSource } from "./datagen/datagen-source.js";
export { NexmarkSource, nexmarkEventsToRows, readNexmarkOptions } from "./nexmark/nexmark-source.js";
export {
  NEXMARK_SCHEMAS,
  NEXMARK_TABLES,
  DEFAULT_BASE_TIME_MS,
  eventTable as nexmarkEventTable,
  type NexmarkTable,
} from "./nexmark/event-model.js";

export const GENERATOR_CONNECTORS: string[] = ["datagen", "nexmark"];

/** Builds a plugin's source for a stream: its WITH options and declared columns. */
export type ConnectorFactory = (options: Record<string, string>, columns: SourceColumn[]) => GeneratorSource;

const PLUGIN_CONNECTORS = new Map<string, ConnectorFactory>();

/**
 * Adds a connector a plugin provides (CREATE STREAM ... WITH (connector = '<name>')). Per
 * process, like the loaded packages; built-in names cannot be taken.
 */
export function registerConnector(name: string, factory: ConnectorFactory): void {
  const key = name.trim().toLowerCase();
  if (key === "datagen" || key === "nexmark") throw new Error(`connector "${name}" is built in`);
  PLUGIN_CONNECTORS.set(key, factory);
  if (!GENERATOR_CONNECTORS.includes(key)) GENERATOR_CONNECTORS.push(key);
}

/**
 * A generator source for `connector` with the stream's WITH options and declared columns.
 * Options outside the connector's namespace (`datagen.*`/`fields.*`, `nexmark.*`) are ignored,
 * so generic stream options may travel in the same map.
 */
export function createGeneratorSource(
  connector: string,
  options: Record<string, string>,
  columns: SourceColumn[],
): GeneratorSource {
  switch (connector.trim().toLowerCase()) {
    case "datagen":
      return new DatagenSource(options, columns);
    case "nexmark":
      return new NexmarkSource(options, columns);
    default: {
      const factory = PLUGIN_CONNECTORS.get(connector.trim().toLowerCase());
      if (factory) return factory(options, columns);
      throw new SqlError(SqlState.InvalidParameterValue, `unknown generator connector "${connector}"`, {
        hint: `Generator connectors: ${GENERATOR_CONNECTORS.map((c) => `'${c}'`).join(", ")}.`,
      });
    }
  }
}

// files, through DuckDB's readers and writers
export { FILE_FORMATS, readFileFormat, type FileFormat, type FileFormatName } from "./file/file-format.js";
export { FileReader, listFiles, type FileColumn } from "./file/file-reader.js";
export { writeFile, type WriteSpec } from "./file/file-writer.js";
export { ConnectorOptions } from "./connector-options.js";
export const FILE_CONNECTOR = "file";

// sinks: one runtime (src/sink.ts), a writer per target
export type { SinkBatch, SinkWriter } from "./sink-writer.js";
export { FileSinkWriter } from "./file/file-sink-writer.js";
export { PgSinkWriter } from "./postgres/pg-sink-writer.js";
export { readPgTarget, type PgTarget } from "./postgres/pg-connection.js";
export const PG_CONNECTOR = "postgres";

// Postgres CDC: logical replication (pgoutput) over `pg`
export { CDC_CONNECTOR, checkUpstreamTable, prepareUpstream, readCdcOptions, readSnapshot, snapshotIncludes, type CdcConfig } from "./postgres/cdc-upstream.js";
export { ReplicationStream } from "./postgres/replication-stream.js";
export { UNCHANGED, decodePgOutput, formatLsn, parseLsn, type PgOutputMessage, type RelationMessage, type TupleValue } from "./postgres/pgoutput-decoder.js";
// NATS (core and JetStream): options and message formats; the client lives with the runners
export { NATS_CONNECTOR, readNatsOptions, type NatsOptions } from "./nats/nats-options.js";
export { NatsSinkWriter } from "./nats/nats-sink-writer.js";
export {
  NATS_SINK_FORMATS,
  NATS_SOURCE_FORMATS,
  decodeMessage,
  encodeChange,
  readMessageFormat,
  type DecodedMessage,
  type MessageColumn,
  type NatsSinkFormat,
  type NatsSourceFormat,
} from "./nats/message-format.js";
// JSON documents -> rows (NATS messages, webhook bodies)
export { jsonRows, type JsonColumn } from "./json-rows.js";
// webhook tables: options and request signatures (the HTTP side lives in src/server/http)
export { DEFAULT_SIGNATURE_HEADER, WEBHOOK_CONNECTOR, readWebhookOptions, type WebhookOptions } from "./webhook/webhook-options.js";
export { signWebhookBody, webhookSignatureMatches } from "./webhook/webhook-signature.js";
