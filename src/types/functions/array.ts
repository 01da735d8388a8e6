// Array functions and operators: array_length, array_upper/lower, array_ndims, array_dims,
// cardinality, array_position(s), array_to_string, string_to_array, array_append/prepend/cat
// (also as ||), array_remove, array_replace, trim_array, and @> <@ && containment. Arrays are JS
// arrays (nested for more dimensions), 1-based in SQL. Element equality is IS NOT DISTINCT FROM.

import { DataType, Types } from "../data-type.js";
import { SqlError, SqlState } from "../errors.js";
import { formatValue } from "../text-format.js";
import { valuesEqual } from "../compare.js";
import { defineFunction, defineOperator } from "./registry.js";

const I4 = Types.integer;
const T = Types.text;

function dims(a: readonly unknown[]): number[] {
  const out: number[] = [];
  let cur: unknown = a;
  while (Array.isArray(cur)) {
    if (cur.length === 0) break;
    out.push(cur.length);
    cur = cur[0];
  }
  return out;
}

function flat(a: readonly unknown[], out: unknown[] = []): unknown[] {
  for (const e of a) {
    if (Array.isArray(e)) flat(e, out);
    else out.push(e);
  }
  return out;
}

function sameElement(t: DataType, a: unknown, b: unknown): boolean {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an && bn;
  return valuesEqual(t, a, b);
}

function checkOneDim(a: readonly unknown[], what: string): void {
  if (a.length > 0 && Array.isArray(a[0])) {
    throw new SqlError(SqlState.FeatureNotSupported, `${what} for multidimensional arrays is not supported`);
  }
}

function elementText(t: DataType, v: unknown): string {
  if (t.id === "text" || t.id === "varchar" || t.id === "unknown") return v as string;
  return formatValue(t, v);
}

function stringToArray(s: string | null, delim: string | null, nullStr: string | null): (string | null)[] | null {
  if (s === null) return null;
  if (s === "") return [];
  let parts: string[];
  if (delim === null) parts = [...s];
  else if (delim === "") parts = [s];
  else parts = s.split(delim);
  return parts.map((p) => (nullStr !== null && p === nullStr ? null : p));
}

