// Overload resolution as Postgres does it (parse_func.c func_select_candidate, parse_oper.c):
// an exact match wins; otherwise keep the candidates every argument can be implicitly cast to,
// then prefer (a) most exact type matches, (b) preferred types where a conversion is needed,
// (c) for 'unknown' arguments (untyped literals, NULL) the string category if any candidate takes
// it, else the one category all candidates agree on, (d) the type of the other (known) arguments.
// Operators first try both sides as the known side's type when one side is unknown.
// Polymorphic parameters (anyelement, anyarray, anycompatible, ...) are resolved from the
// arguments; 'unknown' arguments in `any` positions are passed as text.

import { DataType, Types, typeName } from "../data-type.js";
import { SqlError, SqlState } from "../errors.js";
import { castContext, commonSupertype, isPreferredType, typeCategory } from "../cast.js";
import { FunctionResolution, Overload, Param, functionOverloads, operatorOverloads, resolvedId } from "./registry.js";

interface Candidate {
  o: Overload;
  /** declared parameter per argument position (variadic expanded) */
  params: Param[];
}

function isPoly(p: Param): p is Exclude<Param, DataType> {
  return typeof p === "string";
}

/** A type's name without modifiers, as Postgres's format_type_be prints it in messages. */
export function plainName(t: DataType): string {
  switch (t.id) {
    case "numeric":
      return "numeric";
    case "varchar":
      return "character varying";
    case "char":
      return "character";
    case "vector":
      return "vector";
    case "array":
      return plainName(t.element!) + "[]";
    default:
      return typeName(t);
  }
}

function expand(o: Overload, nargs: number): Param[] | null {
  const n = o.params.length;
  if (!o.variadic) return n === nargs ? o.params.slice() : null;
  if (nargs < n) return null;
  const out = o.params.slice(0, n - 1);
  while (out.length < nargs) out.push(o.params[n - 1]);
  return out;
}

function isExact(p: Param, a: DataType): boolean {
  if (isPoly(p) || a.id === "unknown") return false;
  if (p.id !== a.id) return false;
  if (p.id === "array") return isExact(p.element!, a.element!);
  return true;
}

function implicitOk(a: DataType, p: DataType): boolean {
  if (a.id === "unknown") return true;
  return castContext(a, p) === "implicit";
}

/** Resolves polymorphic parameters; null if the arguments do not fit. */
function resolvePoly(params: readonly Param[], args: readonly DataType[]): DataType[] | null {
  let elem: DataType | null = null;
  let hasPoly = false;
  const compat: DataType[] = [];
  let hasCompat = false;
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    const a = args[i];
    if (!isPoly(p)) continue;
    if (p === "any") continue;
    if (p === "anycompatible" || p === "anycompatiblearray") {
      hasCompat = true;
      if (a.id === "unknown") continue;
      if (p === "anycompatiblearray") {
        if (a.id !== "array") return null;
        compat.push(a.element!);
      } else compat.push(a);
      continue;
    }
    hasPoly = true;
    if (a.id === "unknown") continue;
    let e: DataType;
    if (p === "anyarray") {
      if (a.id !== "array") return null;
      e = a.element!;
    } else {
      if (p === "anynonarray" && a.id === "array") return null;
      e = a;
    }
    if (elem === null) elem = e;
    else if (elem.id !== e.id || (e.id === "array" && plainName(e) !== plainName(elem))) return null;
  }
  if (hasPoly && elem === null) return null; // could not determine polymorphic type
  let common: DataType | null = null;
  if (hasCompat) {
    if (compat.length === 0) return null; // could not determine polymorphic type
    common = commonSupertype(compat);
    if (common === null) return null;
  }
  const out: DataType[] = [];
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    const a = args[i];
    if (!isPoly(p)) {
      if (!implicitOk(a, p)) return null;
      out.push(p);
      continue;
    }
    switch (p) {
      case "any":
        out.push(a); // "any" passes unknown literals as they are (pg_typeof('x') is unknown)
        break;
      case "anyelement":
      case "anynonarray":
        out.push(a.id === "unknown" ? elem! : a);
        break;
      case "anyarray":
        out.push(a.id === "unknown" ? Types.array(elem!) : a);
        break;
      case "anycompatible":
        out.push(common!);
        break;
      case "anycompatiblearray":
        out.push(Types.array(common!));
        break;
    }
  }
  return out;
}

