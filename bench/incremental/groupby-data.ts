// The input of the incremental GROUP BY benchmark: rows (id, key, value) with key in 0..9999 and
// an integer value in 0..999, both pure functions of the row id so that SQL can generate the same
// rows (INSERT ... SELECT FROM generate_series) as the typed arrays the other contenders read.
// Batches of `batchSize` events; with a delete fraction f, each batch after the first inserts
// batchSize·(1−f) new rows and deletes batchSize·f rows inserted by the batch before it.

export const KEYS = 10_000;

/** key(id) = (id · 2654435761 mod 2^32) mod 10000 (Knuth's multiplicative hash) */
export function keyOf(id: number): number {
  return (Math.imul(id, 2654435761) >>> 0) % KEYS;
}

/** value(id) = (id · 2246822519 mod 2^32) mod 1000 */
export function valueOf(id: number): number {
  return (Math.imul(id, 2246822519) >>> 0) % 1000;
}

/** The same two functions in SQL over a bigint `i`. */
export const SQL_KEY = "((i::bigint * 2654435761) % 4294967296 % 10000)::int";
export const SQL_VALUE = "((i::bigint * 2246822519) % 4294967296 % 1000)::int";

export interface Batch {
  /** inserted ids: [insFrom, insFrom + insCount) */
  insFrom: number;
  insCount: number;
  /** deleted ids (rows of an earlier batch): [delFrom, delFrom + delCount) */
  delFrom: number;
  delCount: number;
}

export interface GroupByInput {
  batches: Batch[];
  /** rows indexed by id */
  ids: Int32Array;
  keys: Int32Array;
  values: Int32Array;
  /** events = inserted + deleted rows */
  events: number;
  description: string;
}

export function makeInput(totalEvents: number, batchSize: number, deleteFraction: number): GroupByInput {
  const del = Math.round(batchSize * deleteFraction);
  const ins = batchSize - del;
  const batches: Batch[] = [];
  let nextId = 0;
  let events = 0;
  for (let b = 0; events < totalEvents; b++) {
    const prev = batches[b - 1];
    const dc = prev ? Math.min(del, prev.insCount) : 0;
    const ic = Math.min(prev ? ins : batchSize, totalEvents - events - dc);
    batches.push({ insFrom: nextId, insCount: ic, delFrom: prev ? prev.insFrom : 0, delCount: dc });
    nextId += ic;
    events += ic + dc;
  }
  const ids = new Int32Array(nextId);
  const keys = new Int32Array(nextId);
  const values = new Int32Array(nextId);
  for (let i = 0; i < nextId; i++) {
    ids[i] = i;
    keys[i] = keyOf(i);
    values[i] = valueOf(i);
  }
  const description =
    deleteFraction > 0
      ? `${events.toLocaleString("en")} events (${Math.round(deleteFraction * 100)}% deletes of the previous batch's rows) in ${batches.length} batches of ${batchSize.toLocaleString("en")}`
      : `${events.toLocaleString("en")} inserts in ${batches.length} batches of ${batchSize.toLocaleString("en")}`;
  return { batches, ids, keys, values, events, description };
}

/** The final view as typed arrays: per key, sum and count (count 0 = no group). */
export class GroupState {
  readonly sums = new Float64Array(KEYS);
  readonly counts = new Float64Array(KEYS);

  /** applies one output change row of the view (k, sum, count, op) */
  apply(k: number, s: number, c: number, op: number): void {
    if (op > 0) {
      this.sums[k] = s;
      this.counts[k] = c;
    } else if (this.sums[k] === s && this.counts[k] === c) {
      // a retraction of the row held (if the new row already replaced it, nothing to do)
      this.sums[k] = 0;
      this.counts[k] = 0;
    }
  }

  digest(): string {
    let groups = 0;
    let rows = 0;
    let total = 0;
    let weighted = 0;
    for (let k = 0; k < KEYS; k++) {
      if (this.counts[k] === 0) continue;
      groups++;
      rows += this.counts[k];
      total += this.sums[k];
      weighted += (k + 1) * (this.sums[k] * 7 + this.counts[k]);
    }
    return `groups=${groups} rows=${rows} sum=${total} w=${weighted}`;
  }
}
