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
    default:
      throw new SqlError(SqlState.InvalidParameterValue, `unknown generator connector "${connector}"`, {
        hint: `Generator connectors: ${GENERATOR_CONNECTORS.map((c) => `'${c}'`).join(", ")}.`,
      });
  }
}

// files, through DuckDB's readers and writers
export { FILE_FORMATS, readFileFormat, type FileFormat, type FileFormatName } from "./file/file-format.js";
export { FileReader, listFiles, type FileColumn } from "./file/file-reader.js";
export { writeFile, type WriteSpec } from "./file/file-writer.js";
export { ConnectorOptions } from "./connector-options.js";
export const FILE_CONNECTOR = "file";

// NATS (core and JetStream): options and message formats; the client lives with the runners
export { NATS_CONNECTOR, readNatsOptions, type NatsOptions } from "./nats/nats-options.js";
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
