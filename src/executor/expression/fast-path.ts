// Which registry function ids have a vectorized kernel (kernels.ts). The registry (types/functions)
// names operator overloads `<op>:<type>` ("+:int4", "<=:float8", "=:text"; prefix ones "u-:int4");
// here the hot ones map to the operator they compute. An id not listed runs through the generic
// per-row call loop, which is always correct, only slower.

import type { ArithOp, CmpOp } from "./kernels.js";

export type FastOp = ArithOp | CmpOp | "neg";

const OPS = new Map<string, FastOp>();

const ARITH: [string, ArithOp][] = [
  ["+", "add"],
  ["-", "sub"],
  ["*", "mul"],
  ["/", "div"],
  ["%", "mod"],
];
const CMP: [string, CmpOp][] = [
  ["=", "eq"],
  ["<>", "ne"],
  ["<", "lt"],
  ["<=", "le"],
  [">", "gt"],
  [">=", "ge"],
];

for (const t of ["int2", "int4", "int8", "float4", "float8"]) {
  for (const [sym, op] of ARITH) if (op !== "mod" || t.startsWith("int")) OPS.set(`${sym}:${t}`, op);
}
for (const t of ["bool", "int2", "int4", "int8", "float4", "float8", "date", "time", "timestamp", "timestamptz", "text"]) {
  for (const [sym, op] of CMP) OPS.set(`${sym}:${t}`, op);
}

/** The operator a function id computes with `argCount` arguments, when it is one of the hot ones. */
export function fastOp(fn: string, argCount = 2): FastOp | null {
  const op = OPS.get(fn);
  if (op !== undefined) return argCount === 2 ? op : null;
  // prefix operators are named "u<op>:<type>" ("u-:int4")
  if (argCount === 1 && fn.startsWith("u-:") && OPS.get(fn.slice(1)) === "sub") return "neg";
  return null;
}

export function isComparison(op: FastOp | null): op is CmpOp {
  return op === "eq" || op === "ne" || op === "lt" || op === "le" || op === "gt" || op === "ge";
}
