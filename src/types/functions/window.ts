// Window function signatures (the executor implements them by id). Aggregates used with OVER go
// through resolveAggregate instead.
//
//   row_number() → bigint · rank() → bigint · dense_rank() → bigint · percent_rank() → double
//   cume_dist() → double · ntile(integer) → integer
//   lag/lead(value [, offset integer [, default]]) → the value's type (value and default are
//     unified like Postgres's anycompatible; offset defaults to 1, default to NULL)
//   first_value(value), last_value(value) → its type · nth_value(value, integer) → its type

import { DataType, Types } from "../data-type.js";
import { SqlError, SqlState } from "../errors.js";
import { FunctionResolution, Overload } from "./registry.js";
import { resolveAmong, plainName } from "./resolve.js";

const I4 = Types.integer;
const I8 = Types.bigint;
const F8 = Types.double;

const OVERLOADS: Overload[] = [
  { name: "row_number", params: [], ret: I8, id: "row_number" },
  { name: "rank", params: [], ret: I8, id: "rank" },
  { name: "dense_rank", params: [], ret: I8, id: "dense_rank" },
  { name: "percent_rank", params: [], ret: F8, id: "percent_rank" },
  { name: "cume_dist", params: [], ret: F8, id: "cume_dist" },
  { name: "ntile", params: [I4], ret: I4, id: "ntile" },
  { name: "lag", params: ["anyelement"], ret: (p) => p[0], id: "lag" },
  { name: "lag", params: ["anyelement", I4], ret: (p) => p[0], id: "lag" },
  { name: "lag", params: ["anycompatible", I4, "anycompatible"], ret: (p) => p[0], id: "lag" },
  { name: "lead", params: ["anyelement"], ret: (p) => p[0], id: "lead" },
  { name: "lead", params: ["anyelement", I4], ret: (p) => p[0], id: "lead" },
  { name: "lead", params: ["anycompatible", I4, "anycompatible"], ret: (p) => p[0], id: "lead" },
  { name: "first_value", params: ["anyelement"], ret: (p) => p[0], id: "first_value" },
  { name: "last_value", params: ["anyelement"], ret: (p) => p[0], id: "last_value" },
  { name: "nth_value", params: ["anyelement", I4], ret: (p) => p[0], id: "nth_value" },
];

const BY_NAME = new Map<string, Overload[]>();
for (const o of OVERLOADS) {
  const l = BY_NAME.get(o.name) ?? [];
  l.push(o);
  BY_NAME.set(o.name, l);
}

/** True for the names of window-only functions (not aggregates). */
export function isWindowFunctionName(name: string): boolean {
  return BY_NAME.has(name.toLowerCase());
}

/** The window function a call resolves to; null if `name` is not a window function. */
export function resolveWindowFunction(name: string, argTypes: DataType[]): FunctionResolution | null {
  const lname = name.toLowerCase();
  const list = BY_NAME.get(lname);
  if (list === undefined) return null;
  // a bare literal as the value (lag('x')) is text, as Postgres resolves unknown → text here
  const args = argTypes.map((t, i) => (i === 0 && t.id === "unknown" ? Types.text : t));
  const r = resolveAmong(list, args);
  if (r === null || r === "ambiguous") {
    const shown = argTypes.map(plainName).join(", ");
    if (r === "ambiguous") {
      throw new SqlError(SqlState.AmbiguousFunction, `function ${lname}(${shown}) is not unique`, {
        hint: "Could not choose a best candidate function. You might need to add explicit type casts.",
      });
    }
    throw new SqlError(SqlState.UndefinedFunction, `function ${lname}(${shown}) does not exist`, {
      hint: "No function matches the given name and argument types. You might need to add explicit type casts.",
    });
  }
  return r;
}
