// Incremental checkpoints of one instance. Its state is stored in parts: its operators' state
// (taken only when input reached the instance since the last one, and then stored as
// content-defined chunks, content-chunks.ts: a manifest object listing them, and only the chunks
// its previous manifest did not name written anew) and, in a
// materialize fragment, its view rows as a chain (executor/state/table-chain.ts, the single-node
// checkpointer's rule): a whole snapshot, then deltas, whole again once the deltas add up to half
// the snapshot or the chain reaches its bound. A checkpoint writes only the parts that changed and
// lists its whole chain (cluster-records.ts chainLink) in its ack; the committed record carries
// it, a restore reads it in order, and an instance restored from it continues it (a new
// generation rewrites nothing that did not change: a restore is exactly the state the chain holds).

import type { ObjectStore } from "./backbone.js";
import type { ClusterInstance } from "./cluster-job.js";
import { type CommittedEpoch, checkpointObject, chainLink, chunkObject, decodeRecord, encodeRecord, parseChainLink } from "./cluster-records.js";
import { chunkHash, contentChunks } from "./content-chunks.js";
import { decodeDelta, encodeDelta, nextChainLink, restoredChain, type TableChain } from "../executor/index.js";
import type { TableDelta } from "../storage/index.js";

export interface CheckpointTaken {
  /** the objects to write (the parts that changed) */
  puts: { name: string; bytes: Uint8Array }[];
  /** the instance's chain at this checkpoint, as the record lists it */
  links: string[];
}

/** What one instance's checkpoints wrote so far, kept by its worker from one checkpoint to the next. */
export class InstanceChain {
  /** link of the operator state manifest (null: none written or restored yet) */
  private state: string | null = null;
  /**
   * hash -> manifest entry of the chunks the current manifest names. Only these are reused
   * without writing: each is then named by every manifest from the one that wrote it to the new
   * one, so the committed record of any epoch in between names it too and garbage collection
   * cannot have deleted it (a chunk an older manifest dropped is written again, never assumed).
   */
  private chunks = new Map<string, string>();
  /** links of the view rows: a whole snapshot, then deltas */
  private rows: string[] = [];
  private table: TableChain | null = null;
  /** the rows store's version when the last rows link was taken (-1: never) */
  private rowsVersion = -1;

  constructor(
    readonly view: string,
    readonly fragment: number,
    readonly partition: number,
    /** the longest rows chain (cluster-records.ts maxRowLinks) */
    private readonly maxRowLinks: number,
  ) {}

  /**
   * Restores `instance` from a committed chain (`links`, in order) and continues that chain.
   * Throws when an object is missing: the generation cannot be exact.
   */
  async restore(instance: ClusterInstance, links: readonly string[], objects: ObjectStore): Promise<void> {
    const read = await readChain(objects, this.view, this.fragment, this.partition, links, true);
    if (read.state !== null) instance.restoreOperators(read.state);
    this.state = read.stateLink;
    this.chunks = new Map(read.stateChunks.map((entry) => [entryHash(entry), entry]));
    const rows = instance.rowChain;
    if (rows !== null && read.whole !== null) {
      rows.restore(read.whole, read.deltas);
      this.rows = read.rowLinks;
      // the whole snapshot held the rows the first delta starts at
      this.table = restoredChain(read.deltas.length > 0 ? read.deltas[0].from : rows.store.highWaterMark, read.deltas);
      this.rowsVersion = rows.store.version;
    }
  }

  /**
   * The checkpoint of `epoch` in `generation`, taken NOW (the instance just passed the barrier):
   * the parts that changed since the previous one, and the chain that restores it. The rows store
   * is marked checkpointed at once: the next delta starts here (if writing this one fails, this
   * chain is broken and its worker acks nothing more in this generation).
   */
  take(instance: ClusterInstance, generation: number, epoch: number): CheckpointTaken {
    const puts: { name: string; bytes: Uint8Array }[] = [];
    const put = (link: string, bytes: Uint8Array): void => {
      puts.push({ name: checkpointObject(this.view, this.fragment, this.partition, link), bytes });
    };
    if (this.state === null || instance.inputSinceSnapshot) {
      this.state = chainLink("s", generation, epoch);
      const chunks = new Map<string, string>();
      const entries: string[] = [];
      for (const { hash, bytes } of contentChunks(instance.snapshotOperators())) {
        let entry = chunks.get(hash) ?? this.chunks.get(hash);
        if (entry === undefined) {
          entry = `${generation}.${epoch}.${hash}`;
          puts.push({ name: chunkObject(this.view, this.fragment, this.partition, entry), bytes });
        }
        chunks.set(hash, entry);
        entries.push(entry);
      }
      this.chunks = chunks;
      put(this.state, encodeManifest(entries));
    }
    const rows = instance.rowChain;
    if (rows !== null && (this.rows.length === 0 || rows.store.version !== this.rowsVersion)) {
      const link = nextChainLink(rows.store, this.table, this.maxRowLinks);
      if (link.kind === "delta") {
        const name = chainLink("d", generation, epoch);
        put(name, encodeDelta({ store: link.delta, watermark: null }));
        this.rows = [...this.rows, name];
      } else {
        const name = chainLink("r", generation, epoch);
        put(name, rows.snapshot());
        this.rows = [name];
      }
      this.table = link.chain;
      rows.store.markCheckpointed();
      this.rowsVersion = rows.store.version;
    }
    return { puts, links: [this.state, ...this.rows] };
  }
}

