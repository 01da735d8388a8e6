// SessionWindow: SESSION(rel, ts, gap [, key ...]) — each input row with the window_start and
// window_end of its session. Per partition (the key columns; none = the whole input), rows ordered
// by `ts` form one session while consecutive rows are less than `gap` apart; a session spans
// [first ts, last ts + gap). A row arriving between two sessions can bridge them (they merge); a
// deleted row can split one. Changes are applied at the barrier: every session whose bounds changed
// is retracted with its old bounds and inserted with its new ones, and rows of unchanged sessions
// pass as they are, so ad-hoc queries (one final barrier) and views compute the same sessions.
// A session is closed once a watermark on `ts` reaches its window_end (no later row can join
// it): with EMIT ON WINDOW CLOSE it is emitted then, once, final, and never before; either way its
// rows leave the state then. Rows with a NULL ts pass through with NULL bounds (no state).
// Watermarks out: on window_start and ts, min(watermark, earliest open session start); on
// window_end, min(watermark + gap, earliest open session end) — bounds of every row still to come.
// State: per partition, the distinct times in order and the rows at each time (with counts); the
// changes since the last barrier.

import type { SessionWindowNode } from "../../planner/physical-plan.js";
import type { Chunk, DataType } from "../../types/index.js";
import { ChunkBuilder } from "../chunk-builder.js";
import type { Emit, Message, Operator } from "../message.js";
import { exactRowKeys, type KeyPrimitive } from "../row-key.js";

interface RowCount {
  row: unknown[];
  count: number;
}

interface Partition {
  /** distinct times, ascending */
  times: number[];
  /** rows at each time, keyed by exact row value */
  rows: Map<number, Map<KeyPrimitive, RowCount>>;
}

interface Delta extends RowCount {
  ts: number;
  key: KeyPrimitive;
}

interface Session {
  start: number;
  end: number;
}

/** A session as it stood before the barrier's changes, with its rows (for retraction). */
interface OldSession extends Session {
  rows: RowCount[];
}