function category(p: Param): string {
  return isPoly(p) ? "P" : typeCategory(p);
}

function preferred(p: Param): boolean {
  return !isPoly(p) && isPreferredType(p);
}

/** func_select_candidate over candidates that all accept the arguments. */
function selectCandidate(cands: Candidate[], args: readonly DataType[]): Candidate | null {
  const nargs = args.length;
  // (a) most exact matches
  let best = -1;
  let keep: Candidate[] = [];
  for (const c of cands) {
    let n = 0;
    for (let i = 0; i < nargs; i++) if (isExact(c.params[i], args[i])) n++;
    if (n > best) {
      best = n;
      keep = [c];
    } else if (n === best) keep.push(c);
  }
  if (keep.length === 1) return keep[0];
  cands = keep;
  // (b) exact or preferred (in the input's category) where conversion is needed
  best = -1;
  keep = [];
  for (const c of cands) {
    let n = 0;
    for (let i = 0; i < nargs; i++) {
      const a = args[i];
      if (a.id === "unknown") continue;
      const p = c.params[i];
      if (isExact(p, a) || (preferred(p) && category(p) === typeCategory(a))) n++;
    }
    if (n > best) {
      best = n;
      keep = [c];
    } else if (n === best) keep.push(c);
  }
  if (keep.length === 1) return keep[0];
  cands = keep;
  // (c) unknown arguments: pick a category per position
  const nunknown = args.filter((a) => a.id === "unknown").length;
  if (nunknown > 0) {
    const slotCat: (string | null)[] = new Array(nargs).fill(null);
    const slotPref: boolean[] = new Array(nargs).fill(false);
    let resolved = true;
    for (let i = 0; i < nargs && resolved; i++) {
      if (args[i].id !== "unknown") continue;
      let conflict = false;
      for (const c of cands) {
        const cat = category(c.params[i]);
        const pref = preferred(c.params[i]);
        if (slotCat[i] === null) {
          slotCat[i] = cat;
          slotPref[i] = pref;
        } else if (cat === slotCat[i]) {
          slotPref[i] = slotPref[i] || pref;
        } else if (cat === "S") {
          slotCat[i] = cat;
          slotPref[i] = pref;
        } else conflict = true;
      }
      if (conflict && slotCat[i] !== "S") resolved = false;
    }
    if (resolved) {
      keep = cands.filter((c) => {
        for (let i = 0; i < nargs; i++) {
          if (args[i].id !== "unknown") continue;
          if (category(c.params[i]) !== slotCat[i]) return false;
          if (slotPref[i] && !preferred(c.params[i])) return false;
        }
        return true;
      });
      if (keep.length === 1) return keep[0];
      if (keep.length > 0) cands = keep;
    }
  }
  // (d) unknowns take the type of the known arguments, if they all agree
  if (nunknown > 0 && nunknown < nargs) {
    let known: DataType | null = null;
    let agree = true;
    for (const a of args) {
      if (a.id === "unknown") continue;
      if (known === null) known = a;
      else if (known.id !== a.id) agree = false;
    }
    if (agree && known !== null) {
      const assumed = args.map(() => known!);
      const fits = cands.filter((c) => accepts(c, assumed) !== null);
      if (fits.length === 1) return fits[0];
    }
  }
  return null;
}

/** The resolved parameter types if every argument fits the candidate, else null. */
function accepts(c: Candidate, args: readonly DataType[]): DataType[] | null {
  if (c.params.some(isPoly)) return resolvePoly(c.params, args);
  for (let i = 0; i < args.length; i++) {
    if (!implicitOk(args[i], c.params[i] as DataType)) return null;
  }
  return c.params as DataType[];
}

function finish(c: Candidate, args: readonly DataType[]): FunctionResolution {
  const params = accepts(c, args) ?? (c.params as DataType[]);
  const ret = typeof c.o.ret === "function" ? c.o.ret(params) : c.o.ret;
  return { id: resolvedId(c.o, params), argTypes: params.slice(), returnType: ret };
}

