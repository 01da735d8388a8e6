// The instances one worker runs in one generation: creates them, restores them from the
// assignment's committed epoch, follows the input log from that epoch's marker (source
// fragments), routes what they emit (to a local instance directly, to another worker over a
// credit-based exchange channel), snapshots each instance into the object store once it passed a
// barrier and acks it to the leader. Everything stops when the generation ends: its channels,
// followers and links die.
//
// Links: this worker dials each worker it sends to (a PeerLink whose hello names the generation)
// and runs an ExchangeEndpoint over it; a worker that dials us gets an endpoint on the accepted
// connection, with a receiving channel for each (exchange, its partition, ours) once our instances
// are restored. Until then no credit goes back, so nothing is sent early. Backpressure (who stops
// taking input, and why that cannot deadlock with barrier alignment): generation-flow.ts.

import type { Connection, LogFollower, LogMessage } from "./backbone.js";
import type { ClusterInstance, ClusterJob } from "./cluster-job.js";
import { type Assignment, PROTOCOL_VERSION, instanceKey, jobInstances, maxRowLinks } from "./cluster-records.js";
import { InstanceChain } from "./instance-checkpoint.js";
import type { Message } from "../executor/message.js";
import { MAX_TABLE_CHAIN, vnodeRange } from "../executor/index.js";
import type { Chunk } from "../types/index.js";
import { orderedInput } from "./ordered-input.js";
import { readSnapshotRows } from "./snapshot-rows.js";
import type { InputEvent } from "./input-scheme.js";
import { encodeChunk, type FrameHeader } from "./exchange-frames.js";
import { ExchangeEndpoint, type ExchangeReceiver, type ExchangeSender } from "./exchange-channel.js";
import { GenerationFlow } from "./generation-flow.js";
import type { FlowStats, NodeEnv, ResolvedOptions } from "./node-env.js";
import type { ControlFrame } from "./node-frames.js";
import { PeerLink } from "./peer-link.js";

interface Slot {
  /** view/f<fragment>p<partition> */
  key: string;
  job: ClusterJob;
  fragment: number;
  partition: number;
  instance: ClusterInstance;
  /** the last epoch snapshotted */
  lastPassed: number;
  /** source instances: epoch -> log sequence of its marker */
  markerSeq: Map<number, number>;
  /** what its checkpoints wrote so far (each writes only what changed) */
  chain: InstanceChain;
  /** its checkpoints' writes, in order: false once one failed (its chain is broken: no more acks) */
  written: Promise<boolean>;
}

/** an instance's input channel from one upstream partition of an exchange, as the flow names it */
function channelName(exchange: number, fromPartition: number): string {
  return `${exchange}:${fromPartition}`;
}

/** a checkpoint object's write is tried this many times before the instance gives up */
const PUT_ATTEMPTS = 4;
/** checkpoint object writes an instance keeps in flight */
const PUTS_AT_ONCE = 32;

export interface GenerationHost {
  readonly member: string;
  readonly env: NodeEnv;
  readonly options: ResolvedOptions;
  /** to the leader: acks and gathered changes */
  sendControl(frame: Extract<ControlFrame, { t: "ack" } | { t: "changes" }>): void;
}

export class WorkerGeneration {
  readonly generation: number;
  private readonly slots = new Map<string, Slot>();
  /** to each worker this one sends to: the link and the channels on it */
  private readonly outgoing = new Map<string, { link: PeerLink; endpoint: ExchangeEndpoint }>();
  /** sending channels by slot, exchange and target partition */
  private readonly senders = new Map<string, ExchangeSender>();
  /** connections from workers that send to this one (kept until the instances are ready) */
  private readonly incoming: { conn: Connection; member: string; generation: number; open: boolean }[] = [];
  private readonly receivers: ExchangeReceiver[] = [];
  private readonly flow = new GenerationFlow();
  private readonly stats: FlowStats;
  private readonly followers: LogFollower[] = [];
  private ready = false;
  private stopped = false;
  private readonly queue: (() => void)[] = [];
  private draining = false;

  constructor(
    readonly assignment: Assignment,
    private readonly host: GenerationHost,
    /** the jobs this assignment places */
    private readonly jobs: readonly ClusterJob[],
  ) {
    this.generation = assignment.generation;
    this.stats = { generation: this.generation, maxReceiverInbox: 0, maxSenderQueue: 0, inputPauses: 0, inputPausedMs: 0, framesIn: 0, framesOut: 0 };
  }

  private trace(line: string): void {
    this.host.env.trace?.(`${this.host.member} g${this.generation} ${line}`);
  }

