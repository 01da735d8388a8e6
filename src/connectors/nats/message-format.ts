// Message payloads <-> rows for the NATS connectors. A source decodes each message into rows of
// the stream's declared columns (FORMAT JSON | CSV | PLAIN | DEBEZIUM_JSON); a sink encodes each
// change of its input as one message (FORMAT JSON | DEBEZIUM_JSON | UPSERT). Values cross as
// Postgres text through our own input/output functions, so a message parses as INSERT would.

import { SqlError, SqlState, formatValue, parseValue, type DataType } from "../../types/index.js";
// JSON decoding is shared with the webhook connector
import { badJson as badMessage, jsonRows, objectRow, parseJson } from "../json-rows.js";

export const NATS_SOURCE_FORMATS = ["json", "csv", "plain", "debezium_json"] as const;
export const NATS_SINK_FORMATS = ["json", "debezium_json", "upsert"] as const;
export type NatsSourceFormat = (typeof NATS_SOURCE_FORMATS)[number];
export type NatsSinkFormat = (typeof NATS_SINK_FORMATS)[number];

export interface MessageColumn {
  name: string;
  type: DataType;
}

/** What one message decodes to: rows with their change sign (+1 insert, −1 delete). */
export interface DecodedMessage {
  rows: unknown[][];
  ops: number[];
}

/** Reads FORMAT x (or a `format` option); 22023 on one the connector does not speak. */
export function readMessageFormat<T extends string>(given: string | undefined, allowed: readonly T[], what: string): T {
  const f = (given ?? "json").trim().toLowerCase().replace(/^debezium$/, "debezium_json") as T;
  if (!allowed.includes(f)) {
    throw new SqlError(SqlState.InvalidParameterValue, `FORMAT ${given} is not supported for a NATS ${what}`, {
      hint: `Formats: ${allowed.map((a) => a.toUpperCase()).join(", ")}.`,
    });
  }
  return f;
}

/** One CSV record (RFC 4180 quoting); an unquoted empty field is NULL, as COPY's CSV. */
function csvFields(line: string): (string | null)[] {
  const out: (string | null)[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let s = "";
      i++;
      for (;;) {
        if (i >= line.length) throw badMessage("unterminated quoted CSV field");
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            s += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += line[i++];
      }
      out.push(s);
    } else {
      let j = line.indexOf(",", i);
      if (j < 0) j = line.length;
      const s = line.slice(i, j);
      out.push(s === "" ? null : s);
      i = j;
    }
    if (i >= line.length) return out;
    if (line[i] !== ",") throw badMessage("unexpected character after a quoted CSV field");
    i++;
  }
}

/** Decodes one message; a message that does not fit throws a SqlError saying why. */
export function decodeMessage(format: NatsSourceFormat, columns: readonly MessageColumn[], payload: string): DecodedMessage {
  switch (format) {
    case "json": {
      // a message may carry one object or an array of them
      const rows = jsonRows(columns, payload);
      return { rows, ops: rows.map(() => 1) };
    }
    case "csv": {
      const rows = payload
        .split(/\r?\n/)
        .filter((l) => l.length > 0)
        .map((line) => {
          const f = csvFields(line);
          if (f.length !== columns.length) throw badMessage(`a CSV line has ${f.length} fields, the stream ${columns.length} columns`);
          return f.map((v, i) => (v === null ? null : parseValue(columns[i].type, v)));
        });
      return { rows, ops: rows.map(() => 1) };
    }
    case "plain":
      return { rows: [[parseValue(columns[0].type, payload)]], ops: [1] };
    case "debezium_json": {
      const v = parseJson(payload) as Record<string, unknown> | null;
      if (v === null) return { rows: [], ops: [] }; // a tombstone after a delete
      const env = (v && typeof v === "object" && "payload" in v ? v.payload : v) as Record<string, unknown> | null;
      if (!env || typeof env !== "object") throw badMessage("a Debezium message must be an object with before, after and op");
      const op = env.op;
      const before = () => {
        if (env.before == null) throw badMessage(`a Debezium "${String(op)}" event without "before" (set REPLICA IDENTITY FULL on the source table)`);
        return objectRow(columns, env.before);
      };
      const after = () => objectRow(columns, env.after);
      switch (op) {
        case "c":
        case "r":
          return { rows: [after()], ops: [1] };
        case "u":
          return { rows: [before(), after()], ops: [-1, 1] };
        case "d":
          return { rows: [before()], ops: [-1] };
        default:
          throw badMessage(`unknown Debezium op ${JSON.stringify(op)}`);
      }
    }
  }
}

/** A value as JSON: numbers and booleans natively, jsonb as itself, the rest as Postgres text. */
function toJson(type: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type.id) {
    case "smallint":
    case "integer":
    case "real":
    case "double":
    case "boolean":
      return v;
    case "bigint":
      return typeof v === "bigint" && (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) ? v.toString() : Number(v);
    case "jsonb":
      return JSON.parse(formatValue(type, v));
    default:
      return formatValue(type, v);
  }
}

export function rowObject(columns: readonly MessageColumn[], row: readonly unknown[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  columns.forEach((c, i) => (o[c.name] = toJson(c.type, row[i])));
  return o;
}

/**
 * One change as a message. JSON: the row with "__op" (1 insert, −1 delete), as the file sink's
 * changes. DEBEZIUM_JSON: {before, after, op: "c" | "d"}. UPSERT: the row; a deletion carries the
 * row too, with header Sage-Op: delete (there is no key to tombstone).
 */
export function encodeChange(format: NatsSinkFormat, columns: readonly MessageColumn[], row: readonly unknown[], op: number): { data: string; deleted: boolean } {
  const obj = rowObject(columns, row);
  switch (format) {
    case "json":
      return { data: JSON.stringify({ ...obj, __op: op }), deleted: op < 0 };
    case "debezium_json":
      return { data: JSON.stringify(op > 0 ? { before: null, after: obj, op: "c" } : { before: obj, after: null, op: "d" }), deleted: op < 0 };
    case "upsert":
      return { data: JSON.stringify(obj), deleted: op < 0 };
  }
}
