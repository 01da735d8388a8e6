// An HNSW index over a table's rows (CREATE INDEX ... USING hnsw): a usearch VectorIndex keyed by
// row id, built from the rows the table holds and kept in step with its changes (it listens to the
// StoredRelation: an UPDATE is a delete of the old row id and an insert of a new one, so the index
// removes, then adds). Rows whose indexed value is NULL (or a zero vector under cosine) are left
// out, as pgvector does. The index lives in memory: on restart the log replays CREATE INDEX after
// the rows it covered, which rebuilds it, and later writes maintain it again.

import type { IndexEntry, VectorIndexSpec } from "./catalog/index.js";
import { compileExpr, type CompiledExpr, type ExecutionContext } from "./executor/index.js";
import type { VectorIndexReader } from "./executor/index.js";
import type { BoundExpr } from "./planner/index.js";
import { distanceFunction, isZeroVector, VectorIndex, type VectorMetric } from "./ai/index.js";
import type { RowChangeListener, StoredRelation } from "./stored-relation.js";
import { Chunk, SqlError, SqlState, Types } from "./types/index.js";

/**
 * Below this many rows (and unless the session fixes hnsw.ef_search) a search compares the query
 * with every indexed row instead of walking the graph: exact results for about a millisecond a
 * query. A graph walk can miss a row even with the whole index as its candidate list, since HNSW's
 * neighbour pruning can leave a node no other node links to (seen on 300 random rows with m = 8).
 */
const EXHAUSTIVE_BELOW = 2048;
/** Target duration of one synchronous usearch call while building (then the event loop gets a turn). */
const SLICE_MS = 20;
const MAX_SLICE_ROWS = 1024;
/** storage's ROW_ID_COLUMN (a scan column asking for the row id) */
const ROW_ID = -1;

const METRICS: Record<VectorIndexSpec["operator"], VectorMetric> = { "<=>": "cos", "<->": "l2sq", "<#>": "ip" };

