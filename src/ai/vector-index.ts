// An HNSW vector index over usearch, with pgvector's semantics at its edges.
//
//   metric 'cos' (vector_cosine_ops, <=>), 'l2sq' (vector_l2_ops, <->), 'ip' (vector_ip_ops, <#>)
//   m = 16, ef_construction = 128; keys are int64 row ids (bigint or safe-integer number)
//   add() is an upsert (usearch refuses a key twice: we remove, then add); remove() deletes
//   search() returns the k nearest as { key, distance } with the distance the SQL operator gives:
//     cos → 1 − cos (usearch's own); l2sq → √(l2²) (pgvector's <-> is the L2 distance);
//     ip → −a·b (usearch measures 1 − a·b)
//   search(..., filter) over-fetches and widens (×4 each round) until k keys pass the filter or the
//   index is exhausted, since usearch's Node API cannot filter inside the graph walk
//   like pgvector's HNSW for cosine, zero vectors are not indexed (their distance is undefined)
//
// ef_search: usearch searches with max(expansion, wanted), so we pass wanted = max(k, ef) and cut.
// Random high-dimensional data needs a very wide search to reach a recall of 0.95 (~1,300 at 100k
// vectors of 100 dims), while real embeddings need ~40, so unless the caller fixes ef_search the
// index tunes it: it keeps a small reservoir sample of its vectors, and tune() (run automatically,
// in slices, after addBatchAsync and whenever the index has doubled) picks the smallest ef whose
// recall on the sample, against a search 8× wider, reaches the target (0.97, margin over 0.95).
// Before the first tuning a conservative ef (UNTUNED_EF_SEARCH) is used.
//
// usearch is synchronous: addBatchAsync()/VectorIndex.build() add in bounded slices and yield to
// the event loop (setImmediate) between them, so a large build never blocks a server for long.

import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { Index as NativeIndex, MetricKind, ScalarKind } from "usearch";
import { SqlError, SqlState } from "./ai-errors.js";
import { isZeroVector } from "./vector-math.js";

export type VectorMetric = "cos" | "l2sq" | "ip";

export interface VectorIndexOptions {
  dims: number;
  metric: VectorMetric;
  /** graph degree (default 16) */
  m?: number;
  /** candidate list while building (default 128) */
  efConstruction?: number;
  /** candidate list while searching; omit to let the index tune it */
  efSearch?: number;
  /** recall the tuning aims for on its sample (default 0.97) */
  targetRecall?: number;
  /** a previously tuned ef_search to start from (e.g. kept in the catalog with a checkpoint) */
  tunedEfSearch?: number;
}

export interface VectorMatch {
  key: bigint;
  distance: number;
}

export interface AddBatchOptions {
  /** vectors per synchronous usearch call (default 1024) */
  sliceSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** tune ef_search when done (default true, unless ef_search was fixed) */
  tune?: boolean;
}

export const DEFAULT_M = 16;
export const DEFAULT_EF_CONSTRUCTION = 128;
/** ef before the first tuning: enough for recall ≥ 0.95 on hard (random) data up to ~100k vectors */
export const UNTUNED_EF_SEARCH = 1536;
/** largest ef_search accepted (pgvector stops at 1,000; random data needs more) */
export const MAX_EF_SEARCH = 10_000;
const SAMPLE_SIZE = 64;
const MIN_TUNE_SIZE = 1000;
const EF_LADDER = [16, 24, 32, 40, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096];

type KeyLike = bigint | number;

const SIGN = 1n << 63n;
const INT64_MAX = SIGN - 1n;

/** int64 row id → usearch's uint64 key: the sign bit flipped, so that -1 does not land on usearch's
 * reserved "free slot" key 2^64-1 (only INT64_MAX does, and it is refused). */
function toKey(key: KeyLike): bigint {
  if (typeof key === "number") {
    if (!Number.isSafeInteger(key)) throw new SqlError(SqlState.InvalidParameterValue, `vector index key ${key} is not an integer`);
    key = BigInt(key);
  }
  if (key > INT64_MAX - 1n || key < -SIGN) throw new SqlError(SqlState.NumericValueOutOfRange, `vector index key ${key} is out of range`);
  return BigInt.asUintN(64, key) ^ SIGN;
}