  private slotKey(view: string, fragment: number, partition: number): string {
    return `${view}/${instanceKey(fragment, partition)}`;
  }

  /** creates and restores this worker's instances, then starts reading */
  async start(): Promise<void> {
    const { objects } = this.host.env.backbone;
    for (const job of this.jobs) {
      const placement = this.assignment.placement[job.view];
      if (placement === undefined) continue;
      const rowLinks = maxRowLinks(jobInstances(job).length, MAX_TABLE_CHAIN);
      for (const f of job.fragments) {
        const owners = placement[String(f.id)] ?? [];
        for (let p = 0; p < owners.length; p++) {
          if (owners[p] !== this.host.member) continue;
          const key = this.slotKey(job.view, f.id, p);
          const chain = new InstanceChain(job.view, f.id, p, rowLinks);
          const slot: Slot = { key, job, fragment: f.id, partition: p, instance: null as unknown as ClusterInstance, lastPassed: 0, markerSeq: new Map(), chain, written: Promise.resolve(true) };
          slot.instance = job.createInstance(f.id, p, (exchange, target, msg) => this.emit(slot, exchange, target, msg));
          const materializes = f.output === "materialize";
          slot.instance.onEpoch((epoch, changes) => {
            // the changes travel before the ack on the same link: a committed epoch's are all at the leader
            if (materializes && epoch > slot.lastPassed) this.sendChanges(slot, epoch, changes);
            this.passedBarrier(slot, epoch);
            this.flow.passed(key, epoch);
          });
          this.slots.set(key, slot);
        }
      }
    }
    // the instances on this worker that feed each other directly (backpressure sees through them)
    for (const slot of this.slots.values()) {
      for (const ex of slot.job.exchanges) {
        if (ex.from !== slot.fragment) continue;
        const owners = this.assignment.placement[slot.job.view]?.[String(ex.to)] ?? [];
        for (let q = 0; q < owners.length; q++) {
          if (owners[q] === this.host.member) this.flow.addLocalEdge(slot.key, this.slotKey(slot.job.view, ex.to, q), channelName(ex.id, slot.partition));
        }
      }
    }
    for (const slot of this.slots.values()) {
      const restore = this.assignment.restore[slot.job.view];
      const links = restore?.objects[instanceKey(slot.fragment, slot.partition)];
      if (restore === undefined || links === undefined) continue;
      // a missing object throws: this generation cannot be exact; it stalls and the leader starts another
      await slot.chain.restore(slot.instance, links, objects);
      if (this.stopped) return;
      slot.lastPassed = restore.epoch;
    }
    if (this.stopped) return;
    this.ready = true;
    this.trace(`started ${this.slots.size} instances`);
    for (const job of this.jobs) {
      const injects = new Set(job.fragments.filter((f) => f.injectsBarriers).map((f) => f.id));
      const sources = [...this.slots.values()].filter((s) => s.job === job && injects.has(s.fragment));
      if (sources.length === 0) continue;
      const restore = this.assignment.restore[job.view];
      this.followLog(job, sources, restore?.seq ?? 0, restore?.epoch ?? 0);
    }
    for (const peer of this.incoming) this.openChannels(peer);
  }