/** a manifest entry is `<generation>.<epoch>.<hash>`: the chunk's hash */
function entryHash(entry: string): string {
  return entry.slice(entry.lastIndexOf(".") + 1);
}

/** an operator state manifest: its chunks in order (entries as chunkObject takes them) */
interface StateManifest {
  stateChunks: string[];
}

function encodeManifest(entries: string[]): Uint8Array {
  return encodeRecord({ stateChunks: entries } satisfies StateManifest);
}

function decodeManifest(bytes: Uint8Array, name: string): string[] {
  let m: StateManifest | null = null;
  try {
    m = decodeRecord<StateManifest>(bytes);
  } catch {
    // not JSON: a whole state object of protocol version 2
  }
  if (m === null || !Array.isArray(m.stateChunks)) throw new Error(`${name} is not an operator state manifest (written by an older protocol version?): drop and recreate the view`);
  return m.stateChunks;
}

/** the operator state a manifest names: its chunks read (in parallel), checked and concatenated */
async function readStateChunks(objects: ObjectStore, view: string, fragment: number, partition: number, entries: readonly string[]): Promise<Uint8Array> {
  const parts = await Promise.all(entries.map(async (entry) => {
    const name = chunkObject(view, fragment, partition, entry);
    const bytes = await objects.get(name);
    if (bytes === null) throw new Error(`checkpoint object ${name} is missing`);
    if (chunkHash(bytes) !== entryHash(entry)) throw new Error(`checkpoint object ${name} does not hold the bytes its name hashes`);
    return bytes;
  }));
  return Buffer.concat(parts);
}

interface ReadChain {
  state: Uint8Array | null;
  stateLink: string | null;
  /** the manifest's entries (empty when the state was not read) */
  stateChunks: string[];
  whole: Uint8Array | null;
  deltas: TableDelta[];
  rowLinks: string[];
}

async function readChain(objects: ObjectStore, view: string, fragment: number, partition: number, links: readonly string[], withState: boolean): Promise<ReadChain> {
  const out: ReadChain = { state: null, stateLink: null, stateChunks: [], whole: null, deltas: [], rowLinks: [] };
  // protocol version 1 recorded one object name per instance
  if (!Array.isArray(links)) throw new Error(`the checkpoint of ${view} f${fragment}p${partition} was written by an older protocol version: drop and recreate the view`);
  for (const link of links) {
    const { part } = parseChainLink(link);
    if (part === "s") {
      out.stateLink = link;
      if (!withState) continue;
    } else out.rowLinks.push(link);
    const name = checkpointObject(view, fragment, partition, link);
    const bytes = await objects.get(name);
    if (bytes === null) throw new Error(`checkpoint object ${name} is missing`);
    if (part === "s") {
      out.stateChunks = decodeManifest(bytes, name);
      out.state = await readStateChunks(objects, view, fragment, partition, out.stateChunks);
    }
    else if (part === "r") out.whole = bytes;
    else out.deltas.push(decodeDelta(bytes).store);
  }
  if (out.deltas.length > 0 && out.whole === null) throw new Error(`the checkpoint chain of ${view} f${fragment}p${partition} has deltas and no whole snapshot`);
  return out;
}

/**
 * Restores what a materialize instance needs for rows(): its rows chain alone when it keeps its
 * rows in a store (the operator state, often as large, is not read), else its operator state.
 */
export async function restoreRows(instance: ClusterInstance, view: string, fragment: number, partition: number, links: readonly string[], objects: ObjectStore): Promise<void> {
  const rows = instance.rowChain;
  const read = await readChain(objects, view, fragment, partition, links, rows === null);
  if (rows === null) {
    if (read.state !== null) instance.restoreOperators(read.state);
  } else if (read.whole !== null) rows.restore(read.whole, read.deltas);
}

/**
 * The operator state chunks a committed record names, read from its manifests: what garbage
 * collection keeps besides committedObjects (cluster-records.ts). Manifests never change once
 * written, so `cache` (manifest object -> its chunk objects) may be kept between calls. Throws
 * when a manifest is missing or unreadable: then nobody may decide what is garbage.
 */
export async function committedChunks(view: string, committed: CommittedEpoch, objects: ObjectStore, cache?: Map<string, string[]>): Promise<string[]> {
  const out: string[] = [];
  for (const [key, links] of Object.entries(committed.objects)) {
    const [fragment, partition] = key.split("/").map(Number);
    for (const link of links) {
      if (parseChainLink(link).part !== "s") continue;
      const name = checkpointObject(view, fragment, partition, link);
      let chunks = cache?.get(name);
      if (chunks === undefined) {
        const bytes = await objects.get(name);
        if (bytes === null) throw new Error(`checkpoint object ${name} is missing`);
        chunks = decodeManifest(bytes, name).map((entry) => chunkObject(view, fragment, partition, entry));
        cache?.set(name, chunks);
      }
      out.push(...chunks);
    }
  }
  return out;
}
