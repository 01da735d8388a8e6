// Snapshot and restore of stateful operators. An operator (or a stored relation) declares which
// of its fields are state (`stateFields`); everything else (expressions, callbacks, plan nodes)
// is rebuilt from the plan when the view is recreated, and the state is merged back into it.

import { decodeState, encodeState, StateEncodeError } from "./state-codec.js";
import { newRestoreMemo, restoreInto, type RestoreMemo } from "./restore-into.js";

export interface HasState {
  readonly name?: string;
  /** the fields that hold state, captured by checkpoints and restored into a rebuilt operator */
  readonly stateFields?: readonly string[];
  /** rebuilds what is derived from restored state (an index over restored rows) */
  afterRestore?(): void;
  /** why the state cannot be taken now (work in flight that the log must keep), or null */
  checkpointBlocker?(): string | null;
}

export function captureFields(obj: object, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = (obj as Record<string, unknown>)[f];
  return out;
}

export function restoreFields(obj: object, state: Record<string, unknown>, memo: RestoreMemo): void {
  const o = obj as Record<string, unknown>;
  for (const f of Object.keys(state)) o[f] = restoreInto(o[f], state[f], memo);
}

/** The state of a list of objects (a dataflow's operators), as bytes; null entries have none. */
export function snapshotObjects(objs: readonly HasState[]): Buffer {
  for (const o of objs) {
    // an operator that does not say what its state is cannot be checkpointed: the log keeps its input
    if (!o.stateFields) throw new StateEncodeError(`operator ${o.name ?? o.constructor.name} does not declare its state`);
    const blocker = o.checkpointBlocker?.();
    if (blocker) throw new StateEncodeError(blocker);
  }
  return encodeState(objs.map((o) => [o.name ?? "", o.stateFields!.length > 0 ? captureFields(o, o.stateFields!) : null]));
}

/** Restores bytes from snapshotObjects into the same list of objects rebuilt from the same plan. */
export function restoreObjects(objs: readonly HasState[], bytes: Uint8Array): void {
  const decoded = decodeState(bytes) as [string, Record<string, unknown> | null][];
  if (decoded.length !== objs.length || decoded.some(([name], i) => name !== (objs[i].name ?? ""))) {
    throw new Error(`checkpointed state does not match the rebuilt operators (${decoded.map(([n]) => n).join(",")} vs ${objs.map((o) => o.name).join(",")})`);
  }
  const memo = newRestoreMemo();
  decoded.forEach(([, state], i) => {
    if (state) restoreFields(objs[i], state, memo);
  });
  for (const o of objs) o.afterRestore?.();
}
