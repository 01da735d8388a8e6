// Composite all-numeric GROUP BY keys go through the tuple index (aggregate/numeric-tuple-index.ts)
// in front of the string-keyed groups: these runs check it against a plain recomputation through
// inserts, deletes that drop groups (their slots are reused), NULLs, -0/0, NaN and int64 values
// beyond 2^53 (which stay on the string path).

import { describe, expect, it } from "vitest";
import type { AggregateNode } from "../../planner/physical-plan.js";
import type { DataType } from "../../types/index.js";
import { barrier, chunk, col, F64, I32, I64, recorder, testEnv } from "../testing.js";
import { HashAggregate } from "./hash-aggregate.js";

function part(v: unknown): string {
  if (v === null) return "N";
  if (typeof v === "number") return Object.is(v, -0) ? "0" : String(v);
  return String(v);
}

/** Random changes over the key types; the view from the operator's output must equal a recomputation. */
function check(keyTypes: DataType[], pick: (rnd: () => number) => unknown[], seed: number): void {
  let state = seed;
  const rnd = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  const types = [...keyTypes, I32];
  const n: AggregateNode = {
    kind: "aggregate",
    types: [...keyTypes, I64, I64],
    input: { kind: "empty", types },
    groupBy: keyTypes.map((t, i) => col(i, t)),
    aggregates: [
      { fn: "count_star", args: [], type: I64, distinct: false },
      { fn: "sum_int", args: [col(keyTypes.length, I32)], type: I64, distinct: false },
    ],
  };
  const r = recorder();
  const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: false });
  const live: unknown[][] = [];
  for (let epoch = 1; epoch <= 30; epoch++) {
    const rows: unknown[][] = [];
    const ops: number[] = [];
    for (let j = 0; j < 40; j++) {
      if (live.length > 0 && rnd() < 0.45) {
        const [row] = live.splice(Math.floor(rnd() * live.length), 1);
        rows.push(row);
        ops.push(-1);
      } else {
        const row = [...pick(rnd), Math.floor(rnd() * 100)];
        live.push(row);
        rows.push(row);
        ops.push(1);
      }
    }
    op.push(0, chunk(types, rows, ops));
    op.push(0, barrier(epoch));
  }
  // the view: the operator's changes applied in order
  const view = new Map<string, number>();
  for (const m of r.out) {
    if (!("rows" in m)) continue;
    for (const [o, ...vals] of m.rows) {
      const k = vals.map(part).join("|");
      view.set(k, (view.get(k) ?? 0) + (o as number));
      if (view.get(k) === 0) view.delete(k);
    }
  }
  const groups = new Map<string, { key: unknown[]; c: number; s: number }>();
  for (const row of live) {
    const k = row.slice(0, keyTypes.length).map(part).join("|");
    const g = groups.get(k) ?? { key: row.slice(0, keyTypes.length), c: 0, s: 0 };
    g.c++;
    g.s += row[keyTypes.length] as number;
    groups.set(k, g);
  }
  const expected = new Map<string, number>();
  for (const g of groups.values()) expected.set([...g.key, BigInt(g.c), BigInt(g.s)].map(part).join("|"), 1);
  expect([...view.entries()].sort()).toEqual([...expected.entries()].sort());
}

describe("HashAggregate with composite numeric keys", () => {
  it("(bigint, double) with NULLs, -0/0 and NaN matches a recomputation", () => {
    const doubles = [0, -0, NaN, 1.5, 2, null];
    for (const seed of [1, 2, 3]) {
      check([I64, F64], (rnd) => [rnd() < 0.1 ? null : BigInt(Math.floor(rnd() * 5)), doubles[Math.floor(rnd() * doubles.length)]], seed);
    }
  });

  it("(int, bigint, bigint) with int64 values beyond 2^53 matches a recomputation", () => {
    const big = [1n, 9007199254740993n, -9007199254740995n, 2n];
    for (const seed of [4, 5]) {
      check([I32, I64, I64], (rnd) => [Math.floor(rnd() * 3), big[Math.floor(rnd() * big.length)], BigInt(Math.floor(rnd() * 2))], seed);
    }
  });
});
