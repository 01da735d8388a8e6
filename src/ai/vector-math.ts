// Vector arithmetic with pgvector's semantics, on Float32Array (the engine's VECTOR value).
//
// pgvector accumulates distances in single precision and returns them as double precision; we do
// the same (Math.fround at every step) so that results print exactly as psql shows pgvector's.
//   <->  l2Distance            <=>  cosineDistance (NaN when either vector is all zeros)
//   <#>  negativeInnerProduct  <+>  l1Distance
//   vector_norm, l2_normalize (a zero vector stays zero), inner_product, vector_dims
// Two vectors of different lengths raise 22000 "different vector dimensions 3 and 2".

import { SqlError, SqlState } from "./ai-errors.js";

const f = Math.fround;

/** Throws pgvector's error when two vectors differ in length. */
export function checkDims(a: Float32Array, b: Float32Array): void {
  if (a.length !== b.length) {
    throw new SqlError(SqlState.DataException, `different vector dimensions ${a.length} and ${b.length}`);
  }
}

/** Euclidean distance (`<->`). */
export function l2Distance(a: Float32Array, b: Float32Array): number {
  checkDims(a, b);
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = f(a[i] - b[i]);
    d = f(d + f(diff * diff));
  }
  return Math.sqrt(d);
}

/** Squared Euclidean distance (pgvector's `vector_l2_squared_distance`, what usearch's l2sq measures). */
export function l2SquaredDistance(a: Float32Array, b: Float32Array): number {
  checkDims(a, b);
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = f(a[i] - b[i]);
    d = f(d + f(diff * diff));
  }
  return d;
}

/** Inner product (`inner_product`). */
export function innerProduct(a: Float32Array, b: Float32Array): number {
  checkDims(a, b);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = f(d + f(a[i] * b[i]));
  return d;
}

/** Negative inner product (`<#>`): smaller is closer, as an ORDER BY wants. */
export function negativeInnerProduct(a: Float32Array, b: Float32Array): number {
  return -innerProduct(a, b);
}

/** Cosine distance (`<=>`): 1 - cos(a, b), in [0, 2]; NaN when either vector has norm 0. */
export function cosineDistance(a: Float32Array, b: Float32Array): number {
  checkDims(a, b);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot = f(dot + f(a[i] * b[i]));
    na = f(na + f(a[i] * a[i]));
    nb = f(nb + f(b[i] * b[i]));
  }
  let sim = dot / Math.sqrt(na * nb);
  if (Number.isNaN(sim)) return NaN;
  if (sim > 1) sim = 1;
  else if (sim < -1) sim = -1;
  return 1 - sim;
}

/** Taxicab distance (`<+>`). */
export function l1Distance(a: Float32Array, b: Float32Array): number {
  checkDims(a, b);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = f(d + Math.abs(f(a[i] - b[i])));
  return d;
}

/**
 * Whether the `dims` values of `v` from `offset` are all zero: such a vector has no cosine distance,
 * so a cosine HNSW index leaves it out (as pgvector's does) and exact search over the index skips it.
 */
export function isZeroVector(v: Float32Array, offset = 0, dims = v.length - offset): boolean {
  for (let i = 0; i < dims; i++) if (v[offset + i] !== 0) return false;
  return true;
}

/** Euclidean norm (`vector_norm`), accumulated in double precision as pgvector does. */
export function vectorNorm(a: Float32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += a[i] * a[i];
  return Math.sqrt(n);
}

/** Unit vector in the direction of `a` (`l2_normalize`); a zero vector is returned as zeros. */
export function l2Normalize(a: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  const n = vectorNorm(a);
  if (n > 0) {
    for (let i = 0; i < a.length; i++) out[i] = a[i] / n;
    for (let i = 0; i < out.length; i++) {
      if (!Number.isFinite(out[i])) throw new SqlError(SqlState.NumericValueOutOfRange, "value out of range: overflow");
    }
  }
  return out;
}

/** Number of dimensions (`vector_dims`). */
export function vectorDims(a: Float32Array): number {
  return a.length;
}

/** The distance functions by pgvector operator, for the planner's ORDER BY / VECTOR JOIN. */
export type VectorOperator = "<->" | "<=>" | "<#>" | "<+>";

export function distanceFunction(op: VectorOperator): (a: Float32Array, b: Float32Array) => number {
  switch (op) {
    case "<->":
      return l2Distance;
    case "<=>":
      return cosineDistance;
    case "<#>":
      return negativeInnerProduct;
    case "<+>":
      return l1Distance;
  }
}
