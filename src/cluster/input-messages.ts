// The cluster's input log as one subject scheme and one codec, written by the leader coordinator's
// replica (src/log-replica.ts) and read by every coordinator replica AND by the workers' source
// instances: DDL as SQL text, writes as the rows the leader's plan computed (Arrow IPC chunks),
// the leader's term markers, and the protocol's barrier markers that cut the log into epochs.
// Every subject starts with `coord.`; a write's subject names its relation, so a reader can skip
// what it does not need without decoding it.

import type { InputLogScheme } from "./input-scheme.js";
import { chunkSequenceParts, decodeChunkSequence } from "./exchange-frames.js";
import { Chunk } from "../types/index.js";

/** every subject of the input log starts with it */
export const INPUT_SUBJECT_PREFIX = "coord.";
export const DDL_SUBJECT = "coord.ddl";
export const TERM_SUBJECT = "coord.term";
/** the protocol's epoch markers: `{ "epoch": n }` as JSON, message id `barrier.<n>` */
export const MARKER_SUBJECT = "coord.barrier";

export type WriteKind = "insert" | "update" | "delete";

export type InputHeader =
  | { kind: "term"; term: number; id: string }
  /** a message too large for one NATS message: the whole message is `object` in the object store */
  | { kind: "blob"; term: number; id: string; object: string }
  /** `settings`: the session settings a statement's meaning depends on (streaming_parallelism of CREATE MATERIALIZED VIEW) */
  | { kind: "ddl"; term: number; id: string; database: string; user: string; role: string; superuser: boolean; searchPath: string; inTransaction?: boolean; settings?: Record<string, string>; sql: string }
  | {
      kind: "write";
      term: number;
      id: string;
      database: string;
      relation: [string, string];
      /** the relation's id (the id fragments name their sources by) */
      relationId?: string;
      op: WriteKind;
      skipConflicts: boolean;
      chunks: number;
      /** update: chunks after `chunks` holding the rows before the update, in the same order */
      oldChunks?: number;
      /** a source's batch (an insert, src/replicated-source.ts): the source's position after it, which replicas take as theirs */
      source?: { position: unknown };
    };

/** A name as one subject token: letters, digits, _ and - as they are, anything else as =XX bytes. */
export function subjectToken(name: string): string {
  let out = "";
  for (const ch of name) {
    if (/^[A-Za-z0-9_-]$/.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, "utf8")) out += "=" + b.toString(16).padStart(2, "0");
  }
  return out || "=";
}

export function writeSubject(schema: string, name: string): string {
  return `coord.w.${subjectToken(schema)}.${subjectToken(name)}`;
}

// A message: u32 header length, the header as JSON, then its chunks (chunkSequenceParts: per chunk u32 length + Arrow IPC bytes).
export function encodeInputMessage(header: InputHeader, chunks: readonly Chunk[]): Uint8Array {
  const head = Buffer.from(JSON.stringify(header), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(head.length);
  return Buffer.concat([length, head, ...chunkSequenceParts(chunks)]);
}

export function decodeInputMessage(data: Uint8Array): { header: InputHeader; chunks: Chunk[] } {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const headLength = buf.readUInt32BE(0);
  const header = JSON.parse(buf.subarray(4, 4 + headLength).toString("utf8")) as InputHeader;
  const n = header.kind === "write" ? header.chunks + (header.oldChunks ?? 0) : 0;
  return { header, chunks: n === 0 ? [] : decodeChunkSequence(data, 4 + headLength, n) };
}

/**
 * The scheme of the replica's messages. An insert's rows are +1 changes; a delete's (row id, old
 * row) are -1 changes of the old rows; an update's old rows (-1) and new rows (+1).
 */
export const replicaInputScheme: InputLogScheme = {
  prefix: INPUT_SUBJECT_PREFIX,
  markerSubject: MARKER_SUBJECT,
  decode(m, relations) {
    if (m.subject === MARKER_SUBJECT) return { kind: "marker", epoch: (JSON.parse(new TextDecoder().decode(m.data)) as { epoch: number }).epoch };
    if (m.subject === TERM_SUBJECT) {
      const { header } = decodeInputMessage(m.data);
      return { kind: "term", term: header.term };
    }
    if (!m.subject.startsWith("coord.w.")) return null;
    const { header, chunks } = decodeInputMessage(m.data);
    // a large write's body, stored apart: the reader fetches it and decodes it here again, as a replica does
    if (header.kind === "blob") return { kind: "fetch", object: header.object };
    if (header.kind !== "write" || header.relationId === undefined || !relations.has(header.relationId)) return null;
    return { kind: "changes", term: header.term, relation: header.relationId, changes: writeChanges(header.op, chunks.slice(0, header.chunks), chunks.slice(header.chunks)) };
  },
};

function writeChanges(op: WriteKind, chunks: Chunk[], old: Chunk[]): Chunk[] {
  // an insert's chunks are the rows as they are (no ops: all +1)
  if (op === "insert") return chunks.filter((c) => c.length > 0);
  if (chunks.length === 0) return [];
  // row id first, then the row; a row matched twice (UPDATE ... FROM, DELETE ... USING) is written
  // once, as the replica's apply does. An update's old rows are aligned with its rows.
  const seen = new Set<unknown>();
  const keep: boolean[] = [];
  const withIds = chunks.flatMap((c) => c.rows());
  for (const r of withIds) {
    const id = typeof r[0] === "bigint" ? Number(r[0]) : r[0];
    keep.push(!seen.has(id));
    seen.add(id);
  }
  const after = withIds.filter((_, i) => keep[i]).map((r) => r.slice(1));
  const before = op === "delete" ? after : old.flatMap((c) => c.rows()).filter((_, i) => keep[i]);
  const inserted = op === "delete" ? [] : after;
  const types = chunks[0].columns.slice(1).map((col) => col.type);
  return [Chunk.fromRows(types, [...before, ...inserted], [...before.map(() => -1), ...inserted.map(() => 1)])];
}
