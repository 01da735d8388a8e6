// The files of checkpoints, in <data dir>/checkpoints: state blobs (one per relation or
// dataflow whose state changed, named by the epoch that wrote it, never overwritten) and the
// MANIFEST naming the last committed checkpoint and the blobs it uses. A checkpoint commits by
// renaming a complete, fsync'd manifest over the old one: a crash at any point before leaves
// the previous checkpoint as the last committed, and blobs no manifest names are deleted later.
// Every file is CRC-checked: [u32 crc32][bytes].
//
// Why files and not DuckDB: state is the operators' own structures serialized as blobs, taken
// synchronously between barriers; @duckdb/node-api is async-only, and storing opaque blobs in
// it would add a dependency to recovery without making anything queryable.

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { SqlError, SqlState } from "../types/index.js";
import { syncDirectory } from "./log-segments.js";

export interface CheckpointManifest {
  format: 1;
  /** the barrier epoch the checkpoint was taken at */
  epoch: number;
  /** the first log segment recovery replays after restoring this checkpoint */
  walSegment: number;
  /** every DDL statement accepted so far, in order (replayed to rebuild the catalog) */
  ddl: string[];
  /** relation id -> blobs of its stored rows (tables, retained streams, views' contents): a whole snapshot, then deltas in order */
  relations: Record<string, string[]>;
  /** relation id -> rows in its whole snapshot and rows changed in the deltas after it (when to rewrite whole) */
  relationRows?: Record<string, [number, number]>;
  /** materialized view id -> blob of its dataflow's operator state */
  dataflows: Record<string, string>;
  /** stream id -> generator position */
  sources: Record<string, unknown>;
  /**
   * id -> [schema, name] of every relation above: ids are not stable across runs (a failed CREATE
   * or a SUBSCRIBE can use one up), names are; recovery finds the relations by name
   */
  names?: Record<string, [string, string]>;
  /** sink id -> its changes not yet confirmed written, and its epoch numbering (see src/sink.ts) */
  sinks?: Record<string, unknown>;
  /** Database.logPosition when taken: the records counted after it continue from here (sinks store it) */
  logPosition?: number;
}

/** the file naming the committed checkpoint */
export const CHECKPOINT_MANIFEST = "MANIFEST";
const MANIFEST = CHECKPOINT_MANIFEST;

/** the u32 crc32 every checkpoint file starts with */
function checksumHeader(bytes: Uint8Array): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32LE(crc32(bytes) >>> 0, 0);
  return header;
}

export class CheckpointStore {
  constructor(readonly path: string) {
    mkdirSync(path, { recursive: true });
  }

  private writeFile(name: string, bytes: Uint8Array): void {
    const tmp = join(this.path, name + ".tmp");
    const header = checksumHeader(bytes);
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, header);
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, Math.min(bytes.length - off, 1 << 30));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(this.path, name));
  }

  private readFile(name: string): Buffer {
    const buf = readFileSync(join(this.path, name));
    const body = buf.subarray(4);
    if (buf.length < 4 || (crc32(body) >>> 0) !== buf.readUInt32LE(0)) {
      throw new SqlError(SqlState.DataCorrupted, `checkpoint file ${join(this.path, name)} is corrupt (checksum mismatch)`);
    }
    return body;
  }

  /** Writes one state blob (durable once this returns; not yet part of any checkpoint). */
  writeBlob(name: string, bytes: Uint8Array): void {
    this.writeFile(name, bytes);
  }

  readBlob(name: string): Buffer {
    return this.readFile(name);
  }

  /** Commits a checkpoint: from now on recovery starts from it. */
  commit(manifest: CheckpointManifest): void {
    syncDirectory(this.path);
    this.writeFile(MANIFEST, Buffer.from(JSON.stringify(manifest), "utf8"));
    syncDirectory(this.path);
  }

  /** The last committed checkpoint, or null when there is none (a new or pre-checkpoint directory). */
  readManifest(): CheckpointManifest | null {
    if (!existsSync(join(this.path, MANIFEST))) return null;
    const m = JSON.parse(this.readFile(MANIFEST).toString("utf8")) as CheckpointManifest;
    if (m.format !== 1) throw new SqlError(SqlState.DataCorrupted, `checkpoint manifest in ${this.path} has an unknown format`);
    return m;
  }

  /** The blobs `manifest` uses. */
  static blobsOf(manifest: CheckpointManifest): string[] {
    return [...new Set([...Object.values(manifest.relations).flat(), ...Object.values(manifest.dataflows)])];
  }

  /** `manifest` as the bytes of its MANIFEST file (as commit writes them: checksum, then JSON). */
  static manifestFile(manifest: CheckpointManifest): Buffer {
    const body = Buffer.from(JSON.stringify(manifest), "utf8");
    return Buffer.concat([checksumHeader(body), body]);
  }

  /** Deletes blobs the committed manifest does not use (older checkpoints, an interrupted one). */
  removeUnreferenced(manifest: CheckpointManifest): void {
    const keep = new Set([MANIFEST, ...CheckpointStore.blobsOf(manifest)]);
    for (const f of readdirSync(this.path)) if (!keep.has(f)) rmSync(join(this.path, f), { force: true });
  }
}