  private followLog(job: ClusterJob, sources: Slot[], afterSeq: number, afterEpoch: number): void {
    let lastEpoch = afterEpoch;
    let lastSeq = afterSeq;
    let term = 0;
    const { input } = this.host.options;
    const { clock } = this.host.env;
    let follower: LogFollower | null = null;
    let paused = false;
    // these sources read one log together: the reading stops while any of them is blocked, and
    // goes on once all their queues emptied (generation-flow.ts: why this cannot deadlock)
    const blocked = (drained: boolean): boolean => sources.some((s) => this.flow.blocked(s.key, drained));
    const pause = (): void => {
      paused = true;
      reader.pause();
      follower?.pause();
      this.stats.inputPauses++;
      const since = clock.now();
      void this.flow.whenFree(() => blocked(true)).then(() => {
        if (this.stopped) return;
        paused = false;
        this.stats.inputPausedMs += clock.now() - since;
        reader.resume();
        if (!paused) follower?.resume();
      });
    };
    const relations = new Set(sources.flatMap((s) => s.instance.sources));
    // in log order; a large write's body is fetched from the object store before what follows it
    const reader = orderedInput({
      scheme: input,
      relations,
      objects: this.host.env.backbone.objects,
      handle: (event, seq) => handle(event, seq),
      // without the body the view cannot be exact: this generation stalls (no later epoch passes)
      unreadable: (seq, e) => this.trace(`input message ${seq} of ${job.view} unreadable (${e.message}): this generation stalls`),
      retry: (then) => this.host.env.clock.setTimeout(then, this.host.options.timing.heartbeatMs),
    });
    const onMessage = (m: LogMessage): void => {
      if (this.stopped || m.seq <= lastSeq) return;
      lastSeq = m.seq;
      reader.push(m);
    };
    const handle = (event: Exclude<InputEvent, { kind: "fetch" }>, seq: number): void => {
      deliver(event, seq);
      if (!paused && !this.stopped && blocked(false)) pause();
    };
    const deliver = (event: Exclude<InputEvent, { kind: "fetch" }>, seq: number): void => {
      if (this.stopped || event === null) return;
      if (event.kind === "term") {
        term = Math.max(term, event.term);
        return;
      }
      if (event.kind === "marker") {
        const { epoch } = event;
        // a marker appended twice (a retried or deposed leader's append) is passed over
        if (epoch <= lastEpoch) return;
        lastEpoch = epoch;
        for (const s of sources) {
          s.markerSeq.set(epoch, seq);
          this.run(() => s.instance.barrier(epoch));
        }
        return;
      }
      // a deposed leader's write, appended after its successor's term marker, was never applied
      if (event.term < term) return;
      const { relation } = event;
      for (const s of sources) {
        if (!s.instance.sources.includes(relation)) continue;
        for (const c of event.changes) this.run(() => s.instance.deliverRelation(relation, c));
      }
    };
    const follow = (): void => {
      if (this.stopped) return;
      const f = this.host.env.backbone.log.follow(input.prefix, lastSeq + 1, onMessage, (e) => {
        if (this.stopped) return;
        this.trace(`log follower of ${job.view} lost (${e.message}): following again from ${lastSeq + 1}`);
        this.host.env.clock.setTimeout(() => {
          if (!this.stopped) follow();
        }, this.host.options.timing.heartbeatMs);
      });
      if (paused) f.pause();
      follower = f;
      this.followers.push(f);
    };
    // a view with nothing committed reads its tables' history: after a cut of the log, their rows as
    // of the assignment's snapshot (as +1 changes of its first epoch), then the log after it
    const snapshot = afterSeq === 0 ? this.assignment.snapshot : undefined;
    if (snapshot === undefined) return follow();
    lastSeq = snapshot.seq;
    readSnapshotRows(this.host.env.backbone.objects, snapshot.rows, relations).then(
      (rows) => {
        if (this.stopped) return;
        for (const [relation, changes] of rows) deliver({ kind: "changes", term: 0, relation, changes }, snapshot.seq);
        follow();
      },
      // without the history the view cannot be exact: this generation stalls, the leader starts another
      (e: Error) => this.trace(`snapshot at ${snapshot.seq} of ${job.view} unreadable (${e.message}): this generation stalls`),
    );
  }

  /** the vnodes of every partition this worker runs (of any fragment of any view) */
  vnodes(): number[] {
    const owned = new Set<number>();
    for (const slot of this.slots.values()) {
      const parallelism = slot.job.fragments.find((f) => f.id === slot.fragment)!.parallelism;
      const { first, end } = vnodeRange(slot.partition, parallelism);
      for (let v = first; v < end; v++) owned.add(v);
    }
    return [...owned].sort((a, b) => a - b);
  }

  /**
   * A worker that sends to this one connected for `generation` (this one's; an older one only in
   * the broken acceptStaleFrames variant): its channels open once the instances are ready.
   */
  acceptPeer(conn: Connection, member: string, generation: number): void {
    if (this.stopped) return conn.close();
    const peer = { conn, member, generation, open: false };
    this.incoming.push(peer);
    if (this.ready) this.openChannels(peer);
  }

  /** a receiving channel for every (exchange, sender partition on `member`, receiver partition here) */
  private openChannels(peer: { conn: Connection; member: string; generation: number; open: boolean }): void {
    if (peer.open) return;
    peer.open = true;
    const endpoint = this.exchangeEndpoint(peer.conn, peer.member);
    const stale = peer.generation !== this.generation;
    for (const job of this.jobs) {
      const placement = this.assignment.placement[job.view];
      if (placement === undefined) continue;
      for (const ex of job.exchanges) {
        const from = placement[String(ex.from)] ?? [];
        const to = placement[String(ex.to)] ?? [];
        for (let p = 0; p < from.length; p++) {
          // (an older generation's sender partitions may be anywhere)
          if (from[p] !== peer.member && !stale) continue;
          for (let q = 0; q < to.length; q++) {
            const dest = to[q] === this.host.member ? this.slots.get(this.slotKey(job.view, ex.to, q)) : undefined;
            if (dest === undefined) continue;
            const header: FrameHeader = { generation: peer.generation, view: job.view, exchange: ex.id, fromPartition: p, toPartition: q };
            this.receivers.push(endpoint.receiver(header, (msg) => this.consume(dest, ex.id, p, msg)));
          }
        }
      }
    }
  }