function lowerBound(a: readonly number[], v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SessionWindow implements Operator {
  readonly name = "SessionWindow";
  readonly stateFields = ["partitions", "pending", "watermark", "watermarkMoved", "sentStart", "sentEnd", "storedRows", "lateRows"] as const;
  private readonly partitions = new Map<KeyPrimitive, Partition>();
  private pending = new Map<KeyPrimitive, Map<KeyPrimitive, Delta>>();
  private readonly out: ChunkBuilder;
  private readonly width: number;
  private watermark: number | undefined = undefined;
  private watermarkMoved = false;
  private sentStart: number | undefined = undefined;
  private sentEnd: number | undefined = undefined;
  /** rows in state (EXPLAIN ANALYZE-style figures and memory tests) */
  storedRows = 0;
  /** rows that arrived behind the watermark (already counted at the stream; dropped here too) */
  lateRows = 0;

  constructor(
    private readonly node: SessionWindowNode,
    private readonly emit: Emit,
  ) {
    this.width = node.input.types.length;
    this.out = new ChunkBuilder(node.types as DataType[], (c) => this.emit({ kind: "chunk", chunk: c }));
  }

  get partitionCount(): number {
    return this.partitions.size;
  }

  push(_port: number, msg: Message): void {
    switch (msg.kind) {
      case "chunk":
        this.accept(msg.chunk);
        return;
      case "watermark":
        if (msg.column === this.node.timeColumn && typeof msg.value === "number" && (this.watermark === undefined || msg.value > this.watermark)) {
          this.watermark = msg.value;
          this.watermarkMoved = true;
        }
        return; // other columns' watermarks say nothing about sessions
      case "barrier": {
        // output watermarks move only with the input's or with changed sessions
        const changed = this.pending.size > 0 || this.watermarkMoved;
        this.applyPending();
        if (this.watermarkMoved || msg.final) this.closeSessions(msg.final);
        this.out.flush();
        if (changed) this.sendWatermarks();
        this.emit(msg);
        return;
      }
    }
  }

  private accept(chunk: Chunk): void {
    const n = chunk.length;
    const tsCol = chunk.columns[this.node.timeColumn];
    const rowKeys = exactRowKeys(chunk.columns, n);
    const partKeys = this.node.partitionBy.length > 0 ? exactRowKeys(this.node.partitionBy.map((c) => chunk.columns[c]), n) : null;
    for (let i = 0; i < n; i++) {
      const ts = tsCol.get(i) as number | null;
      const op = chunk.op(i);
      if (ts === null) {
        const row = chunk.row(i);
        row.push(null, null);
        this.out.appendValues(row, op);
        continue;
      }
      if (this.watermark !== undefined && ts < this.watermark && op > 0) {
        this.lateRows++;
        continue;
      }
      const pk = partKeys === null ? 0 : partKeys[i];
      let deltas = this.pending.get(pk);
      if (!deltas) {
        deltas = new Map();
        this.pending.set(pk, deltas);
      }
      const d = deltas.get(rowKeys[i]);
      if (d) d.count += op;
      else deltas.set(rowKeys[i], { row: chunk.row(i), count: op, ts, key: rowKeys[i] });
    }
  }

  private applyPending(): void {
    const pending = this.pending;
    this.pending = new Map();
    for (const [pk, deltas] of pending) {
      const list = [...deltas.values()].filter((d) => d.count !== 0);
      if (list.length === 0) continue;
      list.sort((a, b) => a.ts - b.ts);
      let p = this.partitions.get(pk);
      if (!p) {
        p = { times: [], rows: new Map() };
        this.partitions.set(pk, p);
      }
      this.applyPartition(p, list);
      if (p.times.length === 0) this.partitions.delete(pk);
    }
  }

  /** The index range [a, b] of the session holding times[i]. */
  private sessionAt(times: readonly number[], i: number): [number, number] {
    const gap = this.node.gap;
    let a = i;
    let b = i;
    while (a > 0 && times[a] - times[a - 1] < gap) a--;
    while (b + 1 < times.length && times[b + 1] - times[b] < gap) b++;
    return [a, b];
  }

  /** Sessions over times[a..b] (which start and end on session boundaries). */
  private sessionsIn(times: readonly number[], a: number, b: number): { start: number; end: number; a: number; b: number }[] {
    const out: { start: number; end: number; a: number; b: number }[] = [];
    let s = a;
    for (let i = a; i <= b; i++) {
      if (i === b || times[i + 1] - times[i] >= this.node.gap) {
        out.push({ start: times[s], end: times[i] + this.node.gap, a: s, b: i });
        s = i + 1;
      }
    }
    return out;
  }

  private applyPartition(p: Partition, deltas: Delta[]): void {
    if (this.node.emitOnWindowClose) {
      // nothing is emitted before a session closes: just keep the rows
      this.applyDeltas(p, deltas);
      return;
    }
    const gap = this.node.gap;
    const times = p.times;
    // 1. regions (time ranges) the changes can affect: the sessions just before and at each change
    const regions: { lo: number; hi: number }[] = [];
    for (const d of deltas) {
      const last = regions[regions.length - 1];
      if (last && d.ts <= last.hi) continue;
      let lo = d.ts;
      let hi = d.ts;
      const pos = lowerBound(times, d.ts);
      if (pos > 0) {
        const [a] = this.sessionAt(times, pos - 1);
        lo = Math.min(lo, times[a]);
        hi = Math.max(hi, times[pos - 1]);
      }
      if (pos < times.length) {
        const [, b] = this.sessionAt(times, pos);
        hi = Math.max(hi, times[b]);
      }
      // regions closer than the gap can end up in one session: treat them as one
      if (last && lo - last.hi < gap) {
        last.lo = Math.min(last.lo, lo);
        last.hi = Math.max(last.hi, hi);
      } else regions.push({ lo, hi });
    }
    // 2. the old sessions of each region, with their rows
    const oldByRegion: OldSession[][] = regions.map((r) => {
      const a = lowerBound(times, r.lo);
      const b = lowerBound(times, r.hi + 1) - 1;
      if (b < a) return [];
      return this.sessionsIn(times, a, b).map((s) => {
        const rows: RowCount[] = [];
        for (let i = s.a; i <= s.b; i++) for (const rc of p.rows.get(times[i])!.values()) rows.push({ row: rc.row, count: rc.count });
        return { start: s.start, end: s.end, rows };
      });
    });
    // 3. apply the changes
    this.applyDeltas(p, deltas);
    // 4. new sessions per region; emit what differs
    const nt = p.times;
    regions.forEach((r, ri) => {
      const a = lowerBound(nt, r.lo);
      const b = lowerBound(nt, r.hi + 1) - 1;
      const fresh = b >= a ? this.sessionsIn(nt, a, b) : [];
      const old = oldByRegion[ri];
      const oldKeys = new Set(old.map((s) => `${s.start}/${s.end}`));
      const newKeys = new Set(fresh.map((s) => `${s.start}/${s.end}`));
      for (const s of old) {
        if (newKeys.has(`${s.start}/${s.end}`)) continue;
        for (const rc of s.rows) this.emitRow(rc.row, s.start, s.end, -1, rc.count);
      }
      for (const s of fresh) {
        if (oldKeys.has(`${s.start}/${s.end}`)) continue;
        for (let i = s.a; i <= s.b; i++) for (const rc of p.rows.get(nt[i])!.values()) this.emitRow(rc.row, s.start, s.end, 1, rc.count);
      }
      // changes inside sessions whose bounds stayed: just the changed rows
      for (const d of deltas) {
        if (d.ts < r.lo || d.ts > r.hi) continue;
        const sessions: Session[] = d.count > 0 ? fresh : old;
        const s = sessions.find((x) => d.ts >= x.start && d.ts < x.end);
        if (!s || !(d.count > 0 ? oldKeys : newKeys).has(`${s.start}/${s.end}`)) continue;
        this.emitRow(d.row, s.start, s.end, d.count > 0 ? 1 : -1, Math.abs(d.count));
      }
    });
  }

  /** Applies net row changes (sorted by time) to a partition's rows and its list of times. */
  private applyDeltas(p: Partition, deltas: Delta[]): void {
    const added: number[] = [];
    let removedAny = false;
    for (const d of deltas) {
      let bucket = p.rows.get(d.ts);
      if (!bucket) {
        if (d.count < 0) continue; // a delete of a row no longer held (evicted behind the watermark)
        bucket = new Map();
        p.rows.set(d.ts, bucket);
        added.push(d.ts);
      }
      const rc = bucket.get(d.key);
      if (rc) {
        const before = rc.count;
        rc.count = Math.max(0, rc.count + d.count);
        this.storedRows += rc.count - before;
        if (rc.count === 0) bucket.delete(d.key);
      } else if (d.count > 0) {
        bucket.set(d.key, { row: d.row, count: d.count });
        this.storedRows += d.count;
      }
      if (bucket.size === 0) {
        p.rows.delete(d.ts);
        removedAny = true;
      }
    }
    // deltas come sorted by time, so `added` is sorted: merge it in (a splice or two for few)
    let times = p.times;
    if (added.length > 0 && added.length <= 4) {
      for (const t of added) times.splice(lowerBound(times, t), 0, t);
    } else if (added.length > 0) {
      const merged = new Array<number>(times.length + added.length);
      let i = 0;
      let j = 0;
      for (let k = 0; k < merged.length; k++) merged[k] = j >= added.length || (i < times.length && times[i] < added[j]) ? times[i++] : added[j++];
      times = merged;
    }
    p.times = removedAny ? times.filter((t) => p.rows.has(t)) : times;
  }

  private emitRow(row: unknown[], start: number, end: number, op: number, times: number): void {
    const w = this.width;
    for (let k = 0; k < times; k++) {
      for (let c = 0; c < w; c++) this.out.appendValue(c, row[c]);
      this.out.appendValue(w, start);
      this.out.appendValue(w + 1, end);
      this.out.finishRow(op);
    }
  }

  /** Drops (and with EOWC emits) every session a watermark on ts has closed; all of them at a final barrier. */
  private closeSessions(final: boolean): void {
    this.watermarkMoved = false;
    const wm = this.watermark;
    const emit = this.node.emitOnWindowClose === true;
    for (const [pk, p] of this.partitions) {
      const times = p.times;
      let cut = 0;
      while (cut < times.length) {
        const [, b] = this.sessionAt(times, cut);
        const end = times[b] + this.node.gap;
        if (!final && (wm === undefined || end > wm)) break;
        for (let i = cut; i <= b; i++) {
          for (const rc of p.rows.get(times[i])!.values()) {
            if (emit) this.emitRow(rc.row, times[cut], end, 1, rc.count);
            this.storedRows -= rc.count;
          }
          p.rows.delete(times[i]);
        }
        cut = b + 1;
      }
      if (cut === times.length) this.partitions.delete(pk);
      else if (cut > 0) p.times = times.slice(cut);
    }
  }

  /** Watermarks on window_start / ts and window_end: lower bounds of every row still to be emitted. */
  private sendWatermarks(): void {
    if (this.watermark === undefined) return;
    let start = this.watermark;
    let end = this.watermark + this.node.gap;
    for (const p of this.partitions.values()) {
      const [, b] = this.sessionAt(p.times, 0);
      start = Math.min(start, p.times[0]);
      end = Math.min(end, p.times[b] + this.node.gap);
    }
    if (this.sentStart === undefined || start > this.sentStart) {
      this.sentStart = start;
      this.emit({ kind: "watermark", column: this.node.timeColumn, value: start });
      this.emit({ kind: "watermark", column: this.width, value: start });
    }
    if (this.sentEnd === undefined || end > this.sentEnd) {
      this.sentEnd = end;
      this.emit({ kind: "watermark", column: this.width + 1, value: end });
    }
  }
}
