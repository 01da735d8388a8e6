// TemporalFilter: `WHERE ts > now() - INTERVAL '1 hour'` in a continuous query. Each row has a
// visibility interval on the clock, [max(from), min(until)) (bounds computed from the row when it
// arrives); the filter passes the rows whose interval holds `now`, and as the clock moves it
// inserts rows whose interval begins and retracts rows whose interval ends. The clock is the
// barrier's epoch (the runtime's logical time, wall-clock milliseconds; injectable): changes and
// clock movements take effect at barriers, so the runtime ticks barriers while such a filter runs.
// State: rows that are visible or will become visible (rows whose interval has passed are
// dropped), with two queues of them by the time they next change (enter, leave).

import type { TemporalFilterNode } from "../../planner/physical-plan.js";
import type { Chunk, DataType } from "../../types/index.js";
import { ChunkBuilder } from "../chunk-builder.js";
import { compileExpr, type CompiledExpr } from "../expression/compile.js";
import type { Emit, Message, Operator, OperatorEnv } from "../message.js";
import { exactRowKeys, type KeyPrimitive } from "../row-key.js";
import { registerStateClasses } from "../state/state-codec.js";

interface Entry {
  key: KeyPrimitive;
  row: unknown[];
  from: number;
  until: number;
  count: number;
  visible: boolean;
  dead: boolean;
}

/** A binary min-heap of entries by one of their times. */
class TimeQueue {
  private readonly items: Entry[] = [];
  constructor(private readonly time: (e: Entry) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(e: Entry): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.time(a[parent]) <= this.time(a[i])) break;
      [a[parent], a[i]] = [a[i], a[parent]];
      i = parent;
    }
  }

  peek(): Entry | undefined {
    return this.items[0];
  }

  pop(): Entry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.time(a[l]) < this.time(a[m])) m = l;
        if (r < a.length && this.time(a[r]) < this.time(a[m])) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

export class TemporalFilter implements Operator {
  readonly name = "TemporalFilter";
  readonly stateFields = ["rows", "entering", "leaving", "pending", "now"] as const;
  private readonly from: CompiledExpr[];
  private readonly until: CompiledExpr[];
  private readonly rows = new Map<KeyPrimitive, Entry>();
  /** rows waiting to become visible, by `from` */
  private readonly entering = new TimeQueue((e) => e.from);
  /** visible rows, by `until` */
  private readonly leaving = new TimeQueue((e) => e.until);
  private pending: { chunk: Chunk; from: (number | null)[]; until: (number | null)[] }[] = [];
  private readonly out: ChunkBuilder;
  /** the clock at the last barrier, µs */
  private now = -Infinity;

  constructor(
    node: TemporalFilterNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {
    this.from = node.from.map(compileExpr);
    this.until = node.until.map(compileExpr);
    this.out = new ChunkBuilder(node.types as DataType[], (c) => this.emit({ kind: "chunk", chunk: c }));
  }

  /** rows held in state (sage_catalog.operators, EXPLAIN ANALYZE) */
  get stateRows(): number {
    return this.rows.size;
  }

  /** Rows held (visible or still to become visible). */
  get storedRows(): number {
    let n = 0;
    for (const e of this.rows.values()) n += e.count;
    return n;
  }

  push(_port: number, msg: Message): void {
    if (msg.kind === "chunk") {
      this.pending.push({ chunk: msg.chunk, from: this.bound(msg.chunk, this.from, Math.max), until: this.bound(msg.chunk, this.until, Math.min) });
      return;
    }
    if (msg.kind === "barrier") {
      this.now = Math.max(this.now, msg.epoch * 1000);
      this.applyPending();
      this.advance();
      this.out.flush();
      this.emit(msg);
    }
    // watermarks stop here: the clock can retract a row of any age later, so none holds below
  }

  /** Per row, the max (from) or min (until) of the bound expressions; null when one is NULL. */
  private bound(chunk: Chunk, exprs: CompiledExpr[], pick: (a: number, b: number) => number): (number | null)[] {
    const out: (number | null)[] = new Array(chunk.length).fill(pick === Math.max ? -Infinity : Infinity);
    for (const e of exprs) {
      const col = e(chunk, this.env.ctx, this.env.outer);
      for (let i = 0; i < chunk.length; i++) {
        const cur = out[i];
        if (cur === null) continue;
        const v = col.get(i) as number | null;
        out[i] = v === null ? null : pick(cur, v);
      }
    }
    return out;
  }

  private applyPending(): void {
    const pending = this.pending;
    this.pending = [];
    const now = this.now;
    for (const { chunk, from, until } of pending) {
      const keys = exactRowKeys(chunk.columns, chunk.length);
      for (let i = 0; i < chunk.length; i++) {
        const f = from[i];
        const u = until[i];
        // NULL bounds (comparisons with NULL) and intervals already over are never visible
        if (f === null || u === null || u <= now || f >= u) continue;
        const key = keys[i];
        let e = this.rows.get(key);
        if (chunk.op(i) > 0) {
          if (!e) {
            e = { key, row: chunk.row(i), from: f, until: u, count: 0, visible: f <= now, dead: false };
            this.rows.set(key, e);
            (e.visible ? this.leaving : this.entering).push(e);
          }
          e.count++;
          if (e.visible) this.out.appendValues(e.row, 1);
        } else if (e) {
          e.count--;
          if (e.visible) this.out.appendValues(e.row, -1);
          if (e.count === 0) {
            e.dead = true;
            this.rows.delete(key);
          }
        }
      }
    }
  }

  /** Moves the clock: rows whose interval begins appear, rows whose interval ends are retracted and dropped. */
  private advance(): void {
    const now = this.now;
    for (let e = this.entering.peek(); e !== undefined && (e.dead || e.from <= now); e = this.entering.peek()) {
      this.entering.pop();
      if (e.dead) continue;
      e.visible = true;
      this.leaving.push(e);
      for (let k = 0; k < e.count; k++) this.out.appendValues(e.row, 1);
    }
    for (let e = this.leaving.peek(); e !== undefined && (e.dead || e.until <= now); e = this.leaving.peek()) {
      this.leaving.pop();
      if (e.dead) continue;
      for (let k = 0; k < e.count; k++) this.out.appendValues(e.row, -1);
      e.dead = true;
      this.rows.delete(e.key);
    }
  }
}

// the queues are state (checkpoints): their key function is rebuilt with the operator
registerStateClasses(TimeQueue);