export function registerArrays(): void {
  const elemOf = (p: DataType[]) => p[0].element!;
  defineFunction({
    name: "array_length", params: ["anyarray", I4], ret: I4, id: "array_length",
    impl: (a) => {
      const d = dims(a[0] as unknown[]);
      const n = a[1] as number;
      return n >= 1 && n <= d.length ? d[n - 1] : null;
    },
  });
  defineFunction({
    name: "array_upper", params: ["anyarray", I4], ret: I4, id: "array_upper",
    impl: (a) => {
      const d = dims(a[0] as unknown[]);
      const n = a[1] as number;
      return n >= 1 && n <= d.length ? d[n - 1] : null;
    },
  });
  defineFunction({
    name: "array_lower", params: ["anyarray", I4], ret: I4, id: "array_lower",
    impl: (a) => {
      const d = dims(a[0] as unknown[]);
      const n = a[1] as number;
      return n >= 1 && n <= d.length ? 1 : null;
    },
  });
  defineFunction({
    name: "array_ndims", params: ["anyarray"], ret: I4, id: "array_ndims",
    impl: (a) => {
      const d = dims(a[0] as unknown[]);
      return d.length === 0 ? null : d.length;
    },
  });
  defineFunction({
    name: "array_dims", params: ["anyarray"], ret: T, id: "array_dims",
    impl: (a) => {
      const d = dims(a[0] as unknown[]);
      return d.length === 0 ? null : d.map((n) => `[1:${n}]`).join("");
    },
  });
  defineFunction({ name: "cardinality", params: ["anyarray"], ret: I4, id: "cardinality", impl: (a) => flat(a[0] as unknown[]).length });

  const position = (t: DataType) => (a: unknown[]) => {
    const arr = a[0] as unknown[] | null;
    if (arr === null || arr === undefined) return null;
    checkOneDim(arr, "searching for elements");
    let start = 1;
    if (a.length > 2) {
      if (a[2] === null || a[2] === undefined) throw new SqlError(SqlState.NullValueNotAllowed, "initial position must not be null");
      start = a[2] as number;
    }
    for (let i = Math.max(0, start - 1); i < arr.length; i++) if (sameElement(t, arr[i], a[1])) return i + 1;
    return null;
  };
  defineFunction({
    name: "array_position", params: ["anycompatiblearray", "anycompatible"], ret: I4, id: "array_position", strict: false,
    specialize: (p) => position(elemOf(p)),
  });
  defineFunction({
    name: "array_position", params: ["anycompatiblearray", "anycompatible", I4], ret: I4, id: "array_position_start", strict: false,
    specialize: (p) => position(elemOf(p)),
  });
  defineFunction({
    name: "array_positions", params: ["anycompatiblearray", "anycompatible"], ret: Types.array(I4), id: "array_positions", strict: false,
    specialize: (p) => {
      const t = elemOf(p);
      return (a) => {
        const arr = a[0] as unknown[] | null;
        if (arr === null || arr === undefined) return null;
        checkOneDim(arr, "searching for elements");
        const out: number[] = [];
        for (let i = 0; i < arr.length; i++) if (sameElement(t, arr[i], a[1])) out.push(i + 1);
        return out;
      };
    },
  });

  const toString = (t: DataType) => (a: unknown[]) => {
    const arr = a[0] as unknown[] | null;
    const delim = a[1] as string | null;
    if (arr === null || arr === undefined || delim === null || delim === undefined) return null;
    const nullStr = a.length > 2 ? (a[2] as string | null) : null;
    const parts: string[] = [];
    for (const e of flat(arr)) {
      if (e === null || e === undefined) {
        if (nullStr !== null && nullStr !== undefined) parts.push(nullStr);
      } else parts.push(elementText(t, e));
    }
    return parts.join(delim);
  };
  defineFunction({ name: "array_to_string", params: ["anyarray", T], ret: T, id: "array_to_string", specialize: (p) => toString(elemOf(p)) });
  defineFunction({
    name: "array_to_string", params: ["anyarray", T, T], ret: T, id: "array_to_string_null", strict: false,
    specialize: (p) => toString(elemOf(p)),
  });
  defineFunction({
    name: "string_to_array", params: [T, T], ret: Types.array(T), id: "string_to_array", strict: false,
    impl: (a) => stringToArray(a[0] as string | null, a[1] as string | null, null),
  });
  defineFunction({
    name: "string_to_array", params: [T, T, T], ret: Types.array(T), id: "string_to_array_null", strict: false,
    impl: (a) => stringToArray(a[0] as string | null, a[1] as string | null, (a[2] as string | null) ?? null),
  });

  const arrRet = (p: DataType[]) => p[0].id === "array" ? p[0] : p[1];
  const append = (a: unknown[]) => {
    const arr = (a[0] as unknown[] | null) ?? [];
    checkOneDim(arr, "appending elements");
    return [...arr, a[1] ?? null];
  };
  const prepend = (a: unknown[]) => {
    const arr = (a[1] as unknown[] | null) ?? [];
    checkOneDim(arr, "prepending elements");
    return [a[0] ?? null, ...arr];
  };
  const cat = (a: unknown[]) => {
    const x = a[0] as unknown[] | null;
    const y = a[1] as unknown[] | null;
    if (x === null || x === undefined) return y ?? null;
    if (y === null || y === undefined) return x;
    if (x.length === 0) return y;
    if (y.length === 0) return x;
    const sx = dims(x);
    const sy = dims(y);
    const dx = sx.length;
    const dy = sy.length;
    const same = (a: number[], b: number[]) => a.length === b.length && a.every((n, i) => n === b[i]);
    const incompatible = (detail: string) => new SqlError(SqlState.ArraySubscriptError, "cannot concatenate incompatible arrays", { detail });
    if (dx === dy) {
      if (!same(sx.slice(1), sy.slice(1))) throw incompatible("Arrays with differing element dimensions are not compatible for concatenation.");
      return [...x, ...y];
    }
    if (dx === dy + 1) {
      if (!same(sx.slice(1), sy)) throw incompatible("Arrays with differing dimensions are not compatible for concatenation.");
      return [...x, y];
    }
    if (dy === dx + 1) {
      if (!same(sy.slice(1), sx)) throw incompatible("Arrays with differing dimensions are not compatible for concatenation.");
      return [x, ...y];
    }
    throw incompatible(`Arrays of ${dx} and ${dy} dimensions are not compatible for concatenation.`);
  };
  defineFunction({ name: "array_append", params: ["anycompatiblearray", "anycompatible"], ret: arrRet, id: "array_append", strict: false, impl: append });
  defineFunction({ name: "array_prepend", params: ["anycompatible", "anycompatiblearray"], ret: arrRet, id: "array_prepend", strict: false, impl: prepend });
  defineFunction({ name: "array_cat", params: ["anycompatiblearray", "anycompatiblearray"], ret: arrRet, id: "array_cat", strict: false, impl: cat });
  defineOperator("binary", { name: "||", params: ["anycompatiblearray", "anycompatible"], ret: arrRet, id: "||:array_append", strict: false, impl: append });
  defineOperator("binary", { name: "||", params: ["anycompatible", "anycompatiblearray"], ret: arrRet, id: "||:array_prepend", strict: false, impl: prepend });
  defineOperator("binary", { name: "||", params: ["anycompatiblearray", "anycompatiblearray"], ret: arrRet, id: "||:array_cat", strict: false, impl: cat });

  defineFunction({
    name: "array_remove", params: ["anycompatiblearray", "anycompatible"], ret: arrRet, id: "array_remove", strict: false,
    specialize: (p) => {
      const t = elemOf(p);
      return (a) => {
        const arr = a[0] as unknown[] | null;
        if (arr === null || arr === undefined) return null;
        checkOneDim(arr, "removing elements");
        return arr.filter((e) => !sameElement(t, e, a[1]));
      };
    },
  });
  defineFunction({
    name: "array_replace", params: ["anycompatiblearray", "anycompatible", "anycompatible"], ret: arrRet, id: "array_replace", strict: false,
    specialize: (p) => {
      const t = elemOf(p);
      const rep = (x: unknown, a: unknown[]): unknown => (Array.isArray(x) ? x.map((e) => rep(e, a)) : sameElement(t, x, a[1]) ? (a[2] ?? null) : x);
      return (a) => {
        const arr = a[0] as unknown[] | null;
        if (arr === null || arr === undefined) return null;
        return arr.map((e) => rep(e, a));
      };
    },
  });
  defineFunction({
    name: "trim_array", params: ["anyarray", I4], ret: (p) => p[0], id: "trim_array",
    impl: (a) => {
      const arr = a[0] as unknown[];
      const n = a[1] as number;
      if (n < 0 || n > arr.length) throw new SqlError(SqlState.ArraySubscriptError, "number of elements to trim must be between 0 and " + arr.length);
      return arr.slice(0, arr.length - n);
    },
  });

  // containment and overlap
  const contains = (t: DataType) => (x: unknown[], y: unknown[]) => {
    const fx = flat(x);
    return flat(y).every((e) => e !== null && e !== undefined && fx.some((f) => f !== null && f !== undefined && valuesEqual(t, f, e)));
  };
  defineOperator("binary", {
    name: "@>", params: ["anyarray", "anyarray"], ret: Types.boolean, id: "@>:array",
    specialize: (p) => {
      const c = contains(elemOf(p));
      return (a) => c(a[0] as unknown[], a[1] as unknown[]);
    },
  });
  defineOperator("binary", {
    name: "<@", params: ["anyarray", "anyarray"], ret: Types.boolean, id: "<@:array",
    specialize: (p) => {
      const c = contains(elemOf(p));
      return (a) => c(a[1] as unknown[], a[0] as unknown[]);
    },
  });
  defineOperator("binary", {
    name: "&&", params: ["anyarray", "anyarray"], ret: Types.boolean, id: "&&:array",
    specialize: (p) => {
      const t = elemOf(p);
      return (a) => {
        const fx = flat(a[0] as unknown[]).filter((e) => e !== null && e !== undefined);
        return flat(a[1] as unknown[]).some((e) => e !== null && e !== undefined && fx.some((f) => valuesEqual(t, f, e)));
      };
    },
  });
}