type Outcome = { ok: Candidate } | { none: true } | { ambiguous: true };

function choose(overloads: readonly Overload[] | undefined, args: readonly DataType[]): Outcome {
  if (overloads === undefined) return { none: true };
  const cands: Candidate[] = [];
  for (const o of overloads) {
    const params = expand(o, args.length);
    if (params !== null) cands.push({ o, params });
  }
  // exact match
  const exact = cands.filter((c) => c.params.every((p, i) => isExact(p, args[i])));
  if (exact.length === 1) return { ok: exact[0] };
  const fit = cands.filter((c) => accepts(c, args) !== null);
  if (fit.length === 0) return { none: true };
  if (fit.length === 1) return { ok: fit[0] };
  // prefer non-variadic forms when a fixed-arity candidate matches equally (Postgres does too)
  const chosen = selectCandidate(fit, args);
  return chosen === null ? { ambiguous: true } : { ok: chosen };
}

function argList(args: readonly DataType[]): string {
  return args.map(plainName).join(", ");
}

/**
 * Resolves a call among the given overloads (aggregates and window functions use this with their
 * own catalogs); null when nothing matches, "ambiguous" when the call is ambiguous.
 */
export function resolveAmong(overloads: readonly Overload[] | undefined, argTypes: readonly DataType[]): FunctionResolution | null | "ambiguous" {
  const r = choose(overloads, argTypes);
  if ("ok" in r) return finish(r.ok, argTypes);
  return "ambiguous" in r ? "ambiguous" : null;
}

/**
 * Resolves a function call. `name` is matched case-insensitively. Throws 42883 when nothing
 * matches and 42725 when the call is ambiguous.
 */
export function resolveFunction(name: string, argTypes: DataType[]): FunctionResolution {
  const lname = name.toLowerCase();
  const r = choose(functionOverloads(lname), argTypes);
  if ("ok" in r) return finish(r.ok, argTypes);
  if ("ambiguous" in r) {
    throw new SqlError(SqlState.AmbiguousFunction, `function ${lname}(${argList(argTypes)}) is not unique`, {
      hint: "Could not choose a best candidate function. You might need to add explicit type casts.",
    });
  }
  throw new SqlError(SqlState.UndefinedFunction, `function ${lname}(${argList(argTypes)}) does not exist`, {
    hint: "No function matches the given name and argument types. You might need to add explicit type casts.",
  });
}

/** Resolves an operator; `left` null means a prefix operator. */
export function resolveOperator(op: string, left: DataType | null, right: DataType): FunctionResolution {
  if (op === "!=") op = "<>"; // as Postgres's lexer does
  const kind = left === null ? "prefix" : "binary";
  const overloads = operatorOverloads(kind, op);
  const args = left === null ? [right] : [left, right];
  if (overloads !== undefined && left !== null) {
    // binary_oper_exact: an unknown side is assumed to have the other side's type
    let l = left;
    let r = right;
    if (l.id === "unknown" && r.id !== "unknown") l = r;
    else if (r.id === "unknown" && l.id !== "unknown") r = l;
    if (l !== left || r !== right) {
      for (const o of overloads) {
        if (o.params.length === 2 && isExact(o.params[0], l) && isExact(o.params[1], r)) {
          const c: Candidate = { o, params: o.params.slice() };
          return finish(c, [l, r]);
        }
      }
    }
  }
  const res = choose(overloads, args);
  const shown = left === null ? `${op} ${plainName(right)}` : `${plainName(left)} ${op} ${plainName(right)}`;
  if ("ok" in res) return finish(res.ok, args);
  if ("ambiguous" in res) {
    throw new SqlError(SqlState.AmbiguousFunction, `operator is not unique: ${shown}`, {
      hint: "Could not choose a best candidate operator. You might need to add explicit type casts.",
    });
  }
  throw new SqlError(SqlState.UndefinedFunction, `operator does not exist: ${shown}`, {
    hint: "No operator matches the given name and argument types. You might need to add explicit type casts.",
  });
}
