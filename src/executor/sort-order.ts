// ORDER BY over columns: a stable ordering of row positions by sort keys (ASC/DESC, NULLS
// FIRST/LAST, Postgres order: false < true, NaN above all floats, text by code point). Each key
// gets a comparator specialised to its column's layout, so sorting never boxes values.

import { type Column, compareValues, isStringType } from "../types/index.js";
import { compareFloat, compareText } from "./expression/kernels.js";
import { compareWords, words } from "./expression/int64.js";

export interface SortSpec {
  desc: boolean;
  nullsFirst: boolean;
}

type RowCompare = (a: number, b: number) => number;

/** Compares rows a and b of one column (NULLs included) under one sort key. */
export function columnComparator(col: Column, spec: SortSpec): RowCompare {
  const nulls = col.nulls;
  const sign = spec.desc ? -1 : 1;
  let cmp: RowCompare;
  switch (col.kind) {
    case "bool":
    case "int32": {
      const d = col.data as Int32Array | Uint8Array;
      cmp = (a, b) => d[a] - d[b];
      break;
    }
    case "float64": {
      const d = col.data as Float64Array;
      cmp = (a, b) => compareFloat(d[a], d[b]);
      break;
    }
    case "int64": {
      const w = words(col.data as BigInt64Array);
      cmp = (a, b) => compareWords(w, a, w, b);
      break;
    }
    case "object": {
      const d = col.data as unknown[];
      const t = col.type;
      cmp = isStringType(t)
        ? (a, b) => compareText(d[a] as string, d[b] as string)
        : (a, b) => compareValues(t, d[a], d[b]);
      break;
    }
  }
  if (nulls === null) return sign === 1 ? cmp : (a, b) => -cmp(a, b);
  const nullSide = spec.nullsFirst ? -1 : 1;
  return (a, b) => {
    const an = nulls[a] === 1;
    const bn = nulls[b] === 1;
    if (an || bn) return an === bn ? 0 : an ? nullSide : -nullSide;
    return sign * cmp(a, b);
  };
}

/** Compares rows a and b by all keys in turn (0 when they tie on every key). */
export function rowComparator(cols: readonly Column[], specs: readonly SortSpec[]): RowCompare {
  const cmps = cols.map((c, i) => columnComparator(c, specs[i]));
  if (cmps.length === 1) return cmps[0];
  return (a, b) => {
    for (let k = 0; k < cmps.length; k++) {
      const r = cmps[k](a, b);
      if (r !== 0) return r;
    }
    return 0;
  };
}

/** The positions 0..n-1 ordered by the keys, ties kept in position order (stable). */
export function sortIndices(cols: readonly Column[], specs: readonly SortSpec[], n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (cols.length === 0 || n < 2) return idx;
  const col = cols[0];
  if (cols.length === 1 && col.nulls === null && col.kind === "int32" && !specs[0].desc) {
    // the common single integer key: a typed comparator without indirection
    const d = col.data as Int32Array;
    return idx.sort((a, b) => d[a] - d[b] || a - b);
  }
  if (cols.length === 1 && col.nulls === null && col.kind === "float64") {
    const d = col.data as Float64Array;
    const sign = specs[0].desc ? -1 : 1;
    return idx.sort((a, b) => sign * compareFloat(d[a], d[b]) || a - b);
  }
  const cmp = rowComparator(cols, specs);
  return idx.sort((a, b) => cmp(a, b) || a - b);
}
