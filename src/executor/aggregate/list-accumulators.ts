// Accumulators whose result depends on the order of their inputs: string_agg (text and bytea),
// array_agg (of values, or of arrays stacked one dimension deeper), jsonb_agg and
// jsonb_object_agg. Each keeps its entries (the argument values, the call's ORDER BY key values
// and the arrival number); a retraction removes one equal entry; the result orders the entries by
// the ORDER BY keys, then by arrival.

import { registerStateClasses } from "../state/state-codec.js";
import type { SortKey } from "../../planner/physical-plan.js";
import {
  castValue,
  compareValues,
  type DataType,
  type EvalContext,
  getFunction,
  Jsonb,
  resolveFunction,
  SqlError,
  SqlState,
  Types,
} from "../../types/index.js";
import { exactValueKey, sameKey } from "../row-key.js";
import type { Accumulator, AggregateSpec } from "./accumulators.js";

export type ListKind = "string_agg" | "string_agg_bytea" | "array_agg" | "array_agg_array" | "jsonb_agg" | "jsonb_object_agg";

interface Entry {
  args: unknown[];
  order: unknown[] | undefined;
  seq: number;
}

/** Compares two rows of sort-key values under ORDER BY semantics (DESC, NULLS FIRST/LAST). */
export function compareSortKeys(keys: readonly SortKey[], a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const x = a[i];
    const y = b[i];
    if (x === null || y === null) {
      if (x === y) continue;
      return (x === null) === k.nullsFirst ? -1 : 1;
    }
    const c = compareValues(k.expr.type, x, y);
    if (c !== 0) return k.desc ? -c : c;
  }
  return 0;
}

export class ListAcc implements Accumulator {
  private entries: Entry[] = [];
  private seq = 0;
  private sorted = true;
  /** value → JSON for the jsonb aggregates */
  private readonly toJson: ((v: unknown) => unknown) | null = null;

  constructor(
    private readonly spec: AggregateSpec,
    private readonly kind: ListKind,
    private readonly evalCtx: EvalContext,
  ) {
    if (kind === "jsonb_agg" || kind === "jsonb_object_agg") {
      const t = spec.argTypes[kind === "jsonb_agg" ? 0 : 1];
      const f = getFunction(resolveFunction("to_jsonb", [t]).id);
      this.toJson = (v) => (v === null ? null : (f.eval([v], evalCtx) as Jsonb).value);
    }
  }

  update(args: readonly unknown[], w: number, order?: readonly unknown[]): void {
    if ((this.kind === "string_agg" || this.kind === "string_agg_bytea") && args[0] === null) return;
    if (w > 0) {
      for (let k = 0; k < w; k++) this.entries.push({ args: args.slice(), order: order?.slice(), seq: this.seq++ });
      this.sorted = false;
      return;
    }
    for (let k = 0; k < -w; k++) {
      for (let i = this.entries.length - 1; i >= 0; i--) {
        if (this.sameEntry(this.entries[i], args, order)) {
          this.entries.splice(i, 1);
          break;
        }
      }
    }
  }

  /** Whether a stored entry is the one a retraction names: same values, printed the same (NaN is NaN). */
  private sameEntry(e: Entry, args: readonly unknown[], order: readonly unknown[] | undefined): boolean {
    const types = this.spec.argTypes;
    for (let i = 0; i < args.length; i++) {
      if (!sameKey(exactValueKey(types[i], e.args[i]), exactValueKey(types[i], args[i]))) return false;
    }
    if (order !== undefined && e.order !== undefined && this.spec.orderBy !== undefined) {
      for (let i = 0; i < order.length; i++) {
        const t = this.spec.orderBy[i].expr.type;
        if (!sameKey(exactValueKey(t, e.order[i]), exactValueKey(t, order[i]))) return false;
      }
    }
    return true;
  }

  private inOrder(): Entry[] {
    if (!this.sorted) {
      const keys = this.spec.orderBy;
      if (keys !== undefined && keys.length > 0) {
        this.entries.sort((a, b) => compareSortKeys(keys, a.order!, b.order!) || a.seq - b.seq);
      } else {
        this.entries.sort((a, b) => a.seq - b.seq);
      }
      this.sorted = true;
    }
    return this.entries;
  }

  result(): unknown {
    if (this.entries.length === 0) return null;
    const entries = this.inOrder();
    switch (this.kind) {
      case "string_agg": {
        let s = "";
        entries.forEach((e, i) => {
          if (i > 0 && e.args[1] !== null && e.args[1] !== undefined) s += e.args[1] as string;
          s += e.args[0] as string;
        });
        return s;
      }
      case "string_agg_bytea": {
        const parts: Uint8Array[] = [];
        entries.forEach((e, i) => {
          if (i > 0 && e.args[1] !== null && e.args[1] !== undefined) parts.push(e.args[1] as Uint8Array);
          parts.push(e.args[0] as Uint8Array);
        });
        const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let off = 0;
        for (const p of parts) {
          out.set(p, off);
          off += p.length;
        }
        return out;
      }
      case "array_agg":
        return entries.map((e) => e.args[0]);
      case "array_agg_array":
        return stackArrays(entries.map((e) => e.args[0]));
      case "jsonb_agg":
        return new Jsonb(entries.map((e) => this.toJson!(e.args[0])));
      case "jsonb_object_agg": {
        const obj: Record<string, unknown> = {};
        for (const e of entries) {
          const k = e.args[0];
          if (k === null) throw new SqlError(SqlState.NullValueNotAllowed, "field name must not be null");
          obj[castValue(k, this.spec.argTypes[0], Types.text) as string] = this.toJson!(e.args[1]);
        }
        return new Jsonb(obj);
      }
    }
  }
}

function shapeOf(v: unknown): string {
  if (!Array.isArray(v)) return "";
  return `[${v.length}${v.length > 0 ? shapeOf(v[0]) : ""}]`;
}

/** array_agg over arrays: each input becomes a sub-array; all must share one shape. */
function stackArrays(values: unknown[]): unknown[] {
  let shape: string | null = null;
  for (const v of values) {
    if (v === null) throw new SqlError(SqlState.NullValueNotAllowed, "cannot accumulate null arrays");
    const s = shapeOf(v);
    if ((v as unknown[]).length === 0) throw new SqlError(SqlState.ArraySubscriptError, "cannot accumulate empty arrays");
    if (shape === null) shape = s;
    else if (s !== shape) throw new SqlError(SqlState.ArraySubscriptError, "cannot accumulate arrays of different dimensionality");
  }
  return values;
}


registerStateClasses(ListAcc);
