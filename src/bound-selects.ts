// A session's bound SELECT plans, so that a prepared statement's every Execute (and a query a client
// repeats) skips binding, column pruning and the key-lookup rewrite — about a third of a primary-key
// point select's cost (pgbench -S). Postgres keeps plans the same way (its plan cache) and drops
// them on any catalog change; here an entry is used only while everything binding read is as it was:
// - every open database's catalog version (DDL, GRANT/REVOKE, role and ownership changes bump one;
//   roles are cluster-wide, so a change made from another database counts too);
// - the session's role (privileges were checked for it while binding) and its settings (search_path,
//   TimeZone, DateStyle, hnsw.ef_search: binding reads them);
// - the declared parameter types.
// Parameter values are not part of a plan (they are read when it runs), so one entry serves every
// Execute. Bounded: the least recently used text goes first; long texts are not kept.

import type { BinderEnv, PhysicalPlan } from "./planner/index.js";
import type { DataType } from "./types/index.js";

const CAPACITY = 64;
const MAX_TEXT = 4096;

export interface BoundSelect {
  /** the binding's environment: parameter types as binding settled them, relations read */
  env: BinderEnv;
  plan: PhysicalPlan;
  columns: { name: string; type: DataType }[];
}

interface Entry {
  stamp: string;
  bound: BoundSelect;
}

export class BoundSelects {
  private readonly byKey = new Map<string, Entry>();

  /** The key of the statement at `position` of `sql` with these declared parameter types; null when not kept. */
  static key(sql: string, position: number, declared: readonly (DataType | undefined)[]): string | null {
    if (sql.length > MAX_TEXT) return null;
    return `${position}|${JSON.stringify(declared)}|${sql}`;
  }

  get(key: string, stamp: string): BoundSelect | undefined {
    const hit = this.byKey.get(key);
    if (hit === undefined) return undefined;
    this.byKey.delete(key);
    if (hit.stamp !== stamp) return undefined;
    this.byKey.set(key, hit);
    return hit.bound;
  }

  set(key: string, stamp: string, bound: BoundSelect): void {
    this.byKey.delete(key);
    this.byKey.set(key, { stamp, bound });
    if (this.byKey.size > CAPACITY) this.byKey.delete(this.byKey.keys().next().value!);
  }
}