  /**
   * A message from another worker for `dest`. While `dest` is blocked, or this channel delivered a
   * barrier `dest` has not passed, it waits here, and with it the channel's later frames and credits.
   */
  private consume(dest: Slot, exchange: number, from: number, msg: Message): Promise<void> | undefined {
    const channel = channelName(exchange, from);
    const mustWait = (): boolean => !this.stopped && (this.flow.held(dest.key, channel) || this.flow.blocked(dest.key));
    const deliver = (): void => {
      if (this.stopped) return;
      this.stats.framesIn++;
      if (msg.kind === "barrier") this.flow.barrierDelivered(dest.key, channel, msg.epoch);
      this.run(() => dest.instance.deliverExchange(exchange, from, msg));
    };
    const slow = this.host.options.hooks.beforeRemoteDelivery?.(dest.job.view, dest.fragment, dest.partition);
    if (slow === undefined && !mustWait()) {
      deliver();
      return undefined;
    }
    return (async () => {
      if (slow !== undefined) await slow;
      while (mustWait()) await this.flow.whenFree(mustWait);
      deliver();
    })();
  }

  /**
   * Runs one delivery to an instance. Deliveries are queued, not nested: an instance emitting to a local one never re-enters an instance mid-push.
   */
  private run(deliver: () => void): void {
    this.queue.push(deliver);
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.stopped) this.queue.shift()!();
    } catch (e) {
      // a failing instance cannot go on exactly: the generation stops, the epoch times out
      this.trace(`instance failed: ${e instanceof Error ? e.message : String(e)}`);
      this.stop();
    } finally {
      this.draining = false;
      this.queue.length = 0;
    }
  }

  private emit(slot: Slot, exchange: number, target: number, msg: Message): void {
    if (this.stopped) return;
    if (msg.kind === "barrier") {
      this.passedBarrier(slot, msg.epoch);
      this.flow.passed(slot.key, msg.epoch);
    }
    const ex = slot.job.exchanges.find((e) => e.id === exchange);
    if (ex === undefined) throw new Error(`${slot.job.view}: fragment ${slot.fragment} emitted to unknown exchange ${exchange}`);
    const owner = this.assignment.placement[slot.job.view]?.[String(ex.to)]?.[target];
    if (owner === undefined) throw new Error(`${slot.job.view}: no owner for fragment ${ex.to} partition ${target}`);
    if (owner === this.host.member) {
      const dest = this.slots.get(this.slotKey(slot.job.view, ex.to, target))!;
      if (msg.kind === "barrier") this.flow.barrierDelivered(dest.key, channelName(exchange, slot.partition), msg.epoch);
      this.run(() => dest.instance.deliverExchange(exchange, slot.partition, msg));
      return;
    }
    this.stats.framesOut++;
    // never drops while the link holds; past its bound the slot is blocked and its input stops
    this.sender(slot, owner, exchange, target).offer(msg);
  }

  private sender(slot: Slot, owner: string, exchange: number, target: number): ExchangeSender {
    const key = `${slot.key}|${exchange}|${target}`;
    let s = this.senders.get(key);
    if (s === undefined) {
      const header: FrameHeader = { generation: this.generation, view: slot.job.view, exchange, fromPartition: slot.partition, toPartition: target };
      s = this.endpoint(owner).sender(header);
      this.senders.set(key, s);
      this.flow.addSender(slot.key, s);
    }
    return s;
  }

  private endpoint(member: string): ExchangeEndpoint {
    let out = this.outgoing.get(member);
    if (out === undefined) {
      const address = this.assignment.members[member];
      const hello: ControlFrame = { t: "hello", version: PROTOCOL_VERSION, token: this.host.options.token, member: this.host.member, role: "worker", generation: this.generation };
      const link = new PeerLink(this.host.env.network, address, hello, (reason) => {
        this.trace(`link to ${member} broken (${reason}): this generation stalls`);
        // its channels closed (offers into them are dropped): nobody waits on them any more
        this.flow.wake();
      });
      // credits come back on the link; a `refused` (control frame) is followed by the link closing
      this.outgoing.set(member, (out = { link, endpoint: this.exchangeEndpoint(link, member, () => this.flow.wake()) }));
    }
    return out.endpoint;
  }

  /** the exchange channels over a link with `member` (either direction), with this generation's window and codec */
  private exchangeEndpoint(conn: Connection, member: string, onDrain?: () => void): ExchangeEndpoint {
    const { flow: f, codec } = this.host.options;
    return new ExchangeEndpoint(conn, { window: f.window, maxQueued: f.maxQueued, codec, onOtherFrame: () => {}, ...(onDrain !== undefined ? { onDrain } : {}) }, (e) => {
      // a frame that does not decode: nothing after it can be trusted, the generation stalls
      this.trace(`bad exchange frame from ${member} (${e instanceof Error ? e.message : String(e)}): this generation stalls`);
      conn.close();
    });
  }

  /**
   * The instance just passed `epoch`'s barrier (it emits the barrier, or its materialize completed
   * the epoch): snapshotting NOW, inside that call, is its state at the barrier exactly, before any
   * input that waited behind the barrier (alignment) is let through.
   */
  private passedBarrier(slot: Slot, epoch: number): void {
    if (epoch <= slot.lastPassed) return;
    slot.lastPassed = epoch;
    if (epoch % this.host.options.timing.checkpointEveryEpochs !== 0) {
      slot.markerSeq.delete(epoch);
      return;
    }
    // only the parts that changed since its previous checkpoint are written; `links` restores it all
    const { puts, links } = slot.chain.take(slot.instance, this.generation, epoch);
    const view = slot.job.view;
    const seq = slot.markerSeq.get(epoch) ?? -1;
    slot.markerSeq.delete(epoch);
    // acked only once this checkpoint's objects AND the earlier ones its chain names are stored
    slot.written = slot.written.then(async (ok) => {
      if (!ok) return false;
      // an operator state's changed chunks can be hundreds: some at a time
      for (let i = 0; i < puts.length; i += PUTS_AT_ONCE) {
        const stored = await Promise.all(puts.slice(i, i + PUTS_AT_ONCE).map(({ name, bytes }) => this.putObject(name, bytes)));
        if (!stored.every((s) => s)) return false;
      }
      return true;
    });
    void slot.written.then((ok) => {
      if (ok && !this.stopped) this.host.sendControl({ t: "ack", member: this.host.member, generation: this.generation, view, fragment: slot.fragment, partition: slot.partition, epoch, seq, links });
    });
  }

  /**
   * Writes one checkpoint object, trying again a few times (a write can fail on a loaded NATS).
   * False when it never succeeded: its instance then acks nothing more in this generation (its
   * chain lacks a link), the epoch times out and the leader starts a new generation.
   */
  private async putObject(name: string, bytes: Uint8Array): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) return false;
      try {
        await this.host.env.backbone.objects.put(name, bytes);
        return true;
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        if (attempt >= PUT_ATTEMPTS) {
          this.trace(`checkpoint ${name} failed ${attempt} times (${why}): this instance acks no more checkpoints in this generation`);
          return false;
        }
        this.trace(`checkpoint ${name} failed (${why}): trying again`);
        await new Promise<void>((resolve) => this.host.env.clock.setTimeout(resolve, this.host.options.timing.heartbeatMs));
      }
    }
  }

  private sendChanges(slot: Slot, epoch: number, changes: Chunk | null): void {
    const chunk = changes === null || changes.length === 0 ? null : Buffer.from(encodeChunk(changes)).toString("base64");
    this.host.sendControl({ t: "changes", member: this.host.member, generation: this.generation, view: slot.job.view, partition: slot.partition, epoch, chunk });
  }

  /** the connections of workers sending to this one */
  peers(): { conn: Connection; member: string; generation: number }[] {
    return this.incoming.map(({ conn, member, generation }) => ({ conn, member, generation }));
  }

  /** what this generation saw of backpressure so far */
  flowStats(): FlowStats {
    for (const r of this.receivers) this.stats.maxReceiverInbox = Math.max(this.stats.maxReceiverInbox, r.maxInbox);
    for (const s of this.senders.values()) this.stats.maxSenderQueue = Math.max(this.stats.maxSenderQueue, s.maxQueue);
    return { ...this.stats };
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.flow.stop();
    for (const f of this.followers) f.close();
    for (const { link } of this.outgoing.values()) link.close();
    // (the broken acceptStaleFrames variant hands them to the next generation instead)
    if (this.host.options.broken.acceptStaleFrames !== true) for (const { conn } of this.incoming) conn.close();
    this.host.options.hooks.generationStopped?.(this.host.member, this.flowStats());
    this.slots.clear();
    this.trace("stopped");
  }
}
