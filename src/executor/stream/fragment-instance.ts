// FragmentInstance: one partition of one fragment of a partitioned dataflow (planner/fragments.ts),
// the unit a worker runs. Its leaves are change feeds of relations (it keeps only the rows whose
// vnode its partition owns), exchange receivers (rows other partitions sent it) and constants;
// its top is an exchange sender (to the next fragment's partitions) or, in a materialize fragment,
// the view's rows held by this partition. Everything is synchronous: a delivery runs through the
// operators and calls `emit` for what leaves towards other partitions.
// State: its operators' (snapshotState), and in a materialize fragment the rows it holds.

import type { Fragment, FragmentGraph } from "../../planner/fragments.js";
import type { ExchangeSourceNode } from "../../planner/physical-plan.js";
import { TableStore, type TableDelta } from "../../storage/index.js";
import type { Chunk } from "../../types/index.js";
import { buildGraph, type Graph } from "../graph.js";
import { isAsyncOperator, type ExecutionContext, type Message, type Operator, type SourceOperator } from "../message.js";
import { TemporalFilter } from "../operators/temporal-filter.js";
import { restoreObjects, snapshotObjects, type HasState } from "../state/index.js";
import { partitionOfVnode, relationVnodes, VNODE_COUNT } from "../vnode.js";
import { ChangeFeed } from "./change-feed.js";
import { ExchangeReceiver } from "./exchange-receiver.js";
import { ExchangeSender, type ExchangeEmit } from "./exchange-sender.js";
import { Materialize } from "./materialize.js";

export type { ExchangeEmit } from "./exchange-sender.js";

export type EpochListener = (epoch: number, changes: Chunk | null) => void;

/**
 * The view rows a materialize partition holds, checkpointed apart from its operators so that a
 * checkpoint can write them as a chain (table-chain.ts): a whole snapshot, then deltas of `store`.
 */
export interface ChainedRows {
  readonly store: TableStore;
  /** the rows whole */
  snapshot(): Uint8Array;
  /** a whole snapshot, then the deltas written after it in order; the store is then checkpointed (the next delta starts here) */
  restore(whole: Uint8Array, deltas: readonly TableDelta[]): void;
}

/** The materialized rows of a partition, as checkpoint state (the store is rebuilt empty, then merged into). */
class MaterializedRows implements HasState, ChainedRows {
  readonly name = "MaterializedRows";
  readonly stateFields = ["store"] as const;
  constructor(
    readonly store: TableStore,
    private readonly sink: Materialize,
  ) {}
  afterRestore(): void {
    this.sink.afterRestore();
  }
  snapshot(): Uint8Array {
    return snapshotObjects([this]);
  }
  restore(whole: Uint8Array, deltas: readonly TableDelta[]): void {
    restoreObjects([this], whole);
    for (const d of deltas) this.store.applyDelta(d);
    this.store.markCheckpointed();
    this.afterRestore();
  }
}

export class FragmentInstance {
  readonly fragment: Fragment;
  readonly sources: string[];
  private readonly graph: Graph;
  private readonly feeds = new Map<string, ChangeFeed[]>();
  private readonly receivers = new Map<number, ExchangeReceiver>();
  /** leaves barriers are injected into (change feeds, constants) */
  private readonly localSources: SourceOperator[] = [];
  private readonly sink: Operator;
  private readonly materialized: MaterializedRows | null = null;
  private readonly listeners: EpochListener[] = [];
  private readonly barrierListeners: ((epoch: number) => void)[] = [];
  /** epochs whose barrier reached the sink, not yet announced */
  private readonly passed: number[] = [];
  /**
   * senders (exchange:partition) whose barrier of the epoch in progress was delivered: what they
   * send next waits here until the epoch completed in this instance, so that its state at that
   * point holds exactly the epoch (a checkpoint can be taken there)
   */
  private readonly blocked = new Map<string, { exchange: number; from: number; queue: Message[] }>();
  private settling = false;
  /** which vnodes this partition owns (1), for the rows of relations it reads */
  private readonly owned: Uint8Array;
  /** input reached it since its operators were last snapshotted or restored */
  private inputSeen = true;
  /** its state can change without input (model calls answering later, the clock): never reuse a snapshot */
  private readonly changesWithoutInput: boolean;

