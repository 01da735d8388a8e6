// A worker: joins the cluster as a member (a TTL KV record renewed by compare-and-set every
// heartbeat), says hello to the leader, and runs the instances the current generation's
// assignment places on it (worker-generation.ts). A renewal that fails means the lease expired
// while this process was paused or cut off: the worker is FENCED (the leader has already given
// its partitions to others), drops everything and joins again as a new member.

import { type Connection, type KeyValueBucket, KvConflictError } from "./backbone.js";
import {
  type Assignment,
  KEY_ASSIGNMENT,
  KEY_LEADER,
  type LeaderRecord,
  PROTOCOL_VERSION,
  type WorkerRecord,
  decodeRecord,
  encodeRecord,
} from "./cluster-records.js";
import { type ClusterOptions, type NodeEnv, type ResolvedOptions, openClusterBuckets, resolveOptions } from "./node-env.js";
import { type ControlFrame, decodeControl, encodeControl, helloProblem } from "./node-frames.js";
import { PeerLink } from "./peer-link.js";
import { WorkerGeneration } from "./worker-generation.js";
import type { ClusterJob } from "./cluster-job.js";

/** a worker that connected to send us a generation's exchange channels */
interface EarlyPeer {
  conn: Connection;
  member: string;
  generation: number;
}

/** the coordinator refused this worker (another protocol version, a wrong cluster token) */
export class WorkerRefusedError extends Error {
  override name = "WorkerRefusedError";
}

