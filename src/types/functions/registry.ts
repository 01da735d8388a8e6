// The built-in function and operator catalog: overloads by name (like pg_proc / pg_operator) and
// implementations by id. Resolution (which overload a call picks) lives in resolve.ts.
//
// Ids: a plain overload has a fixed id ("int4pl", "lower"). A parametric overload (one whose
// implementation depends on the argument types, such as pg_typeof, concat, comparisons of arrays)
// resolves to `base$type1$type2...` with each concrete argument type spelled as typeName prints
// it (e.g. "pg_typeof$integer", "concat$text$boolean"; `$` never occurs in an operator or type
// name); getFunction builds and caches the specialised implementation from that id.

import { DataType, typeName } from "../data-type.js";
import { SqlError, SqlState } from "../errors.js";
import { parseTypeName } from "../text-format.js";

export interface EvalContext {
  /** statement start, µs since the epoch (now(), current_timestamp) */
  now: number;
  /** session TimeZone (IANA name, 'UTC', or a POSIX offset) */
  timeZone: string;
  random(): number;
  /** the session's current role (current_user); 'sage' when unset */
  user?: string;
  /** the session's database (current_database()); 'sage' when unset */
  database?: string;
  /** the session's login role (session_user); `user` when unset */
  sessionUser?: string;
  /** answers has_table_privilege(role, ...) and its family (the session knows roles and ACLs) */
  privileges?: (fn: string, args: string[]) => boolean;
}

export interface ScalarFunction {
  id: string;
  /** NULL in any argument → NULL result without calling eval */
  strict: boolean;
  volatile: boolean;
  eval(args: unknown[], ctx: EvalContext): unknown;
}

export interface FunctionResolution {
  id: string;
  /** the types the caller must cast each argument to before calling */
  argTypes: DataType[];
  returnType: DataType;
}

/** Polymorphic parameter kinds, as Postgres's pseudo-types. */
export type PolyKind = "any" | "anyelement" | "anyarray" | "anynonarray" | "anycompatible" | "anycompatiblearray";

export type Param = DataType | PolyKind;

export type Impl = (args: unknown[], ctx: EvalContext) => unknown;

export interface Overload {
  /** function name (lower case) or operator symbol */
  name: string;
  params: readonly Param[];
  /** the last parameter repeats (at least once) */
  variadic?: boolean;
  /** return type, or a function of the resolved parameter types */
  ret: DataType | ((params: DataType[]) => DataType);
  id: string;
  /** default true */
  strict?: boolean;
  volatile?: boolean;
  impl?: Impl;
  /** builds the implementation for concrete argument types (makes the overload parametric) */
  specialize?: (params: DataType[]) => Impl;
}

export type OperatorKind = "binary" | "prefix";

const FUNCTIONS = new Map<string, Overload[]>();
const BINARY_OPS = new Map<string, Overload[]>();
const PREFIX_OPS = new Map<string, Overload[]>();
const BY_ID = new Map<string, Overload>();
const SPECIALIZED = new Map<string, ScalarFunction>();

function add(map: Map<string, Overload[]>, o: Overload): void {
  if (BY_ID.has(o.id)) throw new Error(`duplicate function id ${o.id}`);
  BY_ID.set(o.id, o);
  let list = map.get(o.name);
  if (list === undefined) {
    list = [];
    map.set(o.name, list);
  }
  list.push(o);
}

export function defineFunction(o: Overload): void {
  add(FUNCTIONS, o);
}

/** Another name for existing overloads (e.g. ceiling → ceil): same ids, new name. */
export function defineAlias(alias: string, name: string): void {
  const list = FUNCTIONS.get(name);
  if (list === undefined) throw new Error(`no function ${name}`);
  const existing = FUNCTIONS.get(alias) ?? [];
  FUNCTIONS.set(alias, existing.concat(list));
}

export function defineOperator(kind: OperatorKind, o: Overload): void {
  add(kind === "binary" ? BINARY_OPS : PREFIX_OPS, o);
}

export function functionOverloads(name: string): readonly Overload[] | undefined {
  return FUNCTIONS.get(name);
}

export function operatorOverloads(kind: OperatorKind, op: string): readonly Overload[] | undefined {
  return (kind === "binary" ? BINARY_OPS : PREFIX_OPS).get(op);
}

export function hasFunction(name: string): boolean {
  return FUNCTIONS.has(name);
}

/** The id a resolved overload is called by. */
export function resolvedId(o: Overload, params: readonly DataType[]): string {
  if (o.specialize === undefined) return o.id;
  let id = o.id;
  for (const p of params) id += "$" + typeName(p);
  return id;
}

/** The implementation for an id from a FunctionResolution (XX000 if unknown). */
export function getFunction(id: string): ScalarFunction {
  const o = BY_ID.get(id);
  if (o !== undefined && o.specialize === undefined) {
    let f = SPECIALIZED.get(id);
    if (f === undefined) {
      f = { id, strict: o.strict ?? true, volatile: o.volatile ?? false, eval: o.impl! };
      SPECIALIZED.set(id, f);
    }
    return f;
  }
  let f = SPECIALIZED.get(id);
  if (f !== undefined) return f;
  const bar = id.indexOf("$");
  const base = bar < 0 ? id : id.slice(0, bar);
  const po = BY_ID.get(base);
  if (po === undefined || po.specialize === undefined) {
    throw new SqlError(SqlState.InternalError, `unknown function id "${id}"`);
  }
  let types: DataType[];
  try {
    types = bar < 0 ? [] : id.slice(bar + 1).split("$").map((n) => parseTypeName(n));
  } catch {
    throw new SqlError(SqlState.InternalError, `unknown function id "${id}"`);
  }
  f = { id, strict: po.strict ?? true, volatile: po.volatile ?? false, eval: po.specialize(types) };
  if (SPECIALIZED.size > 10000) SPECIALIZED.clear();
  SPECIALIZED.set(id, f);
  return f;
}

/** All registered overload ids (tests, documentation). */
export function allOverloadIds(): string[] {
  return [...BY_ID.keys()];
}
