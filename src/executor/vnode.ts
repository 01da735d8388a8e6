// Virtual nodes: every row belongs to one of VNODE_COUNT vnodes by a hash of some of its values
// (a relation's primary key, an exchange's distribution columns), and a fragment's partition p
// owns a contiguous range of them. The hash is stable across processes and runs (no random seed,
// no object identity), so a worker, the coordinator and a restarted process agree on where a row
// lives. Values hash by the keys GROUP BY and joins compare (row-key.ts): equal keys give equal
// vnodes (numeric 1.0 and 1.00, ±0, NaN and NaN, an integer in an int, bigint or double column).

import type { Chunk, Column, DataType } from "../types/index.js";
import { Decimal, Interval, Jsonb, keyOf, Types } from "../types/index.js";
import { columnKeys, int64Words, valueKey, type KeyPrimitive } from "./row-key.js";

export const VNODE_COUNT = 256;

const SEED = 0x2545f491;
const TWO_32 = 4294967296;

/** murmur3's finalizer: spreads every input bit over the output. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function stringHash(s: string, salt: number): number {
  let h = 0x811c9dc5 ^ salt;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix(h);
}

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);

/** An integer's hash from its 64-bit two's-complement words (lo unsigned or not: only its bits count). */
function wordsHash(lo: number, hi: number): number {
  return fmix(Math.imul(fmix(lo ^ 0x5bd1e995), 31) ^ hi);
}

/** The hash of one key (as row-key.ts makes them). */
function keyHash(k: KeyPrimitive): number {
  switch (typeof k) {
    case "number": {
      if (Number.isInteger(k) && k <= Number.MAX_SAFE_INTEGER && k >= -Number.MAX_SAFE_INTEGER) {
        // integers by their 64-bit two's-complement words, whatever column they came from (-0 is 0)
        const lo = ((k % TWO_32) + TWO_32) % TWO_32;
        const hi = Math.floor(k / TWO_32) | 0;
        return wordsHash(lo, hi);
      }
      if (k !== k) return 0x7fc00000; // every NaN is one key
      scratch[0] = k;
      return fmix(Math.imul(fmix(scratchWords[0]), 31) ^ scratchWords[1] ^ 0x3c6ef372);
    }
    case "string":
      return stringHash(k, 0);
    case "bigint":
      return stringHash(k.toString(), 0x1b873593);
    case "boolean":
      return k ? 0x1a2b3c4d : 0x4d3c2b1a;
    default:
      return 0x9e3779b9; // NULL
  }
}

function combine(h: number, part: number): number {
  return fmix(Math.imul(h ^ part, 0xcc9e2d51) + 0xe6546b64);
}

/** The key of a value without its type (a JS value of the engine's scalar form); prefer giving types. */
function untypedKey(v: unknown): KeyPrimitive {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "number":
    case "boolean":
    case "string":
      return v;
    case "bigint":
      return valueKey(Types.bigint, v);
  }
  if (v instanceof Decimal) return keyOf(Types.numeric, v) as KeyPrimitive;
  if (v instanceof Interval) return keyOf(Types.interval, v) as KeyPrimitive;
  if (v instanceof Jsonb) return keyOf(Types.jsonb, v) as KeyPrimitive;
  if (v instanceof Uint8Array) return keyOf(Types.bytea, v) as KeyPrimitive;
  if (v instanceof Float32Array) return keyOf(Types.vector(), v) as KeyPrimitive;
  return String(v);
}

/**
 * The vnode of a row's values (e.g. a primary key). `types` gives each value's SQL type, which
 * some values need to be keyed as their column would (char(n) ignores trailing blanks, arrays);
 * without it the type is taken from the value's JS form.
 */
export function vnodeOf(values: readonly unknown[], types?: readonly DataType[]): number {
  let h = SEED;
  for (let i = 0; i < values.length; i++) {
    const k = types ? valueKey(types[i], values[i]) : untypedKey(values[i]);
    h = combine(h, keyHash(k));
  }
  return fmix(h) % VNODE_COUNT;
}

const NULL_HASH = keyHash(null);

/** The vnodes of rows [0, n) over `cols` (the same as vnodeOf on each row's values of those columns). */
export function vnodesOfColumns(cols: readonly Column[], n: number): Uint8Array {
  const h = new Uint32Array(n).fill(SEED);
  let keys: KeyPrimitive[] | null = null;
  for (const col of cols) {
    const nulls = col.nulls;
    // integer columns hash their words directly: the same hash keyHash gives their keys
    if (col.kind === "int32") {
      const d = col.data as Int32Array;
      for (let i = 0; i < n; i++) h[i] = combine(h[i], nulls !== null && nulls[i] === 1 ? NULL_HASH : wordsHash(d[i] >>> 0, d[i] < 0 ? -1 : 0));
      continue;
    }
    if (col.kind === "int64") {
      const d = col.data as BigInt64Array;
      const w = int64Words(d);
      for (let i = 0; i < n; i++) {
        if (nulls !== null && nulls[i] === 1) h[i] = combine(h[i], NULL_HASH);
        else {
          const hi = w[2 * i + 1];
          // beyond ±2^53 the key is a bigint (row-key.ts), hashed by its digits
          h[i] = combine(h[i], hi >= -2097152 && hi < 2097152 ? wordsHash(w[2 * i] >>> 0, hi) : keyHash(d[i]));
        }
      }
      continue;
    }
    keys ??= new Array<KeyPrimitive>(n);
    columnKeys(col, n, keys);
    for (let i = 0; i < n; i++) h[i] = combine(h[i], keyHash(keys[i]));
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = fmix(h[i]) % VNODE_COUNT;
  return out;
}

/** The partition (of `partitions`) that owns `vnode`: partition p owns [floor(p·256/P), floor((p+1)·256/P)). */
export function partitionOfVnode(vnode: number, partitions: number): number {
  // the largest p with floor(p·256/P) <= vnode
  let p = Math.floor(((vnode + 1) * partitions - 1) / VNODE_COUNT);
  while (p > 0 && Math.floor((p * VNODE_COUNT) / partitions) > vnode) p--;
  while (p + 1 < partitions && Math.floor(((p + 1) * VNODE_COUNT) / partitions) <= vnode) p++;
  return p;
}

/** The vnodes partition p of `partitions` owns: [first, end). */
export function vnodeRange(partition: number, partitions: number): { first: number; end: number } {
  return { first: Math.floor((partition * VNODE_COUNT) / partitions), end: Math.floor(((partition + 1) * VNODE_COUNT) / partitions) };
}

/**
 * The vnodes of a relation's change rows (all of its columns): by its key columns (a primary key),
 * or, without one, by its fixed-width columns (numbers, times, booleans; all columns when it has
 * none): a row and its later deletion always agree, and long texts need not be hashed.
 */
export function relationVnodes(changes: Chunk, key: readonly number[] | null): Uint8Array {
  let cols: Column[];
  if (key) cols = key.map((c) => changes.columns[c]);
  else {
    cols = changes.columns.filter((c) => c.kind !== "object");
    if (cols.length === 0) cols = changes.columns;
  }
  return vnodesOfColumns(cols, changes.length);
}
