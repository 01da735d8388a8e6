import { describe, expect, it } from "vitest";
import type { SessionWindowNode } from "../../planner/physical-plan.js";
import { Types } from "../../types/index.js";
import { barrier, chunk, I32, recorder, sorted } from "../testing.js";
import { SessionWindow } from "./session-window.js";

const TS = Types.timestamp;
const S = 1_000_000; // one second in µs
const IN = [I32, I32, TS]; // k, v, ts

function node(options: { partitioned?: boolean; eowc?: boolean } = {}): SessionWindowNode {
  return {
    kind: "session_window",
    input: { kind: "empty", types: IN },
    timeColumn: 2,
    gap: 5 * S,
    partitionBy: options.partitioned ? [0] : [],
    emitOnWindowClose: options.eowc,
    types: [...IN, TS, TS],
  };
}

const row = (k: number, v: number, sec: number): unknown[] => [k, v, sec * S];
/** an output row: op, k, v, ts, window_start, window_end (times in seconds) */
const out = (op: number, k: number, v: number, sec: number, start: number, end: number): unknown[] => [op, k, v, sec * S, start * S, end * S];

function setup(options: { partitioned?: boolean; eowc?: boolean } = {}) {
  const r = recorder();
  const op = new SessionWindow(node(options), r.emit);
  let epoch = 0;
  const step = (rows: unknown[][], ops?: number[]): unknown[][] => {
    const before = r.rows().length;
    if (rows.length) op.push(0, chunk(IN, rows, ops));
    op.push(0, barrier(++epoch));
    return sorted(r.rows().slice(before));
  };
  return { r, op, step };
}