/** scan columns: every column of the table (the index's expression reads rows), then the row id */
const rowsWithIds = (stored: StoredRelation): number[] => [...stored.entry.columns.map((_, i) => i), ROW_ID];

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class TableVectorIndex implements RowChangeListener, VectorIndexReader {
  private index: VectorIndex;
  private readonly kernel: CompiledExpr;
  /** bumped by TRUNCATE: a build still reading the rows from before has nothing left to add */
  private generation = 0;

  private constructor(
    readonly entry: IndexEntry,
    readonly spec: VectorIndexSpec,
    private readonly stored: StoredRelation,
    private readonly ctx: ExecutionContext,
  ) {
    this.kernel = compileExpr(spec.expr as BoundExpr);
    this.index = this.emptyIndex();
  }

  private emptyIndex(): VectorIndex {
    return new VectorIndex({ dims: this.spec.dims, metric: METRICS[this.spec.operator], m: this.spec.m, efConstruction: this.spec.efConstruction });
  }

  /**
   * Builds the index from the table's live rows in slices, yielding to the event loop between
   * them; writes during the build are applied as they happen (it listens from the start, and a
   * slice skips rows deleted meanwhile). Returns once built and its ef_search tuned.
   */
  static async build(entry: IndexEntry, spec: VectorIndexSpec, stored: StoredRelation, ctx: ExecutionContext, signal?: AbortSignal, progress?: (rows: number) => void): Promise<TableVectorIndex> {
    const t = new TableVectorIndex(entry, spec, stored, ctx);
    stored.listeners.add(t);
    try {
      const width = stored.entry.columns.length;
      const columns = rowsWithIds(stored);
      // slices sized so that one synchronous usearch call takes about SLICE_MS (the cost of an
      // insert grows with the graph and with the machine's load, so the size adapts as it goes)
      let slice = 32;
      const generation = t.generation;
      for (const chunk of stored.store.scan(columns)) {
        if (t.generation !== generation) break;
        const vectors = t.kernel(chunk, ctx);
        const ids = chunk.columns[width];
        for (let from = 0; from < chunk.length; ) {
          if (signal?.aborted) throw signal.reason instanceof SqlError ? signal.reason : new SqlError(SqlState.QueryCanceled, "canceling statement due to user request");
          if (t.generation !== generation) break;
          const to = Math.min(chunk.length, from + slice);
          progress?.(to - from);
          const keys: number[] = [];
          const vecs: Float32Array[] = [];
          for (let i = from; i < to; i++) {
            const id = ids.get(i) as number;
            const v = vectors.get(i);
            if (v === null || !stored.store.isLive(id)) continue;
            keys.push(id);
            vecs.push(t.checked(v));
          }
          from = to;
          const started = performance.now();
          if (keys.length) t.index.addBatchUntuned(keys, vecs);
          const ms = performance.now() - started;
          if (keys.length) slice = Math.max(1, Math.min(MAX_SLICE_ROWS, Math.round((slice * SLICE_MS) / Math.max(ms, 0.1))));
          await nextTurn();
        }
      }
      await t.index.tune();
      return t;
    } catch (e) {
      stored.listeners.delete(t);
      throw e;
    }
  }

  private checked(v: unknown): Float32Array {
    const vec = v as Float32Array;
    if (vec.length !== this.spec.dims) throw new SqlError(SqlState.DataException, `expected ${this.spec.dims} dimensions, not ${vec.length}`);
    return vec;
  }

  get size(): number {
    return this.index.size;
  }

  /** The ef_search searches use unless a session sets hnsw.ef_search. */
  get efSearch(): number {
    return this.index.efSearch;
  }

  applied(deletedIds: readonly number[], insertedIds: readonly number[], inserted: readonly unknown[][]): void {
    for (const id of deletedIds) this.index.remove(id);
    if (insertedIds.length === 0) return;
    const chunk = Chunk.fromRows(
      this.stored.entry.columns.map((c) => c.type),
      inserted.slice(0, insertedIds.length),
    );
    const vectors = this.kernel(chunk, this.ctx);
    const keys: number[] = [];
    const vecs: Float32Array[] = [];
    insertedIds.forEach((id, i) => {
      const v = vectors.get(i);
      if (v === null) return;
      keys.push(id);
      vecs.push(this.checked(v));
    });
    if (keys.length) this.index.addBatch(keys, vecs);
  }

  cleared(): void {
    this.generation++;
    this.index = this.emptyIndex();
  }

  /** Stops following the table (DROP INDEX / DROP TABLE). */
  detach(): void {
    this.stored.listeners.delete(this);
  }

  search(query: Float32Array, k: number, efSearch: number | undefined, accept?: (rowId: number) => boolean): { rowId: number; distance: number }[] {
    if (query.length !== this.spec.dims) throw new SqlError(SqlState.DataException, `different vector dimensions ${this.spec.dims} and ${query.length}`);
    const size = this.index.size;
    if (efSearch === undefined && size < EXHAUSTIVE_BELOW) return this.exactSearch(query, k, accept);
    if (efSearch !== undefined) this.index.efSearch = Math.min(efSearch, 10_000);
    try {
      const found = this.index.search(query, k, accept ? (key) => accept(Number(key)) : undefined);
      return found.map((m) => ({ rowId: Number(m.key), distance: m.distance }));
    } finally {
      if (efSearch !== undefined) this.index.efSearch = undefined;
    }
  }

  /** The k nearest rows by comparing with each one the index holds (NULLs and, under cosine, zero vectors are not held). */
  private exactSearch(query: Float32Array, k: number, accept?: (rowId: number) => boolean): { rowId: number; distance: number }[] {
    const distance = distanceFunction(this.spec.operator);
    const cosine = this.spec.operator === "<=>";
    const store = this.stored.store;
    const width = this.stored.entry.columns.length;
    const found: { rowId: number; distance: number }[] = [];
    for (const chunk of store.scan(rowsWithIds(this.stored))) {
      const vectors = this.kernel(chunk, this.ctx);
      const ids = chunk.columns[width];
      for (let i = 0; i < chunk.length; i++) {
        const v = vectors.get(i) as Float32Array | null;
        if (v === null || (cosine && isZeroVector(v))) continue;
        const rowId = ids.get(i) as number;
        if (accept !== undefined && !accept(rowId)) continue;
        found.push({ rowId, distance: distance(v, query) });
      }
    }
    // NaN (a zero query under cosine) sorts last, as ORDER BY puts it
    const key = (d: number) => (Number.isNaN(d) ? Infinity : d);
    return found.sort((a, b) => key(a.distance) - key(b.distance) || a.rowId - b.rowId).slice(0, k);
  }

  firstRows(k: number, accept?: (rowId: number) => boolean): number[] {
    const store = this.stored.store;
    const out: number[] = [];
    for (let id = 0; id < store.highWaterMark && out.length < k; id++) {
      if (store.isLive(id) && (accept === undefined || accept(id))) out.push(id);
    }
    return out;
  }

  rows(rowIds: readonly number[], columns: readonly number[]): Chunk {
    const store = this.stored.store;
    const live = rowIds.filter((id) => store.isLive(id));
    const types = columns.map((c) => (c === ROW_ID ? Types.integer : this.stored.entry.columns[c].type));
    const rows = live.map((id) => {
      const row = store.row(id);
      return columns.map((c) => (c === ROW_ID ? id : row[c]));
    });
    return Chunk.fromRows(types, rows);
  }
}

/** The HNSW indexes of a database, by catalog index id. */
export class TableVectorIndexes {
  private readonly byId = new Map<string, TableVectorIndex>();

  get(id: string): TableVectorIndex | undefined {
    return this.byId.get(id);
  }

  add(index: TableVectorIndex): void {
    this.byId.set(index.entry.id, index);
  }

  drop(id: string): void {
    this.byId.get(id)?.detach();
    this.byId.delete(id);
  }

  /** Drops the indexes of a relation (DROP TABLE). */
  dropRelation(relation: string): void {
    for (const [id, ix] of this.byId) if (ix.entry.relation === relation) this.drop(id);
  }
}

