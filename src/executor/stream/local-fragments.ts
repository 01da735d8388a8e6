// LocalFragmentRunner: every partition instance of a FragmentGraph in one process, exchanges wired
// in memory. It is the reference the cluster (and its simulation) is checked against: the union of
// its materialize partitions' rows must equal what one Dataflow computes from the same input.
// Messages between instances wait in one FIFO queue per (exchange, sending partition, receiving
// partition), so each sender's order is kept; with a seed, the queue served next is picked at
// random, which reorders deliveries between different senders as a network may.

import type { FragmentGraph } from "../../planner/fragments.js";
import { injectsBarriers } from "../../planner/fragments.js";
import type { Chunk } from "../../types/index.js";
import type { ExecutionContext, Message } from "../message.js";
import { relationVnodes } from "../vnode.js";
import { FragmentInstance } from "./fragment-instance.js";

interface Queue {
  exchange: number;
  from: number;
  to: number;
  messages: Message[];
  head: number;
}

export interface LocalFragmentOptions {
  /** reorder deliveries between senders with this seed (absent: first come, first served) */
  shuffleSeed?: number;
}

export class LocalFragmentRunner {
  /** instances[fragment id][partition] */
  private instances: FragmentInstance[][] = [];
  private readonly queues = new Map<string, Queue>();
  /** queues holding messages, in the order they became non-empty */
  private ready: Queue[] = [];
  private rng: (() => number) | null;
  private readonly listeners: ((epoch: number, changes: Chunk[]) => void)[] = [];
  private epochChanges = new Map<number, { partitions: number; changes: Chunk[] }>();
  /** messages delivered between instances (all time) */
  exchanged = 0;

  constructor(
    readonly graph: FragmentGraph,
    private readonly ctx: ExecutionContext,
    options: LocalFragmentOptions = {},
  ) {
    this.rng = options.shuffleSeed === undefined ? null : mulberry32(options.shuffleSeed);
    this.build();
  }

  private build(): void {
    this.queues.clear();
    this.ready = [];
    this.epochChanges.clear();
    // an async operator (remote model calls) emits after its push returned: deliver what it sent
    const ctx: ExecutionContext = {
      ...this.ctx,
      asyncEmitted: () => {
        this.ctx.asyncEmitted?.();
        queueMicrotask(() => this.pump());
      },
    };
    this.instances = this.graph.fragments.map((f) =>
      Array.from({ length: f.parallelism }, (_, p) => {
        const inst = new FragmentInstance(this.graph, f.id, p, ctx, (exchange, target, msg) => this.enqueue(exchange, p, target, msg));
        if (f.output === "materialize") inst.onEpoch((epoch, changes) => this.partitionEpoch(epoch, changes));
        return inst;
      }),
    );
  }

  private get materializeParallelism(): number {
    return this.graph.fragments.filter((f) => f.output === "materialize").reduce((n, f) => n + f.parallelism, 0);
  }

  private partitionEpoch(epoch: number, changes: Chunk | null): void {
    let e = this.epochChanges.get(epoch);
    if (!e) this.epochChanges.set(epoch, (e = { partitions: 0, changes: [] }));
    e.partitions++;
    if (changes && changes.length > 0) e.changes.push(changes);
    if (e.partitions === this.materializeParallelism) {
      this.epochChanges.delete(epoch);
      for (const l of this.listeners) l(epoch, e.changes);
    }
  }

  private enqueue(exchange: number, from: number, to: number, msg: Message): void {
    const key = `${exchange}:${from}:${to}`;
    let q = this.queues.get(key);
    if (!q) this.queues.set(key, (q = { exchange, from, to, messages: [], head: 0 }));
    if (q.head === q.messages.length) this.ready.push(q);
    q.messages.push(msg);
  }

  /** Delivers queued messages until none is left. */
  private pump(): void {
    while (this.ready.length > 0) {
      const i = this.rng ? Math.floor(this.rng() * this.ready.length) : 0;
      const q = this.ready[i];
      const msg = q.messages[q.head++];
      if (q.head === q.messages.length) {
        q.messages = [];
        q.head = 0;
        this.ready.splice(i, 1);
      }
      this.exchanged++;
      const to = this.graph.exchanges[q.exchange].to;
      this.instances[to][q.to].deliverExchange(q.exchange, q.from, msg);
    }
  }

  /** The instances of fragment `id`, by partition. */
  partitions(id: number): readonly FragmentInstance[] {
    return this.instances[id];
  }

  /** Relations the graph reads. */
  get inputs(): string[] {
    return [...new Set(this.graph.fragments.flatMap((f) => f.sources))];
  }

  deliver(relation: string, changes: Chunk): void {
    for (const f of this.graph.fragments) {
      if (!f.sources.includes(relation)) continue;
      // computed once for all partitions of the fragment
      const vnodes = f.parallelism > 1 ? relationVnodes(changes, f.sourceKeys[relation] ?? null) : undefined;
      for (const inst of this.instances[f.id]) inst.deliverRelation(relation, changes, vnodes);
    }
    this.pump();
  }

  deliverWatermark(relation: string, column: number, value: unknown): void {
    for (const f of this.graph.fragments) {
      if (!f.sources.includes(relation)) continue;
      for (const inst of this.instances[f.id]) inst.deliverWatermark(relation, column, value);
    }
    this.pump();
  }

  /** Moves every fragment to epoch `epoch`; when it returns, the materialize partitions have completed it. */
  barrier(epoch: number): void {
    for (const f of this.graph.fragments) {
      if (!injectsBarriers(f)) continue;
      for (const inst of this.instances[f.id]) inst.barrier(epoch);
    }
    this.pump();
  }

  /** Calls `listener` at each completed epoch with the net changes of every materialize partition. */
  onEpoch(listener: (epoch: number, changes: Chunk[]) => void): void {
    this.listeners.push(listener);
  }

  /** The view's rows: the union of the materialize partitions'. */
  rows(): Chunk[] {
    return this.graph.fragments.filter((f) => f.output === "materialize").flatMap((f) => this.instances[f.id].flatMap((i) => i.rows()));
  }

  /** Every instance's state, by fragment and partition (taken between barriers). */
  snapshot(): Uint8Array[][] {
    return this.instances.map((parts) => parts.map((i) => i.snapshotState()));
  }

  /** Rebuilds every instance from the graph and restores a snapshot() into them. */
  restore(state: Uint8Array[][]): void {
    this.build();
    this.instances.forEach((parts, f) => parts.forEach((inst, p) => inst.restoreState(state[f][p])));
    // what constants emitted while being rebuilt is in the restored state already
    this.queues.clear();
    this.ready = [];
  }
}

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