// ARRAY[a, b, ...] (the binder unifies the element types first); ARRAY[ARRAY[..], ..] nests
defineFunction({
  name: "array", params: ["anycompatible"], variadic: true, id: "array_construct", strict: false,
  ret: (p) => (p[0].id === "array" ? p[0] : Types.array(p[0])),
  impl: (args) => args.slice(),
});

// a[i] (a[i][j]... for more dimensions; fewer subscripts than dimensions gives NULL, as does an
// index out of range) and the 1-D slice a[lo:hi] (an omitted bound is the array's own)
defineFunction({
  name: "array_subscript", params: ["anyarray", I4], variadic: true, id: "array_subscript",
  ret: (p) => p[0].element ?? Types.unknown,
  impl: (args) => {
    let cur: unknown = args[0];
    for (let k = 1; k < args.length; k++) {
      const i = args[k] as number;
      if (!Array.isArray(cur) || i < 1 || i > cur.length) return null;
      cur = cur[i - 1];
    }
    return Array.isArray(cur) ? null : (cur ?? null);
  },
});
defineFunction({
  name: "array_slice", params: ["anyarray", I4, I4], id: "array_slice", strict: false,
  ret: (p) => p[0],
  impl: (args) => {
    const a = args[0] as unknown[] | null;
    if (a === null) return null;
    const lo = Math.max(1, (args[1] as number | null) ?? 1);
    const hi = Math.min(a.length, (args[2] as number | null) ?? a.length);
    return hi < lo ? [] : a.slice(lo - 1, hi);
  },
});