  constructor(
    readonly graphSpec: FragmentGraph,
    fragmentId: number,
    readonly partition: number,
    ctx: ExecutionContext,
    emit: ExchangeEmit,
  ) {
    const fragment = graphSpec.fragments.find((f) => f.id === fragmentId);
    if (!fragment) throw new Error(`internal error: no fragment ${fragmentId}`);
    if (partition < 0 || partition >= fragment.parallelism) throw new Error(`internal error: fragment ${fragmentId} has no partition ${partition}`);
    this.fragment = fragment;
    this.sources = [...fragment.sources];
    this.owned = new Uint8Array(VNODE_COUNT);
    for (let v = 0; v < VNODE_COUNT; v++) this.owned[v] = partitionOfVnode(v, fragment.parallelism) === partition ? 1 : 0;
    const types = fragment.plan.types;
    if (fragment.output === "materialize") {
      const store = new TableStore([...types]);
      const sink = new Materialize(types, store, (changes, epoch) => {
        for (const l of this.listeners) l(epoch, changes);
      }, () => this.listeners.length > 0);
      this.sink = sink;
      this.materialized = new MaterializedRows(store, sink);
    } else {
      const out = graphSpec.exchanges[fragment.output.exchange];
      const targets = graphSpec.fragments.find((f) => f.id === out.to)!.parallelism;
      this.sink = new ExchangeSender(out.id, out.distribution, targets, emit);
    }
    const sink = this.sink;
    const toSink = (m: Message): void => {
      sink.push(0, m);
      if (m.kind !== "barrier") return;
      this.passed.push(m.epoch);
      // a barrier an async operator (model calls) lets through later, outside any delivery:
      // announced once the current work is done (inside a delivery, its end does it first)
      queueMicrotask(() => this.settle());
    };
    this.graph = buildGraph(fragment.plan, { ctx, outer: undefined }, toSink, {
      appendOnly: false,
      timing: false,
      scanSource: (node, e) => {
        const feed = new ChangeFeed(node, e);
        const list = this.feeds.get(node.relation);
        if (list) list.push(feed);
        else this.feeds.set(node.relation, [feed]);
        return feed;
      },
      exchangeSource: (node: ExchangeSourceNode, e) => {
        const edge = graphSpec.exchanges[node.exchange];
        const senders = graphSpec.fragments.find((f) => f.id === edge.from)!.parallelism;
        const r = new ExchangeReceiver(node, senders, e);
        this.receivers.set(node.exchange, r);
        return r;
      },
    });
    this.changesWithoutInput = this.graph.operators.some((op) => isAsyncOperator(op) || op instanceof TemporalFilter);
    for (const { source } of this.graph.sources) {
      if (source instanceof ExchangeReceiver) continue;
      this.localSources.push(source);
      if (source instanceof ChangeFeed) continue;
      // constants (VALUES, generate_series) produce their rows once, now (in a one-partition fragment)
      while (source.next()) {
        /* drain */
      }
    }
  }

  /**
   * All rows of a change to `relation` (all its columns); this partition keeps those of its vnodes.
   * `vnodes`: the rows' vnodes if the caller has them (relationVnodes with this fragment's
   * sourceKeys), so that the partitions of one fragment need not each compute them.
   */
  deliverRelation(relation: string, changes: Chunk, vnodes?: Uint8Array): void {
    const feeds = this.feeds.get(relation);
    if (!feeds || changes.length === 0) return;
    let mine = changes;
    if (this.fragment.parallelism > 1) {
      vnodes ??= relationVnodes(changes, this.fragment.sourceKeys[relation] ?? null);
      const keep = new Int32Array(changes.length);
      let k = 0;
      for (let i = 0; i < changes.length; i++) if (this.owned[vnodes[i]] === 1) keep[k++] = i;
      if (k === 0) return;
      if (k < changes.length) mine = changes.take(keep, k);
    }
    this.inputSeen = true;
    for (const feed of feeds) feed.deliver(mine);
  }

