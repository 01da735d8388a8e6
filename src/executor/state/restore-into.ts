// Restoring decoded state into a freshly built operator (or stored relation). The fresh object
// already holds what is not state: compiled expressions, emit callbacks, plan nodes. Decoded
// state is merged into it in place, field by field: a HOLE (a function when the state was taken)
// keeps the fresh value, objects of the same class are merged recursively (so references between
// fresh objects survive), and everything else is taken from the snapshot.

import { HOLE, StateEncodeError, isValueObject } from "./state-codec.js";

export type RestoreMemo = Map<object, unknown>;

/**
 * Implemented by an object whose state holds things it creates on demand with a closure (an
 * accumulator per group made by a factory): a fresh one to merge a restored element into.
 */
export interface StateTemplates {
  stateTemplate(field: string): object | undefined;
}

type Template = (() => object | undefined) | undefined;

export function newRestoreMemo(): RestoreMemo {
  return new Map();
}

/** Whether a decoded value can stand alone (holds no HOLE that a fresh value would have to fill). */
function selfContained(v: unknown, seen: Set<object>): boolean {
  if (v === HOLE) return false;
  if (v === null || typeof v !== "object" || ArrayBuffer.isView(v) || seen.has(v)) return true;
  seen.add(v);
  if (v instanceof Map) {
    for (const [k, x] of v) if (!selfContained(k, seen) || !selfContained(x, seen)) return false;
    return true;
  }
  if (v instanceof Set || Array.isArray(v)) {
    for (const x of v) if (!selfContained(x, seen)) return false;
    return true;
  }
  for (const k of Object.keys(v)) if (!selfContained((v as Record<string, unknown>)[k], seen)) return false;
  return true;
}

export function restoreInto(fresh: unknown, snap: unknown, memo: RestoreMemo, template?: Template): unknown {
  if (snap === HOLE) {
    if (fresh === undefined) throw new StateEncodeError("checkpointed state has a function where the rebuilt operator has none");
    return fresh;
  }
  if (ArrayBuffer.isView(snap)) return restoreTypedArray(fresh, snap);
  if (snap === null || typeof snap !== "object" || snap instanceof Date) return snap;
  const done = memo.get(snap);
  if (done !== undefined) return done;
  if (Array.isArray(snap)) {
    if (Array.isArray(fresh)) {
      memo.set(snap, fresh);
      const old = fresh.slice();
      fresh.length = snap.length;
      for (let i = 0; i < snap.length; i++) {
        const s = snap[i];
        fresh[i] = s === null || (typeof s !== "object" && s !== HOLE) ? s : restoreInto(old[i], s, memo, template);
      }
      return fresh;
    }
    return standalone(snap, memo);
  }
  if (snap instanceof Map) {
    if (fresh instanceof Map) {
      memo.set(snap, fresh);
      const old = new Map(fresh);
      fresh.clear();
      for (const [k, v] of snap) fresh.set(k, restoreInto(old.get(k), v, memo, template));
      return fresh;
    }
    return standalone(snap, memo);
  }
  if (snap instanceof Set) {
    if (fresh instanceof Set) {
      memo.set(snap, fresh);
      fresh.clear();
      for (const v of snap) fresh.add(v);
      return fresh;
    }
    return standalone(snap, memo);
  }
  // merged in place: objects of the same class (other fresh objects may alias them), but never
  // immutable values (a fresh Decimal may be the shared constant Decimal.ZERO)
  if (fresh !== null && typeof fresh === "object" && Object.getPrototypeOf(fresh) === Object.getPrototypeOf(snap) && !isValueObject(snap)) {
    memo.set(snap, fresh);
    const f = fresh as Record<string, unknown>;
    const s = snap as Record<string, unknown>;
    const templates = typeof (fresh as Partial<StateTemplates>).stateTemplate === "function" ? (fresh as StateTemplates) : null;
    for (const k of Object.keys(s)) f[k] = restoreInto(f[k], s[k], memo, templates ? () => templates.stateTemplate(k) : undefined);
    return fresh;
  }
  const made = fresh === undefined && template ? template() : undefined;
  if (made !== undefined && Object.getPrototypeOf(made) === Object.getPrototypeOf(snap)) return restoreInto(made, snap, memo);
  return standalone(snap, memo);
}

/**
 * Typed arrays are copied into the fresh array when it has the same type and length, because
 * operators alias them (an Int32Array over a BigInt64Array's buffer) and the codec does not keep
 * shared buffers; otherwise copied out of the decoded blob (which they would keep alive).
 */
function restoreTypedArray(fresh: unknown, snap: ArrayBufferView): unknown {
  if (fresh !== null && typeof fresh === "object" && ArrayBuffer.isView(fresh) && fresh.constructor === snap.constructor && fresh.byteLength === snap.byteLength) {
    new Uint8Array(fresh.buffer, fresh.byteOffset, fresh.byteLength).set(new Uint8Array(snap.buffer, snap.byteOffset, snap.byteLength));
    return fresh;
  }
  if (snap instanceof DataView) return new DataView(snap.buffer.slice(snap.byteOffset, snap.byteOffset + snap.byteLength));
  return (snap as unknown as Uint8Array).slice();
}

/** A decoded value with nothing fresh to merge into: usable as is unless it needs a function. */
function standalone(snap: object, memo: RestoreMemo): unknown {
  if (!selfContained(snap, new Set())) {
    throw new StateEncodeError(`checkpointed state of class ${snap.constructor?.name ?? "?"} needs a function the rebuilt operator does not provide`);
  }
  memo.set(snap, snap);
  return snap;
}
