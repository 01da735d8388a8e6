// The instances one worker runs in one generation: creates them, restores them from the
// assignment's committed epoch, follows the input log from that epoch's marker (source
// fragments), routes what they emit (to a local instance directly, to another worker over a
// PeerLink), snapshots each instance into the object store once it passed a barrier and acks it
// to the leader. Everything stops when the generation ends: its frames, followers and links die.

import type { LogFollower, LogMessage } from "./backbone.js";
import type { ClusterInstance, ClusterJob } from "./cluster-job.js";
import { type Assignment, PROTOCOL_VERSION, instanceKey, jobInstances, maxRowLinks } from "./cluster-records.js";
import { InstanceChain } from "./instance-checkpoint.js";
import type { Message } from "../executor/message.js";
import { MAX_TABLE_CHAIN, vnodeRange } from "../executor/index.js";
import type { Chunk } from "../types/index.js";
import { orderedInput } from "./ordered-input.js";
import type { InputEvent } from "./input-scheme.js";
import { encodeChunk } from "./exchange-frames.js";
import type { NodeEnv, ResolvedOptions } from "./node-env.js";
import { type ControlFrame, type ExchangeFrame, encodeExchange } from "./node-frames.js";
import { PeerLink } from "./peer-link.js";

interface Slot {
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

/** a checkpoint object's write is tried this many times before the instance gives up */
const PUT_ATTEMPTS = 4;

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
  private readonly links = new Map<string, PeerLink>();
  private readonly followers: LogFollower[] = [];
  private buffered: ExchangeFrame[] = [];
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
          const chain = new InstanceChain(job.view, f.id, p, rowLinks);
          const slot: Slot = { job, fragment: f.id, partition: p, instance: null as unknown as ClusterInstance, lastPassed: 0, markerSeq: new Map(), chain, written: Promise.resolve(true) };
          slot.instance = job.createInstance(f.id, p, (exchange, target, msg) => this.emit(slot, exchange, target, msg));
          const materializes = f.output === "materialize";
          slot.instance.onEpoch((epoch, changes) => {
            // the changes travel before the ack on the same link: a committed epoch's are all at the leader
            if (materializes && epoch > slot.lastPassed) this.sendChanges(slot, epoch, changes);
            this.passedBarrier(slot, epoch);
          });
          this.slots.set(this.slotKey(job.view, f.id, p), slot);
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
    const pending = this.buffered;
    this.buffered = [];
    for (const f of pending) this.deliverFrame(f);
  }

  private followLog(job: ClusterJob, sources: Slot[], afterSeq: number, afterEpoch: number): void {
    let lastEpoch = afterEpoch;
    let lastSeq = afterSeq;
    let term = 0;
    const { input } = this.host.options;
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
      const f = this.host.env.backbone.log.follow(input.prefix, lastSeq + 1, onMessage, (e) => {
        if (this.stopped) return;
        this.trace(`log follower of ${job.view} lost (${e.message}): following again from ${lastSeq + 1}`);
        this.host.env.clock.setTimeout(() => {
          if (!this.stopped) follow();
        }, this.host.options.timing.heartbeatMs);
      });
      this.followers.push(f);
    };
    follow();
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

  /** an exchange frame addressed to this worker (already checked to be of this generation) */
  onExchangeFrame(frame: ExchangeFrame): void {
    if (this.stopped) return;
    if (!this.ready) {
      this.buffered.push(frame);
      return;
    }
    this.deliverFrame(frame);
  }

  private deliverFrame(frame: ExchangeFrame): void {
    const job = this.jobs.find((j) => j.view === frame.view);
    const ex = job?.exchanges.find((e) => e.id === frame.exchange);
    const slot = ex === undefined ? undefined : this.slots.get(this.slotKey(frame.view, ex.to, frame.to));
    if (slot === undefined) {
      this.trace(`dropped a frame for ${frame.view} x${frame.exchange} p${frame.to}: not placed here`);
      return;
    }
    this.run(() => slot.instance.deliverExchange(frame.exchange, frame.from, frame.msg));
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
    if (msg.kind === "barrier") this.passedBarrier(slot, msg.epoch);
    const ex = slot.job.exchanges.find((e) => e.id === exchange);
    if (ex === undefined) throw new Error(`${slot.job.view}: fragment ${slot.fragment} emitted to unknown exchange ${exchange}`);
    const owner = this.assignment.placement[slot.job.view]?.[String(ex.to)]?.[target];
    if (owner === undefined) throw new Error(`${slot.job.view}: no owner for fragment ${ex.to} partition ${target}`);
    const frame: ExchangeFrame = { generation: this.generation, view: slot.job.view, exchange, from: slot.partition, to: target, msg };
    if (owner === this.host.member) {
      const dest = this.slots.get(this.slotKey(slot.job.view, ex.to, target))!;
      this.run(() => dest.instance.deliverExchange(exchange, slot.partition, msg));
      return;
    }
    this.link(owner).send(encodeExchange(this.host.options.codec, frame));
  }

  private link(member: string): PeerLink {
    let link = this.links.get(member);
    if (link === undefined) {
      const address = this.assignment.members[member];
      const hello: ControlFrame = { t: "hello", version: PROTOCOL_VERSION, token: this.host.options.token, member: this.host.member, role: "worker" };
      link = new PeerLink(this.host.env.network, address, hello, (reason) => this.trace(`link to ${member} broken (${reason}): this generation stalls`));
      this.links.set(member, link);
    }
    return link;
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
      const stored = await Promise.all(puts.map(({ name, bytes }) => this.putObject(name, bytes)));
      return stored.every((s) => s);
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

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const f of this.followers) f.close();
    for (const l of this.links.values()) l.close();
    this.slots.clear();
    this.buffered = [];
    this.trace("stopped");
  }
}