  /** A watermark of `relation` (every partition of a fragment reading it gets it). */
  deliverWatermark(relation: string, column: number, value: unknown): void {
    this.inputSeen = true;
    for (const feed of this.feeds.get(relation) ?? []) feed.deliverWatermark(column, value);
  }

  /**
   * A chunk, watermark or barrier that partition `fromPartition` of the upstream fragment sent over
   * `exchange` (in the order that sender sent them). What a sender sends after a barrier waits in
   * the instance until every input delivered that barrier and it passed through.
   */
  deliverExchange(exchange: number, fromPartition: number, msg: Message): void {
    this.receive(exchange, fromPartition, msg);
    this.settle();
  }

  private receive(exchange: number, from: number, msg: Message): void {
    const key = `${exchange}:${from}`;
    const waiting = this.blocked.get(key);
    if (waiting) {
      waiting.queue.push(msg);
      return;
    }
    const r = this.receivers.get(exchange);
    if (!r) throw new Error(`internal error: fragment ${this.fragment.id} does not read exchange ${exchange}`);
    if (msg.kind === "barrier") this.blocked.set(key, { exchange, from, queue: [] });
    else this.inputSeen = true;
    r.push(from, msg);
  }

  /** Announces the epochs that completed, then lets the senders' later messages in. */
  private settle(): void {
    if (this.settling) return;
    this.settling = true;
    try {
      while (this.passed.length > 0) {
        const epoch = this.passed.shift()!;
        for (const l of this.barrierListeners) l(epoch);
        // every input delivered this barrier: what waited behind it goes on, in each sender's order
        const waiting = [...this.blocked.values()];
        this.blocked.clear();
        for (const w of waiting) for (const m of w.queue) this.receive(w.exchange, w.from, m);
      }
    } finally {
      this.settling = false;
    }
  }

  /** Starts epoch `epoch` at its change feeds and constants (fragments that read only exchanges get barriers from upstream). */
  barrier(epoch: number): void {
    for (const s of this.localSources) s.push(0, { kind: "barrier", epoch, final: false });
    this.settle();
  }

  /**
   * Calls `listener` each time a barrier has passed through every operator of this instance, at a
   * point where its state holds exactly the epochs up to it: snapshotState() there is that
   * epoch's checkpoint (no message a sender sent after the barrier has entered yet).
   */
  onBarrier(listener: (epoch: number) => void): void {
    this.barrierListeners.push(listener);
  }

  /** Materialize fragments: called at each barrier with the net changes of the epoch to this partition's rows (null: none). */
  onEpoch(listener: EpochListener): void {
    this.listeners.push(listener);
  }

  /** Materialize fragments: the view rows this partition holds. */
  rows(): Chunk[] {
    if (!this.materialized) return [];
    const store = this.materialized.store;
    return [...store.scan(store.types.map((_, i) => i))];
  }

  private stateObjects(): HasState[] {
    const objs = [...this.graph.operators, this.sink] as HasState[];
    if (this.materialized) objs.push(this.materialized);
    return objs;
  }

  /** Its state (taken between barriers, when no message is in flight towards it). */
  snapshotState(): Uint8Array {
    return snapshotObjects(this.stateObjects());
  }

  /** Restores a snapshot into this instance, freshly built from the same graph, fragment and partition. */
  restoreState(bytes: Uint8Array): void {
    restoreObjects(this.stateObjects(), bytes);
  }

  /**
   * Incremental checkpoints take its state in two parts: the operators' (this), and in a
   * materialize fragment the view rows (`rowChain`), which are usually most of it and change little.
   */
  snapshotOperators(): Uint8Array {
    const bytes = snapshotObjects([...this.graph.operators, this.sink] as HasState[]);
    this.inputSeen = false;
    return bytes;
  }

  restoreOperators(bytes: Uint8Array): void {
    restoreObjects([...this.graph.operators, this.sink] as HasState[], bytes);
    this.inputSeen = false;
  }

  /** whether its operator state may differ from the last snapshotOperators() (or restoreOperators()) */
  get inputSinceSnapshot(): boolean {
    return this.inputSeen || this.changesWithoutInput;
  }

  /** materialize fragments: the view rows, checkpointed as a chain; null otherwise */
  get rowChain(): ChainedRows | null {
    return this.materialized;
  }
}
