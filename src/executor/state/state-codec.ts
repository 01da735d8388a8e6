// The byte form of operator and relation state for checkpoints. Operator state is ordinary JS
// data (Maps, typed arrays, RowStores, accumulators...), so rather than a hand-written format per
// operator it is walked generically: class instances become tagged records naming a class
// registered here, functions (compiled expressions, emit callbacks) become holes that restoring
// fills from the freshly built operator (see restore-into.ts), and V8's serializer does the rest
// (typed arrays, bigints, shared references and cycles). An object of an unregistered class makes
// encoding fail: checkpoints then skip that state rather than write something unrestorable.

import { deserialize, serialize } from "node:v8";

/** a class (its constructor may be private: only the prototype is used) */
type Ctor = { readonly name: string; readonly prototype: object };

/** class name -> constructor; null when two different classes share a name (then neither encodes) */
const classes = new Map<string, Ctor | null>();

/** Lets instances of these classes appear in checkpointed state. */
export function registerStateClasses(...ctors: Ctor[]): void {
  for (const c of ctors) {
    const prev = classes.get(c.name);
    if (prev === undefined) classes.set(c.name, c);
    else if (prev !== c) classes.set(c.name, null);
  }
}

/** immutable value classes (Decimal, Interval...): restored by replacement, never merged in place */
const valueClasses = new Set<Ctor>();

/** Like registerStateClasses, for immutable values that may be shared (constants such as Decimal.ZERO). */
export function registerValueClasses(...ctors: Ctor[]): void {
  registerStateClasses(...ctors);
  for (const c of ctors) valueClasses.add(c);
}

export function isValueObject(v: object): boolean {
  const ctor = Object.getPrototypeOf(v)?.constructor as Ctor | undefined;
  return ctor !== undefined && valueClasses.has(ctor);
}

/** per class: fields that are scratch space (staging buffers), not state; restoring keeps the fresh ones */
const transientFields = new Map<Ctor, ReadonlySet<string>>();

export function registerTransientFields(ctor: Ctor, fields: readonly string[]): void {
  transientFields.set(ctor, new Set(fields));
}

/** name -> a sentinel symbol operators keep in their state (symbols are not serializable as such) */
const symbols = new Map<string, symbol>();
const symbolNames = new Map<symbol, string>();

/** Lets a module-level sentinel symbol appear in checkpointed state. */
export function registerStateSymbol(name: string, sym: symbol): void {
  symbols.set(name, sym);
  symbolNames.set(sym, name);
}

export class StateEncodeError extends Error {}

/** Stands for a function in decoded state: restoring keeps the fresh operator's value there. */
export const HOLE: unique symbol = Symbol("state hole");

const CLASS = "\u00a7c";
const FIELDS = "\u00a7f";
const FN = "\u00a7h";
const PLAIN = "\u00a7p";
const SYM = "\u00a7s";

function isTag(k: string): boolean {
  return k.charCodeAt(0) === 0xa7;
}

function toTagged(v: unknown, memo: Map<object, unknown>): unknown {
  if (v === null || typeof v !== "object") {
    if (typeof v === "function") return { [FN]: 1 };
    if (typeof v === "symbol") {
      const name = symbolNames.get(v);
      if (name === undefined) throw new StateEncodeError(`state holds an unregistered symbol ${String(v)}`);
      return { [SYM]: name };
    }
    return v;
  }
  const seen = memo.get(v);
  if (seen !== undefined) return seen;
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof Date) return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    memo.set(v, out);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      out[i] = x === null || (typeof x !== "object" && typeof x !== "function" && typeof x !== "symbol") ? x : toTagged(x, memo);
    }
    return out;
  }
  if (v instanceof Map) {
    const out = new Map<unknown, unknown>();
    memo.set(v, out);
    for (const [k, x] of v) out.set(toTagged(k, memo), toTagged(x, memo));
    return out;
  }
  if (v instanceof Set) {
    const out = new Set<unknown>();
    memo.set(v, out);
    for (const x of v) out.add(toTagged(x, memo));
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    const keys = Object.keys(v);
    if (keys.some(isTag)) {
      const entries: unknown[] = [];
      const out = { [PLAIN]: entries };
      memo.set(v, out);
      for (const k of keys) entries.push(k, toTagged((v as Record<string, unknown>)[k], memo));
      return out;
    }
    const out: Record<string, unknown> = {};
    memo.set(v, out);
    for (const k of keys) out[k] = toTagged((v as Record<string, unknown>)[k], memo);
    return out;
  }
  const ctor = proto?.constructor as Ctor | undefined;
  const name = ctor?.name ?? "?";
  if (!ctor || classes.get(name) !== ctor) throw new StateEncodeError(`state holds an object of class ${name}, which is not registered for checkpoints`);
  const fields: Record<string, unknown> = {};
  const out = { [CLASS]: name, [FIELDS]: fields };
  memo.set(v, out);
  const skip = transientFields.get(ctor);
  for (const k of Object.keys(v)) if (!skip?.has(k)) fields[k] = toTagged((v as Record<string, unknown>)[k], memo);
  return out;
}

function fromTagged(v: unknown, memo: Map<object, unknown>): unknown {
  if (v === null || typeof v !== "object") return v;
  const seen = memo.get(v);
  if (seen !== undefined) return seen;
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof Date) return v;
  if (Array.isArray(v)) {
    memo.set(v, v);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x !== null && typeof x === "object") v[i] = fromTagged(x, memo);
    }
    return v;
  }
  if (v instanceof Map) {
    const out = new Map<unknown, unknown>();
    memo.set(v, out);
    for (const [k, x] of v) out.set(fromTagged(k, memo), fromTagged(x, memo));
    return out;
  }
  if (v instanceof Set) {
    const out = new Set<unknown>();
    memo.set(v, out);
    for (const x of v) out.add(fromTagged(x, memo));
    return out;
  }
  const rec = v as Record<string, unknown>;
  if (FN in rec) return HOLE;
  if (SYM in rec) {
    const sym = symbols.get(rec[SYM] as string);
    if (sym === undefined) throw new StateEncodeError(`checkpointed state names symbol ${String(rec[SYM])}, which this build does not know`);
    return sym;
  }
  if (PLAIN in rec) {
    const out: Record<string, unknown> = {};
    memo.set(v, out);
    const entries = rec[PLAIN] as unknown[];
    for (let i = 0; i < entries.length; i += 2) out[entries[i] as string] = fromTagged(entries[i + 1], memo);
    return out;
  }
  if (CLASS in rec) {
    const ctor = classes.get(rec[CLASS] as string);
    if (!ctor) throw new StateEncodeError(`checkpointed state names class ${String(rec[CLASS])}, which this build does not know`);
    const out = Object.create(ctor.prototype) as Record<string, unknown>;
    memo.set(v, out);
    const fields = rec[FIELDS] as Record<string, unknown>;
    for (const k of Object.keys(fields)) out[k] = fromTagged(fields[k], memo);
    return out;
  }
  memo.set(v, v);
  for (const k of Object.keys(rec)) rec[k] = fromTagged(rec[k], memo);
  return v;
}

/** State to bytes; throws StateEncodeError when it holds something that cannot be restored. */
export function encodeState(value: unknown): Buffer {
  const tagged = toTagged(value, new Map());
  try {
    return serialize(tagged);
  } catch (e) {
    throw new StateEncodeError(`state cannot be serialized: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Bytes from encodeState back to state (functions come back as HOLE). */
export function decodeState(bytes: Uint8Array): unknown {
  return fromTagged(deserialize(bytes), new Map());
}
