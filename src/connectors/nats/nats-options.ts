// The NATS connectors' WITH options: servers, subject, and for JetStream stream (and, for a
// source, an optional durable consumer). A misspelt or missing option is SQLSTATE 22023.

import { SqlError, SqlState } from "../../types/index.js";
import { ConnectorOptions } from "../connector-options.js";

export const NATS_CONNECTOR = "nats";

export interface NatsOptions {
  /** server URLs (servers = 'nats://h1:4222,nats://h2:4222') */
  servers: string[];
  subject: string;
  /** the JetStream stream; absent = core NATS (at-most-once) */
  stream?: string;
  /** a durable consumer of `stream` to read through (default: an ordered consumer) */
  consumer?: string;
}

/** options every stream may carry, whatever feeds it */
const RELATION_OPTIONS = ["retention", "late_rows", "watermark.idle_timeout"];

export function readNatsOptions(options: Record<string, string>, what: "source" | "sink", extra: readonly string[] = []): NatsOptions {
  const known = ["connector", "servers", "subject", "stream", ...(what === "source" ? ["consumer", ...RELATION_OPTIONS] : []), ...extra];
  const unknown = Object.keys(options).find((k) => !known.includes(k.toLowerCase()));
  if (unknown !== undefined) {
    throw new SqlError(SqlState.InvalidParameterValue, `unknown option "${unknown}" for a NATS ${what}`, { hint: `Options: ${known.slice(1).join(", ")}.` });
  }
  const o = new ConnectorOptions(options);
  const servers = o
    .string("servers", "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (servers.length === 0) throw new SqlError(SqlState.InvalidParameterValue, `option "servers" is required for a NATS ${what}`, { hint: "e.g. servers = 'nats://127.0.0.1:4222'." });
  const subject = o.string("subject", "").trim();
  if (subject === "" || /\s/.test(subject)) throw new SqlError(SqlState.InvalidParameterValue, `option "subject" is required for a NATS ${what} (a subject without spaces)`, { hint: "e.g. subject = 'orders.>'." });
  if (what === "sink" && /[*>]/.test(subject)) throw new SqlError(SqlState.InvalidParameterValue, `a NATS sink publishes to one subject, not the wildcard "${subject}"`);
  const stream = o.raw("stream")?.value.trim() || undefined;
  const consumer = o.raw("consumer")?.value.trim() || undefined;
  if (consumer !== undefined && stream === undefined) throw new SqlError(SqlState.InvalidParameterValue, `option "consumer" needs option "stream" (a JetStream consumer belongs to a stream)`);
  if (what === "sink" && stream === undefined) {
    throw new SqlError(SqlState.InvalidParameterValue, `a NATS sink needs option "stream" (it publishes to JetStream, so that a replay is de-duplicated)`, { hint: "The stream is created, for the subject, when it does not exist." });
  }
  return { servers, subject, stream, consumer };
}
