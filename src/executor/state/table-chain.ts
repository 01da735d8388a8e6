// A stored table's checkpoint as a CHAIN: one whole snapshot, then deltas (the rows appended and
// deleted since the previous link, TableStore.checkpointDelta), until the deltas add up to half
// the whole snapshot they follow or the chain reaches its bound: then the next link is whole
// again. Shared by the single-node checkpointer (a relation's rows) and cluster workers (a
// materialize partition's view rows), so both write the same delta blobs by the same rule.

import type { TableDelta, TableStore } from "../../storage/index.js";
import { decodeState, encodeState } from "./state-codec.js";

/** at most this many links (the whole snapshot and its deltas): bounds what a restore reads */
export const MAX_TABLE_CHAIN = 256;

/** what a chain holds so far */
export interface TableChain {
  /** links: the whole snapshot and the deltas after it */
  links: number;
  /** rows in the whole snapshot */
  baseRows: number;
  /** rows appended or deleted in the deltas after it */
  deltaRows: number;
}

export type ChainLink = { kind: "whole"; chain: TableChain } | { kind: "delta"; delta: TableDelta; chain: TableChain };

/** rows a delta appends or deletes */
export function deltaRowCount(d: TableDelta): number {
  return d.rows + d.deletedBefore.length;
}

/**
 * The next link for `store` after `prev` (null: no chain yet, or the store is not the one the
 * chain was written from): a delta while the deltas stay within half the whole snapshot and the
 * chain within `maxLinks`, else whole. The caller writes the link, then marks the store
 * checkpointed (markCheckpointed) so that the next delta starts there.
 */
export function nextChainLink(store: TableStore, prev: TableChain | null, maxLinks = MAX_TABLE_CHAIN): ChainLink {
  const delta = prev !== null && prev.links < maxLinks ? store.checkpointDelta() : null;
  if (delta !== null) {
    const changed = deltaRowCount(delta);
    if (prev!.deltaRows + changed <= Math.max(1, prev!.baseRows) / 2) {
      return { kind: "delta", delta, chain: { links: prev!.links + 1, baseRows: prev!.baseRows, deltaRows: prev!.deltaRows + changed } };
    }
  }
  return { kind: "whole", chain: { links: 1, baseRows: store.highWaterMark, deltaRows: 0 } };
}

/** a delta blob: the store's delta and, for relations with one, their watermark then */
export interface StoredDelta {
  store: TableDelta;
  watermark: { current: unknown; lateRows: number } | null;
}

export function encodeDelta(d: StoredDelta): Buffer {
  return encodeState(d);
}

export function decodeDelta(bytes: Uint8Array): StoredDelta {
  return decodeState(bytes) as StoredDelta;
}

/** the chain a restore rebuilt: a whole snapshot (`wholeRows` rows) followed by `deltas` */
export function restoredChain(wholeRows: number, deltas: readonly TableDelta[]): TableChain {
  let deltaRows = 0;
  for (const d of deltas) deltaRows += deltaRowCount(d);
  return { links: 1 + deltas.length, baseRows: wholeRows, deltaRows };
}