function fromKey(key: bigint): bigint {
  return BigInt.asIntN(64, key ^ SIGN);
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

export class VectorIndex {
  readonly dims: number;
  readonly metric: VectorMetric;
  readonly m: number;
  readonly efConstruction: number;
  readonly targetRecall: number;
  private fixedEf: number | undefined;
  private tunedEf: number | undefined;
  private tunedAtSize = 0;
  private tuning: Promise<number> | undefined;
  private index: NativeIndex;
  /** reservoir sample of indexed vectors (key → vector), the queries tuning uses */
  private readonly sample = new Map<bigint, Float32Array>();
  private seen = 0;
  /** deterministic, so that the same inserts tune to the same ef_search */
  private readonly sampleRandom = seededRandom(0x5eed);

  constructor(options: VectorIndexOptions) {
    const { dims, metric } = options;
    if (!Number.isInteger(dims) || dims < 1 || dims > 16000) throw new SqlError(SqlState.InvalidParameterValue, `invalid vector index dimensions ${dims}`);
    if (metric !== "cos" && metric !== "l2sq" && metric !== "ip") throw new SqlError(SqlState.InvalidParameterValue, `invalid vector index metric "${String(metric)}"`);
    this.dims = dims;
    this.metric = metric;
    this.m = checkInt("m", options.m ?? DEFAULT_M, 2, 100);
    this.efConstruction = checkInt("ef_construction", options.efConstruction ?? DEFAULT_EF_CONSTRUCTION, 4, 1000);
    this.fixedEf = options.efSearch === undefined ? undefined : checkInt("ef_search", options.efSearch, 1, MAX_EF_SEARCH);
    this.targetRecall = options.targetRecall ?? 0.97;
    this.tunedEf = options.tunedEfSearch === undefined ? undefined : checkInt("tuned ef_search", options.tunedEfSearch, 1, MAX_EF_SEARCH);
    this.index = this.newNative();
  }

  private newNative(): NativeIndex {
    return new NativeIndex({
      dimensions: this.dims,
      metric: this.metric === "cos" ? MetricKind.Cos : this.metric === "l2sq" ? MetricKind.L2sq : MetricKind.IP,
      quantization: ScalarKind.F32,
      connectivity: this.m,
      expansion_add: this.efConstruction,
      expansion_search: 1,
      multi: false,
    });
  }

  get size(): number {
    return this.index.size();
  }

  /** The last tuned ef_search (persist it beside a checkpoint and pass it back as tunedEfSearch). */
  get tunedEfSearch(): number | undefined {
    return this.tunedEf;
  }

  /** The ef_search in use: the fixed one, else the tuned one, else UNTUNED_EF_SEARCH. */
  get efSearch(): number {
    return this.fixedEf ?? this.tunedEf ?? UNTUNED_EF_SEARCH;
  }

  /** Fixes ef_search (like pgvector's SET hnsw.ef_search); undefined returns to self-tuning. */
  set efSearch(ef: number | undefined) {
    this.fixedEf = ef === undefined ? undefined : checkInt("ef_search", ef, 1, MAX_EF_SEARCH);
  }

  has(key: KeyLike): boolean {
    return this.index.contains(toKey(key)) as boolean;
  }

  private checkVector(v: Float32Array): void {
    if (v.length !== this.dims) throw new SqlError(SqlState.DataException, `expected ${this.dims} dimensions, not ${v.length}`);
  }

  private indexable(v: Float32Array, offset = 0): boolean {
    return this.metric !== "cos" || !isZeroVector(v, offset, this.dims);
  }

  /** Adds or replaces the vector of `key`. Returns false when the vector is not indexable (zero, cosine). */
  add(key: KeyLike, vector: Float32Array): boolean {
    this.checkVector(vector);
    const k = toKey(key);
    if (this.index.contains(k)) this.removeKey(k);
    if (!this.indexable(vector)) return false;
    this.index.add(k, vector, 1);
    this.remember(k, vector, 0);
    this.maybeRetune();
    return true;
  }

  /** Removes `key`; false when it was not there. */
  remove(key: KeyLike): boolean {
    const k = toKey(key);
    const removed = this.removeKey(k);
    return removed;
  }

  private removeKey(k: bigint): boolean {
    this.sample.delete(k);
    return (this.index.remove(k) as number) > 0;
  }

  /** Reservoir sampling (Algorithm R) over the vectors added so far. */
  private remember(k: bigint, vectors: Float32Array, offset: number): void {
    this.seen++;
    if (this.sample.size < SAMPLE_SIZE) {
      this.sample.set(k, vectors.slice(offset, offset + this.dims));
      return;
    }
    const j = Math.floor(this.sampleRandom() * this.seen);
    if (j < SAMPLE_SIZE) {
      const victim = [...this.sample.keys()][j % this.sample.size];
      this.sample.delete(victim);
      this.sample.set(k, vectors.slice(offset, offset + this.dims));
    }
  }

  /** Adds many vectors at once (rows of `vectors`, flat, or one array each); synchronous. */
  addBatch(keys: readonly KeyLike[], vectors: Float32Array | readonly Float32Array[]): void {
    const flat = this.flatten(keys.length, vectors);
    this.addSlice(keys, flat, 0, keys.length);
    this.maybeRetune();
  }

  /** addBatch without starting a background re-tuning (for builds that tune once at the end). */
  addBatchUntuned(keys: readonly KeyLike[], vectors: Float32Array | readonly Float32Array[]): void {
    this.addSlice(keys, this.flatten(keys.length, vectors), 0, keys.length);
  }

  private flatten(n: number, vectors: Float32Array | readonly Float32Array[]): Float32Array {
    if (vectors instanceof Float32Array) {
      if (vectors.length !== n * this.dims) throw new SqlError(SqlState.DataException, `expected ${n} vectors of ${this.dims} dimensions, got ${vectors.length} values`);
      return vectors;
    }
    if (vectors.length !== n) throw new SqlError(SqlState.DataException, `${n} keys but ${vectors.length} vectors`);
    const flat = new Float32Array(n * this.dims);
    vectors.forEach((v, i) => {
      this.checkVector(v);
      flat.set(v, i * this.dims);
    });
    return flat;
  }

  private addSlice(keys: readonly KeyLike[], flat: Float32Array, from: number, to: number): void {
    const d = this.dims;
    // later duplicates win, as sequential upserts would
    const last = new Map<bigint, number>();
    for (let i = from; i < to; i++) last.set(toKey(keys[i]), i);
    const ks: bigint[] = [];
    const rows: number[] = [];
    for (const [k, i] of last) {
      if (this.index.contains(k)) this.removeKey(k);
      if (!this.indexable(flat, i * d)) continue;
      ks.push(k);
      rows.push(i);
    }
    if (ks.length === 0) return;
    const contiguous = rows.every((r, j) => r === from + j) && rows.length === to - from;
    const data = contiguous ? flat.subarray(from * d, to * d) : new Float32Array(rows.length * d);
    if (!contiguous) rows.forEach((r, j) => data.set(flat.subarray(r * d, (r + 1) * d), j * d));
    this.index.add(BigUint64Array.from(ks), data, 0);
    rows.forEach((r, j) => this.remember(ks[j], flat, r * d));
  }

  /** Adds in slices of `sliceSize`, yielding to the event loop between slices; then tunes ef_search. */
  async addBatchAsync(keys: readonly KeyLike[], vectors: Float32Array | readonly Float32Array[], options: AddBatchOptions = {}): Promise<void> {
    const flat = this.flatten(keys.length, vectors);
    const slice = Math.max(1, options.sliceSize ?? 1024);
    for (let from = 0; from < keys.length; from += slice) {
      if (options.signal?.aborted) throw new SqlError(SqlState.QueryCanceled, "canceling statement due to user request");
      const to = Math.min(keys.length, from + slice);
      this.addSlice(keys, flat, from, to);
      options.onProgress?.(to, keys.length);
      await nextTick();
    }
    if (options.tune ?? this.fixedEf === undefined) await this.tune();
  }

  /** Builds an index from (key, vector) pairs of any (async) iterable, in slices. */
  static async build(
    options: VectorIndexOptions,
    rows: Iterable<readonly [KeyLike, Float32Array]> | AsyncIterable<readonly [KeyLike, Float32Array]>,
    addOptions: AddBatchOptions = {},
  ): Promise<VectorIndex> {
    const index = new VectorIndex(options);
    const slice = Math.max(1, addOptions.sliceSize ?? 1024);
    let keys: KeyLike[] = [];
    let vecs: Float32Array[] = [];
    let done = 0;
    const flush = async () => {
      if (keys.length === 0) return;
      await index.addBatchAsync(keys, vecs, { ...addOptions, tune: false, onProgress: undefined });
      done += keys.length;
      addOptions.onProgress?.(done, done);
      keys = [];
      vecs = [];
    };
    for await (const [k, v] of rows as AsyncIterable<readonly [KeyLike, Float32Array]>) {
      keys.push(k);
      vecs.push(v);
      if (keys.length >= slice) await flush();
    }
    await flush();
    if (addOptions.tune ?? index.fixedEf === undefined) await index.tune();
    return index;
  }

  /**
   * The k nearest keys to `query`, nearest first. With `filter`, only keys it accepts, widening the
   * search until k pass or every key was seen.
   */
  search(query: Float32Array, k: number, filter?: (key: bigint) => boolean): VectorMatch[] {
    this.checkVector(query);
    if (!Number.isInteger(k) || k < 1) throw new SqlError(SqlState.InvalidParameterValue, `invalid number of neighbours ${k}`);
    const size = this.size;
    if (size === 0) return [];
    let wanted = Math.min(size, Math.max(k, this.efSearch));
    if (!filter) return this.raw(query, wanted).slice(0, k);
    const verdict = new Map<bigint, boolean>();
    for (;;) {
      const found = this.raw(query, wanted);
      const out: VectorMatch[] = [];
      for (const m of found) {
        let ok = verdict.get(m.key);
        if (ok === undefined) {
          ok = filter(m.key);
          verdict.set(m.key, ok);
        }
        if (ok) {
          out.push(m);
          if (out.length === k) return out;
        }
      }
      if (wanted >= size) return out;
      wanted = Math.min(size, wanted * 4);
    }
  }

  private raw(query: Float32Array, wanted: number): VectorMatch[] {
    const res = this.index.search(query, wanted, 1);
    const out: VectorMatch[] = [];
    for (let i = 0; i < res.keys.length; i++) {
      const d = res.distances[i];
      const distance = this.metric === "l2sq" ? Math.sqrt(Math.max(0, d)) : this.metric === "ip" ? d - 1 : d;
      out.push({ key: fromKey(res.keys[i]), distance });
    }
    return out;
  }

  private maybeRetune(): void {
    if (this.fixedEf !== undefined || this.tuning) return;
    const size = this.size;
    if (size >= MIN_TUNE_SIZE && size >= 2 * this.tunedAtSize) {
      void this.tune().catch(() => undefined);
    }
  }

  /**
   * Picks the smallest ef_search whose recall@10 on the sample, against a search 8× wider (at
   * least 1,024), reaches targetRecall. Runs in slices; concurrent calls share one run.
   */
  tune(): Promise<number> {
    if (!this.tuning) {
      this.tuning = this.runTune().finally(() => {
        this.tuning = undefined;
      });
    }
    return this.tuning;
  }

  private async runTune(): Promise<number> {
    const size = this.size;
    const k = 10;
    if (size <= k) {
      this.tunedEf = Math.max(k, size);
      this.tunedAtSize = size;
      return this.tunedEf;
    }
    if (this.sample.size < 8) return this.efSearch; // e.g. just loaded: nothing to measure with yet
    // Queries: each sampled vector moved away from itself by the distance to its nearest neighbour,
    // in a random direction, so that a probe is like a fresh point of the data rather than a point
    // already in the graph (which any ef finds with its neighbours).
    const random = seededRandom(size);
    const probes: Float32Array[] = [];
    const truths: Set<bigint>[] = [];
    const wide = Math.min(size, Math.max(1024, 8 * (this.tunedEf ?? 512)));
    for (const [self, v] of this.sample) {
      await nextTick();
      const nn = this.raw(v, Math.min(size, 64)).find((m) => m.key !== fromKey(self));
      if (!nn) continue;
      const q = this.probeNear(v, nn.distance, random);
      probes.push(q);
      truths.push(new Set(this.raw(q, wide).slice(0, k).map((m) => m.key)));
    }
    if (probes.length === 0) return this.efSearch;
    let chosen = EF_LADDER[EF_LADDER.length - 1];
    for (const ef of EF_LADDER) {
      if (ef >= size) {
        chosen = ef;
        break;
      }
      let hit = 0;
      let total = 0;
      for (let i = 0; i < probes.length; i++) {
        const got = this.raw(probes[i], Math.max(ef, k)).slice(0, k);
        for (const m of got) if (truths[i].has(m.key)) hit++;
        total += truths[i].size;
        await nextTick(); // a wide search can take tens of ms: one per turn
      }
      if (total === 0 || hit / total >= this.targetRecall) {
        chosen = ef;
        break;
      }
    }
    this.tunedEf = chosen;
    this.tunedAtSize = size;
    return chosen;
  }

  /** A point at the given (metric) distance from `v`, in a random direction. */
  private probeNear(v: Float32Array, distance: number, random: () => number): Float32Array {
    const d = this.dims;
    const u = new Float64Array(d);
    for (let i = 0; i < d; i++) u[i] = gaussian(random);
    let vn = 0;
    for (let i = 0; i < d; i++) vn += v[i] * v[i];
    vn = Math.sqrt(vn);
    const q = new Float32Array(d);
    if (this.metric === "l2sq" || vn === 0) {
      const un = Math.hypot(...u);
      for (let i = 0; i < d; i++) q[i] = v[i] + (distance * u[i]) / un;
      return q;
    }
    // cos / ip: rotate v by the angle to its neighbour, within the plane of v and u
    let proj = 0;
    for (let i = 0; i < d; i++) proj += (u[i] * v[i]) / vn;
    for (let i = 0; i < d; i++) u[i] -= (proj * v[i]) / vn;
    const un = Math.hypot(...u);
    const cos = this.metric === "cos" ? 1 - distance : -distance / (vn * vn);
    const theta = Math.acos(Math.max(-1, Math.min(1, cos)));
    for (let i = 0; i < d; i++) q[i] = Math.cos(theta) * v[i] + (Math.sin(theta) * vn * u[i]) / un;
    return q;
  }

  /**
   * Writes the index to `path` for a checkpoint, with a sidecar `path + ".meta.json"` holding its
   * shape and a SHA-256 of the file: usearch's loader trusts its input (a damaged file can crash
   * the process), so load() verifies the file against the sidecar first. Both are written to
   * temporary names and renamed into place.
   */
  save(path: string): void {
    const stamp = `${process.pid}-${Date.now()}`;
    const tmp = `${path}.tmp-${stamp}`;
    const metaTmp = `${path}.meta.json.tmp-${stamp}`;
    try {
      this.index.save(tmp);
      const meta: SavedIndexMeta = {
        format: 1,
        dims: this.dims,
        metric: this.metric,
        m: this.m,
        size: this.size,
        bytes: statSync(tmp).size,
        sha256: fileSha256(tmp),
        tunedEfSearch: this.tunedEf ?? null,
      };
      writeFileSync(metaTmp, JSON.stringify(meta));
      renameSync(tmp, path);
      renameSync(metaTmp, `${path}.meta.json`);
    } catch (e) {
      for (const f of [tmp, metaTmp]) {
        try {
          unlinkSync(f);
        } catch {
          // nothing to clean
        }
      }
      throw new SqlError(SqlState.IoError, `could not save vector index to "${path}": ${(e as Error).message}`);
    }
  }

  /** Replaces this index's contents with the file at `path` (written by save(), verified first). */
  load(path: string): void {
    let meta: SavedIndexMeta;
    try {
      meta = JSON.parse(readFileSync(`${path}.meta.json`, "utf8")) as SavedIndexMeta;
    } catch (e) {
      throw new SqlError(SqlState.IoError, `could not load vector index from "${path}": ${(e as Error).message}`);
    }
    if (meta.dims !== this.dims || meta.metric !== this.metric) {
      throw new SqlError(SqlState.DataCorrupted, `vector index file "${path}" is ${meta.metric} with ${meta.dims} dimensions, expected ${this.metric} with ${this.dims}`);
    }
    let bytes: number;
    try {
      bytes = statSync(path).size;
    } catch (e) {
      throw new SqlError(SqlState.IoError, `could not load vector index from "${path}": ${(e as Error).message}`);
    }
    if (bytes !== meta.bytes || fileSha256(path) !== meta.sha256) {
      throw new SqlError(SqlState.DataCorrupted, `vector index file "${path}" is damaged (size or checksum differs from its metadata)`);
    }
    const fresh = this.newNative();
    try {
      fresh.load(path);
    } catch (e) {
      throw new SqlError(SqlState.IoError, `could not load vector index from "${path}": ${(e as Error).message}`);
    }
    if (fresh.dimensions() !== this.dims || fresh.size() !== meta.size) {
      throw new SqlError(SqlState.DataCorrupted, `vector index file "${path}" does not match its metadata`);
    }
    this.index = fresh;
    this.sample.clear();
    this.seen = 0;
    if (this.tunedEf === undefined && typeof meta.tunedEfSearch === "number") this.tunedEf = meta.tunedEfSearch;
    this.tunedAtSize = this.tunedEf === undefined ? 0 : fresh.size();
  }

  /**
   * Opens a saved index. It keeps the ef_search tuned before saving (its reservoir sample starts
   * empty, so it retunes once it has grown by half again).
   */
  static open(path: string, options: VectorIndexOptions): VectorIndex {
    const index = new VectorIndex(options);
    index.load(path);
    return index;
  }
}

interface SavedIndexMeta {
  format: 1;
  dims: number;
  metric: VectorMetric;
  m: number;
  size: number;
  bytes: number;
  sha256: string;
  tunedEfSearch: number | null;
}

function fileSha256(path: string): string {
  const h = createHash("sha256");
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, "r");
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest("hex");
}

function seededRandom(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
}

function checkInt(name: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new SqlError(SqlState.InvalidParameterValue, `${name} must be an integer between ${lo} and ${hi}, not ${v}`);
  return v;
}
