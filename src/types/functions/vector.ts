// pgvector's vector operators and functions: <-> (L2 distance), <=> (cosine distance), <#>
// (negative inner product), <+> (L1 distance), + - * elementwise, || concatenation, and
// l2_distance, cosine_distance, inner_product, l1_distance, vector_dims, vector_norm,
// l2_normalize / normalize, cosine_similarity, subvector. Sums accumulate in float32 as pgvector
// does; mismatched dimensions raise 22000 `different vector dimensions 3 and 2`.

import { Types } from "../data-type.js";
import { SqlError, SqlState } from "../errors.js";
import { binop } from "./operators.js";
import { defineFunction } from "./registry.js";
import { floatOverflow, floatUnderflow } from "./operators.js";

const V = Types.vector();
const F8 = Types.double;
const I4 = Types.integer;
const fround = Math.fround;

function checkDims(a: Float32Array, b: Float32Array): void {
  if (a.length !== b.length) {
    throw new SqlError(SqlState.DataException, `different vector dimensions ${a.length} and ${b.length}`);
  }
}

export function l2Distance(a: Float32Array, b: Float32Array): number {
  checkDims(a, b);
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = fround(a[i] - b[i]);
    d = fround(d + fround(diff * diff));
  }
  return Math.sqrt(d);
}

export function innerProduct(a: Float32Array, b: Float32Array): number {
  checkDims(a, b);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = fround(d + fround(a[i] * b[i]));
  return d;
}

export function cosineDistance(a: Float32Array, b: Float32Array): number {
  checkDims(a, b);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot = fround(dot + fround(a[i] * b[i]));
    na = fround(na + fround(a[i] * a[i]));
    nb = fround(nb + fround(b[i] * b[i]));
  }
  let sim = dot / Math.sqrt(na * nb);
  if (sim !== sim) return NaN;
  if (sim > 1) sim = 1;
  else if (sim < -1) sim = -1;
  return 1 - sim;
}

export function l1Distance(a: Float32Array, b: Float32Array): number {
  checkDims(a, b);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = fround(d + Math.abs(fround(a[i] - b[i])));
  return d;
}

export function vectorNorm(a: Float32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += a[i] * a[i];
  return Math.sqrt(n);
}

function normalize(a: Float32Array): Float32Array {
  const norm = vectorNorm(a);
  const r = new Float32Array(a.length);
  if (norm > 0) for (let i = 0; i < a.length; i++) r[i] = a[i] / norm;
  return r;
}

function elementwise(a: Float32Array, b: Float32Array, op: "+" | "-" | "*"): Float32Array {
  checkDims(a, b);
  const r = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = op === "+" ? a[i] + b[i] : op === "-" ? a[i] - b[i] : a[i] * b[i];
    r[i] = x;
    if (!Number.isFinite(r[i])) throw floatOverflow();
    if (op === "*" && r[i] === 0 && a[i] !== 0 && b[i] !== 0) throw floatUnderflow();
  }
  return r;
}

function concatVectors(a: Float32Array, b: Float32Array): Float32Array {
  if (a.length + b.length > 16000) {
    throw new SqlError(SqlState.ProgramLimitExceeded, "vector cannot have more than 16000 dimensions");
  }
  const r = new Float32Array(a.length + b.length);
  r.set(a, 0);
  r.set(b, a.length);
  return r;
}

export function registerVector(): void {
  binop("<->", V, V, F8, "<->:vector", l2Distance);
  binop("<=>", V, V, F8, "<=>:vector", cosineDistance);
  binop("<#>", V, V, F8, "<#>:vector", (a: Float32Array, b: Float32Array) => -innerProduct(a, b));
  binop("<+>", V, V, F8, "<+>:vector", l1Distance);
  binop("+", V, V, V, "+:vector", (a: Float32Array, b: Float32Array) => elementwise(a, b, "+"));
  binop("-", V, V, V, "-:vector", (a: Float32Array, b: Float32Array) => elementwise(a, b, "-"));
  binop("*", V, V, V, "*:vector", (a: Float32Array, b: Float32Array) => elementwise(a, b, "*"));
  binop("||", V, V, V, "||:vector", concatVectors);
  const fn2 = (name: string, f: (a: Float32Array, b: Float32Array) => number) =>
    defineFunction({ name, params: [V, V], ret: F8, id: name, impl: (a) => f(a[0] as Float32Array, a[1] as Float32Array) });
  fn2("l2_distance", l2Distance);
  fn2("cosine_distance", cosineDistance);
  fn2("inner_product", innerProduct);
  fn2("l1_distance", l1Distance);
  fn2("cosine_similarity", (a, b) => 1 - cosineDistance(a, b));
  defineFunction({ name: "vector_dims", params: [V], ret: I4, id: "vector_dims", impl: (a) => (a[0] as Float32Array).length });
  defineFunction({ name: "vector_norm", params: [V], ret: F8, id: "vector_norm", impl: (a) => vectorNorm(a[0] as Float32Array) });
  defineFunction({ name: "l2_normalize", params: [V], ret: V, id: "l2_normalize", impl: (a) => normalize(a[0] as Float32Array) });
  defineFunction({ name: "normalize", params: [V], ret: V, id: "normalize:vector", impl: (a) => normalize(a[0] as Float32Array) });
  defineFunction({
    name: "subvector", params: [V, I4, I4], ret: V, id: "subvector",
    impl: (a) => {
      const v = a[0] as Float32Array;
      let start = a[1] as number;
      let end = start + (a[2] as number);
      if (start < 1) start = 1;
      if (end > v.length) end = v.length + 1;
      const dim = end - start;
      if (dim < 1) throw new SqlError(SqlState.DataException, "vector must have at least 1 dimension");
      return v.slice(start - 1, start - 1 + dim);
    },
  });
}