export class ClusterWorker {
  readonly options: ResolvedOptions;
  private address = "";
  private workers!: KeyValueBucket;
  private leaderBucket!: KeyValueBucket;
  private cluster!: KeyValueBucket;
  /** the current membership (null: not joined) */
  private lease: { member: string; revision: number; count: number } | null = null;
  private leaderLink: { address: string; link: PeerLink; welcomed: boolean } | null = null;
  private current: WorkerGeneration | null = null;
  private seenGeneration = 0;
  /** links from peers for a generation this worker has not started yet */
  private early: EarlyPeer[] = [];
  /** the broken acceptStaleFrames variant: the last generation's links from peers, for the next one */
  private stale: EarlyPeer[] = [];
  private closed = false;
  private ticking = false;
  /** set when refused: the worker stopped for good */
  failure: Error | null = null;
  /** settles once a refused worker has taken its membership record out of KV (or failed to) */
  left: Promise<void> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly env: NodeEnv,
    options: ClusterOptions,
  ) {
    this.options = resolveOptions(options);
  }

  /** where peers reach this worker's data plane (known once started) */
  get listenAddress(): string {
    return this.address;
  }

  get member(): string {
    return this.lease?.member ?? "";
  }

  private trace(line: string): void {
    this.env.trace?.(`worker ${this.id} ${line}`);
  }

  async start(): Promise<void> {
    this.address = await this.env.network.listen((c) => this.accept(c));
    const buckets = await openClusterBuckets(this.env, this.options.timing);
    if (this.closed) return;
    this.workers = buckets.workers;
    this.leaderBucket = buckets.leader;
    this.cluster = buckets.cluster;
    void this.tick();
  }

  close(): void {
    this.closed = true;
    this.dropGeneration("closed");
    this.dropEarlyPeers(() => true);
    this.leaderLink?.link.close();
  }

  private async tick(): Promise<void> {
    if (this.closed || this.ticking) return;
    this.ticking = true;
    try {
      await this.heartbeat();
      if (this.lease !== null && !this.closed) await this.followLeader();
      if (this.lease !== null && !this.closed) await this.followAssignment();
    } catch (e) {
      this.trace(`tick failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.ticking = false;
      if (!this.closed) this.env.clock.setTimeout(() => void this.tick(), this.options.timing.heartbeatMs);
    }
  }

  /** joins, or renews the lease by compare-and-set; a lost CAS fences this worker */
  private async heartbeat(): Promise<void> {
    if (this.lease === null) {
      const member = `${this.id}@${this.env.clock.now()}`;
      const record: WorkerRecord = { member, address: this.address, version: PROTOCOL_VERSION, lease: 0, vnodes: [], state: "idle", heartbeat: this.env.clock.now() };
      try {
        const revision = await this.workers.create(this.id, encodeRecord(record));
        if (this.closed) return;
        this.lease = { member, revision, count: 0 };
        this.trace(`joined as ${member}`);
      } catch (e) {
        // our previous membership's lease has not run out yet: wait for it
        if (!(e instanceof KvConflictError)) throw e;
      }
      return;
    }
    const lease = this.lease;
    const record: WorkerRecord = {
      member: lease.member,
      address: this.address,
      version: PROTOCOL_VERSION,
      lease: lease.count + 1,
      vnodes: this.current?.vnodes() ?? [],
      state: this.current === null ? "idle" : "running",
      heartbeat: this.env.clock.now(),
    };
    try {
      const revision = await this.workers.update(this.id, encodeRecord(record), lease.revision);
      if (this.lease !== lease) return;
      lease.revision = revision;
      lease.count++;
    } catch (e) {
      if (!(e instanceof KvConflictError) || this.lease !== lease) throw e;
      this.fence();
    }
  }

  private fence(): void {
    this.trace(`fenced: lease of ${this.member} lost`);
    this.lease = null;
    this.dropGeneration("fenced");
    this.dropEarlyPeers(() => true);
    this.leaderLink?.link.close();
    this.leaderLink = null;
  }

  private dropGeneration(why: string): void {
    if (this.current === null) return;
    this.trace(`drops generation ${this.current.generation} (${why})`);
    this.current.stop();
    if (this.options.broken.acceptStaleFrames === true) this.stale = this.current.peers();
    this.current = null;
  }

  /** keeps a welcomed control link to the current leader (acks travel on it) */
  private async followLeader(): Promise<void> {
    const entry = await this.leaderBucket.get(KEY_LEADER);
    if (entry === null || this.closed || this.lease === null) return;
    const leader = decodeRecord<LeaderRecord>(entry.value);
    const cur = this.leaderLink;
    if (cur !== null && cur.address === leader.address && !cur.link.isBroken) return;
    cur?.link.close();
    const hello: ControlFrame = { t: "hello", version: PROTOCOL_VERSION, token: this.options.token, member: this.member, role: "worker" };
    const state = { address: leader.address, link: null as unknown as PeerLink, welcomed: false };
    state.link = new PeerLink(this.env.network, leader.address, hello, (reason) => {
      this.trace(`leader link lost (${reason})`);
      // the data plane's handshake refused us (no cluster token, another version): retrying cannot help
      if (/refused/.test(reason) && /token|version/.test(reason)) this.refused(reason);
    }, (bytes) => {
      const f = decodeControl(bytes);
      if (f?.t === "welcome") state.welcomed = true;
      else if (f?.t === "refused") this.refused(f.reason);
    });
    this.leaderLink = state;
  }

  private refused(reason: string): void {
    this.failure = new WorkerRefusedError(`worker ${this.id} refused by the coordinator: ${reason}`);
    this.trace(this.failure.message);
    const lease = this.lease;
    this.close();
    if (lease !== null) this.left = this.workers.delete(this.id).catch(() => undefined);
  }

  private async followAssignment(): Promise<void> {
    const entry = await this.cluster.get(KEY_ASSIGNMENT);
    if (entry === null || this.closed || this.lease === null) return;
    const a = decodeRecord<Assignment>(entry.value);
    if (a.generation <= this.seenGeneration) return;
    this.seenGeneration = a.generation;
    this.dropGeneration(`generation ${a.generation} assigned`);
    if (a.members[this.member] === undefined) {
      this.dropEarlyPeers((p) => p.generation <= a.generation);
      return;
    }
    let jobs: readonly ClusterJob[];
    try {
      jobs = await this.options.jobs.forAssignment(a);
    } catch (e) {
      // a job this worker cannot build: it runs nothing this generation (the epoch times out, the leader retries)
      this.trace(`cannot build the jobs of generation ${a.generation}: ${e instanceof Error ? e.message : String(e)}`);
      this.seenGeneration = a.generation - 1;
      return;
    }
    if (this.closed || this.lease === null || this.seenGeneration !== a.generation) return;
    const early = this.early.filter((p) => p.generation === a.generation);
    this.early = this.early.filter((p) => p.generation !== a.generation);
    this.dropEarlyPeers((p) => p.generation < a.generation);
    const gen = new WorkerGeneration(
      a,
      {
        member: this.member,
        env: this.env,
        options: this.options,
        sendControl: (frame) => {
          const l = this.leaderLink;
          if (l !== null && l.welcomed) l.link.send(encodeControl(frame));
        },
      },
      jobs,
    );
    this.current = gen;
    for (const p of [...early, ...this.stale]) gen.acceptPeer(p.conn, p.member, p.generation);
    this.stale = [];
    gen.start().catch((e: unknown) => {
      this.trace(`generation ${a.generation} failed to start: ${e instanceof Error ? e.message : String(e)}`);
      if (this.current === gen) this.dropGeneration("failed to start");
    });
  }

  /** a connection from a peer worker: hello first (token, version, generation), then its exchange channels */
  private accept(conn: Connection): void {
    let greeted = false;
    conn.onFrame((bytes) => {
      if (greeted || this.closed) return;
      greeted = true;
      const hello = decodeControl(bytes);
      if (hello === null || hello.t !== "hello") return conn.close();
      const reason = helloProblem(hello, this.options.token);
      if (reason !== null) {
        conn.send(encodeControl({ t: "refused", reason }));
        return conn.close();
      }
      this.onPeer({ conn, member: hello.member, generation: hello.generation ?? 0 });
    });
  }

  private onPeer(peer: EarlyPeer): void {
    const cur = this.current;
    if (cur !== null && (peer.generation === cur.generation || (this.options.broken.acceptStaleFrames === true && peer.generation < cur.generation))) {
      cur.acceptPeer(peer.conn, peer.member, peer.generation);
    } else if (peer.generation > this.seenGeneration || (cur === null && peer.generation === this.seenGeneration)) {
      // a peer saw the new assignment first: its channels open once this worker starts it (no
      // credit goes back until then, so it sends nothing)
      this.early.push(peer);
      peer.conn.onClose(() => (this.early = this.early.filter((p) => p !== peer)));
    } else {
      // a generation this worker is done with
      peer.conn.close();
    }
  }

  private dropEarlyPeers(which: (p: EarlyPeer) => boolean): void {
    const drop = this.early.filter(which);
    this.early = this.early.filter((p) => !which(p));
    for (const p of drop) p.conn.close();
  }
}