describe("SessionWindow", () => {
  it("assigns in-order rows to sessions, emitting only what changed", () => {
    const { step } = setup();
    expect(step([row(1, 1, 1), row(1, 2, 3)])).toEqual(sorted([out(1, 1, 1, 1, 1, 8), out(1, 1, 2, 3, 1, 8)]));
    // 12 is 9 s after 3: a new session; the first is untouched
    expect(step([row(1, 3, 12)])).toEqual([out(1, 1, 3, 12, 12, 17)]);
    // 14 joins [12, 17) and moves its end: that session is retracted and re-inserted
    expect(step([row(1, 4, 14)])).toEqual(sorted([out(-1, 1, 3, 12, 12, 17), out(1, 1, 3, 12, 12, 19), out(1, 1, 4, 14, 12, 19)]));
    // 13 falls inside [12, 19) without moving its bounds: just that row
    expect(step([row(1, 5, 13)])).toEqual([out(1, 1, 5, 13, 12, 19)]);
  });

  it("merges two sessions when a row bridges them, and splits them again when it is deleted", () => {
    const { step } = setup();
    step([row(1, 1, 1), row(1, 2, 10)]);
    // 5.5 is less than 5 s from both 1 and 10: one session [1, 15)
    const bridge = [1, 3, 5.5 * S];
    expect(step([bridge])).toEqual(
      sorted([out(-1, 1, 1, 1, 1, 6), out(-1, 1, 2, 10, 10, 15), out(1, 1, 1, 1, 1, 15), out(1, 1, 2, 10, 1, 15), [1, 1, 3, 5.5 * S, 1 * S, 15 * S]]),
    );
    expect(step([bridge], [-1])).toEqual(
      sorted([out(1, 1, 1, 1, 1, 6), out(1, 1, 2, 10, 10, 15), out(-1, 1, 1, 1, 1, 15), out(-1, 1, 2, 10, 1, 15), [-1, 1, 3, 5.5 * S, 1 * S, 15 * S]]),
    );
  });

  it("treats a gap of exactly `gap` as a new session (windows are half-open)", () => {
    const { step } = setup();
    expect(step([row(1, 1, 1), row(1, 2, 6)])).toEqual(sorted([out(1, 1, 1, 1, 1, 6), out(1, 1, 2, 6, 6, 11)]));
  });

  it("keeps sessions per partition key and handles out-of-order rows in one batch", () => {
    const { step } = setup({ partitioned: true });
    expect(step([row(1, 1, 9), row(2, 1, 2), row(1, 2, 1), row(1, 3, 5)])).toEqual(
      sorted([out(1, 1, 1, 9, 1, 14), out(1, 1, 2, 1, 1, 14), out(1, 1, 3, 5, 1, 14), out(1, 2, 1, 2, 2, 7)]),
    );
    // an out-of-order row extends key 2's session backwards; key 1 is untouched
    expect(step([row(2, 2, 0)])).toEqual(sorted([out(-1, 2, 1, 2, 2, 7), out(1, 2, 1, 2, 0, 7), out(1, 2, 2, 0, 0, 7)]));
  });

  it("nets an insert and a delete of the same row within an epoch to nothing", () => {
    const { step } = setup();
    step([row(1, 1, 1)]);
    expect(step([row(1, 2, 3), row(1, 2, 3)], [1, -1])).toEqual([]);
  });

  it("passes rows with a NULL time through with NULL bounds", () => {
    const { step, op } = setup();
    expect(step([[1, 1, null]])).toEqual([[1, 1, 1, null, null, null]]);
    expect(op.storedRows).toBe(0);
  });

  it("with EMIT ON WINDOW CLOSE emits each session once, when the watermark reaches its end, and drops its state", () => {
    const { r, op } = setup({ eowc: true });
    op.push(0, chunk(IN, [row(1, 1, 1), row(1, 2, 4), row(1, 3, 20)]));
    op.push(0, { kind: "watermark", column: 2, value: 8 * S });
    op.push(0, barrier(1));
    // [1, 9) is still open at watermark 8; watermarks: ts/window_start held at 1 (the open session's start), window_end at 9
    expect(r.out).toEqual([{ watermark: 2, value: 1 * S }, { watermark: 3, value: 1 * S }, { watermark: 4, value: 9 * S }, { barrier: 1, final: false }]);
    r.out.length = 0;
    op.push(0, { kind: "watermark", column: 2, value: 9 * S });
    op.push(0, barrier(2));
    expect(r.out).toEqual([
      { rows: [out(1, 1, 1, 1, 1, 9), out(1, 1, 2, 4, 1, 9)] },
      { watermark: 2, value: 9 * S },
      { watermark: 3, value: 9 * S },
      { watermark: 4, value: 14 * S },
      { barrier: 2, final: false },
    ]);
    expect(op.storedRows).toBe(1); // only the row at 20
    // a late row (behind watermark 9) is dropped: it can never join a closed session
    op.push(0, chunk(IN, [row(1, 9, 5)]));
    op.push(0, { kind: "watermark", column: 2, value: 30 * S });
    op.push(0, barrier(3));
    expect(r.rows().slice(2)).toEqual([out(1, 1, 3, 20, 20, 25)]);
    expect(op.lateRows).toBe(1);
    expect(op.storedRows).toBe(0);
    expect(op.partitionCount).toBe(0);
  });

  it("without EOWC drops closed sessions' state silently (their rows were already emitted)", () => {
    const { r, op } = setup();
    op.push(0, chunk(IN, [row(1, 1, 1), row(1, 2, 30)]));
    op.push(0, { kind: "watermark", column: 2, value: 10 * S });
    op.push(0, barrier(1));
    expect(sorted(r.rows())).toEqual(sorted([out(1, 1, 1, 1, 1, 6), out(1, 1, 2, 30, 30, 35)]));
    expect(op.storedRows).toBe(1);
  });

  it("matches a from-scratch computation after random inserts and deletes over many epochs", () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const { r, step } = setup({ partitioned: true });
    const live: unknown[][] = [];
    for (let epoch = 0; epoch < 60; epoch++) {
      const rows: unknown[][] = [];
      const ops: number[] = [];
      for (let i = 0; i < (epoch % 20 === 0 ? 40 : 1 + rand(6)); i++) {
        if (live.length > 0 && rand(3) === 0) {
          const [gone] = live.splice(rand(live.length), 1);
          rows.push(gone);
          ops.push(-1);
        } else {
          const fresh = [rand(3), rand(4), rand(80) * S];
          live.push(fresh);
          rows.push(fresh);
          ops.push(1);
        }
      }
      step(rows, ops);
    }
    // net output multiset
    const net = new Map<string, number>();
    for (const [op, ...rest] of r.rows()) net.set(JSON.stringify(rest), (net.get(JSON.stringify(rest)) ?? 0) + (op as number));
    const got = [...net].flatMap(([k, n]) => Array.from({ length: n }, () => JSON.parse(k) as unknown[]));
    expect([...net.values()].every((n) => n >= 0)).toBe(true);
    // reference: per key, rows sorted by time, a new session wherever the gap is >= 5 s
    const want: unknown[][] = [];
    for (const k of [0, 1, 2]) {
      const rows = live.filter((x) => x[0] === k).sort((a, b) => (a[2] as number) - (b[2] as number));
      let s = 0;
      for (let i = 0; i < rows.length; i++) {
        if (i === rows.length - 1 || (rows[i + 1][2] as number) - (rows[i][2] as number) >= 5 * S) {
          for (let j = s; j <= i; j++) want.push([...rows[j], rows[s][2], (rows[i][2] as number) + 5 * S]);
          s = i + 1;
        }
      }
    }
    expect(sorted(got)).toEqual(sorted(want));
  });
});
