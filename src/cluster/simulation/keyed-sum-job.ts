// A small real job for testing the protocol without the SQL engine: `SELECT k, sum(v) FROM t
// GROUP BY k` as two fragments. Fragment 0 (source, 2 partitions) keeps the rows of its own hash
// range and routes each by hash(k) over exchange 0; fragment 1 (materialize, 3 partitions) sums
// per key, aligning barriers over both upstream partitions (input after a partition's barrier
// waits until every partition's arrived: Chandy-Lamport), so a snapshot is exactly an epoch.

import type { ClusterInstance, ClusterJob, ExchangeEmit } from "../cluster-job.js";
import type { Message } from "../../executor/message.js";
import { decodeState, encodeState } from "../../executor/state/index.js";
import { Chunk, Types } from "../../types/index.js";

const TYPES = [Types.integer, Types.integer];
const SOURCE_PARTITIONS = 2;
const SUM_PARTITIONS = 3;

function hashInt(x: number, salt: number): number {
  return (Math.imul((x | 0) ^ salt, 0x9e3779b1) >>> 0) ^ ((x | 0) >>> 16);
}

function partitionOf(values: readonly number[], n: number): number {
  let h = 17;
  for (const v of values) h = hashInt(v, h);
  return (h >>> 0) % n;
}

class KeyedSumSource implements ClusterInstance {
  readonly sources = ["t"];
  private seen = 0;
  constructor(
    private readonly partition: number,
    private readonly emit: ExchangeEmit,
  ) {}

  deliverRelation(_relation: string, changes: Chunk): void {
    const byTarget = new Map<number, { rows: unknown[][]; ops: number[] }>();
    for (let i = 0; i < changes.length; i++) {
      const row = changes.row(i) as number[];
      if (partitionOf(row, SOURCE_PARTITIONS) !== this.partition) continue;
      this.seen++;
      this.inputSinceSnapshot = true;
      const target = partitionOf([row[0]], SUM_PARTITIONS);
      let b = byTarget.get(target);
      if (b === undefined) byTarget.set(target, (b = { rows: [], ops: [] }));
      b.rows.push(row);
      b.ops.push(changes.op(i));
    }
    for (const [target, b] of byTarget) this.emit(0, target, { kind: "chunk", chunk: Chunk.fromRows(TYPES, b.rows, b.ops) });
  }

  deliverExchange(): void {
    throw new Error("the keyed-sum source has no inputs");
  }

  barrier(epoch: number): void {
    for (let p = 0; p < SUM_PARTITIONS; p++) this.emit(0, p, { kind: "barrier", epoch, final: false });
  }

  onEpoch(): void {}

  rows(): Chunk[] {
    return [];
  }

  readonly rowChain = null;
  inputSinceSnapshot = true;

  snapshotOperators(): Uint8Array {
    this.inputSinceSnapshot = false;
    return encodeState({ seen: this.seen });
  }

  restoreOperators(bytes: Uint8Array): void {
    this.inputSinceSnapshot = false;
    this.seen = (decodeState(bytes) as { seen: number }).seen;
  }
}

class KeyedSumMaterialize implements ClusterInstance {
  readonly sources: string[] = [];
  private sums = new Map<number, { sum: number; count: number }>();
  /** upstream partitions whose barrier of the current epoch arrived; their later input waits */
  private readonly blocked = new Set<number>();
  private readonly held: { from: number; msg: Message }[] = [];
  private readonly listeners: ((epoch: number, changes: Chunk | null) => void)[] = [];

  deliverRelation(): void {}

  deliverExchange(_exchange: number, from: number, msg: Message): void {
    if (this.blocked.has(from)) {
      this.held.push({ from, msg });
      return;
    }
    this.apply(from, msg);
  }

  private apply(from: number, msg: Message): void {
    if (msg.kind === "chunk") {
      const c = msg.chunk;
      this.inputSinceSnapshot = true;
      for (let i = 0; i < c.length; i++) {
        const [k, v] = c.row(i) as number[];
        const s = this.sums.get(k) ?? { sum: 0, count: 0 };
        s.sum += v * c.op(i);
        s.count += c.op(i);
        if (s.count === 0) this.sums.delete(k);
        else this.sums.set(k, s);
      }
      return;
    }
    if (msg.kind !== "barrier") return;
    this.blocked.add(from);
    if (this.blocked.size < SOURCE_PARTITIONS) return;
    this.blocked.clear();
    for (const l of this.listeners) l(msg.epoch, null);
    // release what waited, in order, until an upstream blocks again
    const held = this.held.splice(0);
    for (let i = 0; i < held.length; i++) {
      const h = held[i];
      if (this.blocked.has(h.from)) this.held.push(h);
      else this.apply(h.from, h.msg);
    }
  }

  barrier(): void {}

  onEpoch(listener: (epoch: number, changes: Chunk | null) => void): void {
    this.listeners.push(listener);
  }

  rows(): Chunk[] {
    const rows = [...this.sums].map(([k, s]) => [k, s.sum]);
    return [Chunk.fromRows(TYPES, rows)];
  }

  /** its rows are its sums: all of its state is operator state */
  readonly rowChain = null;
  inputSinceSnapshot = true;

  snapshotOperators(): Uint8Array {
    if (this.blocked.size > 0) throw new Error("keyed sum snapshotted mid-alignment");
    this.inputSinceSnapshot = false;
    return encodeState([...this.sums]);
  }

  restoreOperators(bytes: Uint8Array): void {
    this.inputSinceSnapshot = false;
    this.sums = new Map(decodeState(bytes) as [number, { sum: number; count: number }][]);
  }
}

export function keyedSumJob(view = "ksum"): ClusterJob {
  return {
    view,
    fragments: [
      { id: 0, parallelism: SOURCE_PARTITIONS, sources: ["t"], injectsBarriers: true, output: 0 },
      { id: 1, parallelism: SUM_PARTITIONS, sources: [], injectsBarriers: false, output: "materialize" },
    ],
    exchanges: [{ id: 0, from: 0, to: 1 }],
    createInstance: (fragment, partition, emit) => (fragment === 0 ? new KeyedSumSource(partition, emit) : new KeyedSumMaterialize()),
  };
}

/** the single-node answer: k, sum(v) over the final rows of t */
export function keyedSumAnswer(rows: readonly (readonly unknown[])[]): unknown[][] {
  const sums = new Map<number, { sum: number; count: number }>();
  for (const [k, v] of rows as [number, number][]) {
    const s = sums.get(k) ?? { sum: 0, count: 0 };
    s.sum += v;
    s.count++;
    sums.set(k, s);
  }
  return [...sums].map(([k, s]) => [k, s.sum]);
}
