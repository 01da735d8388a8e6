// Which coordinator leads: a lease in a TTL KV bucket. A coordinator becomes leader by creating
// the `leader` key (compare-and-set: only one create wins) and keeps it by renewing it with
// compare-and-set on its revision well within the TTL; a leader that is killed stops renewing,
// the key expires, and a standby's create wins. The revision the key was created at is the
// leader's TERM: it only grows, so messages a leader appends carry it as a fencing token.
//
// Kept in one small file so the coordinator protocol's own lease can replace it.

import type { Backbone, Clock, KeyValueBucket, TimerHandle } from "./backbone.js";
import { KvConflictError } from "./backbone.js";

export const REPLICA_LEADER_BUCKET = "replica_leader";
/** as the coordinator protocol's leaderTtlMs: long enough that a busy event loop (a loaded machine) keeps its lease */
export const LEADER_TTL_MS = 5000;
const KEY = "leader";

export interface LeaderRecord {
  id: string;
  /** where clients reach it (host:port of pgwire) */
  address: string;
}

export interface LeaseOptions {
  /** this coordinator */
  self: LeaderRecord;
  /** the key expires this long after its last renewal (default LEADER_TTL_MS, 5 s) */
  ttlMs?: number;
  /** tries or renews this often (default ttl / 4) */
  intervalMs?: number;
  clock?: Clock;
  /** won the lease (term: its fencing token) */
  onElected(term: number): void;
  /** lost it (a renewal lost its compare-and-set, or NATS was away past the TTL) */
  onDeposed(why: string): void;
  /** told each failed try or renewal (NATS away, a timeout) */
  onError?(e: unknown): void;
}

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => ({ timer: setTimeout(fn, ms) }),
  clearTimeout: (h) => clearTimeout(h.timer as NodeJS.Timeout),
};

export class LeaderLease {
  private bucket: KeyValueBucket | null = null;
  private timer: TimerHandle | null = null;
  private revision = 0;
  private renewedAt = 0;
  private stopped = false;
  /** the current leader as last read (null: none known) */
  leader: LeaderRecord | null = null;
  /** this coordinator's term while it leads (0: not leading) */
  term = 0;
  private readonly ttlMs: number;
  private readonly intervalMs: number;
  private readonly clock: Clock;

  constructor(
    private readonly backbone: Backbone,
    private readonly options: LeaseOptions,
  ) {
    this.ttlMs = options.ttlMs ?? LEADER_TTL_MS;
    this.intervalMs = options.intervalMs ?? Math.max(50, Math.floor(this.ttlMs / 4));
    this.clock = options.clock ?? realClock;
  }

  get isLeader(): boolean {
    return this.term > 0;
  }

  async start(): Promise<void> {
    this.bucket = await this.backbone.bucket(REPLICA_LEADER_BUCKET, { ttlMs: this.ttlMs });
    await this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Gives the lease up at once (a clean shutdown), so a standby need not wait for the TTL. */
  async release(): Promise<void> {
    this.stop();
    if (this.term > 0 && this.bucket) await this.bucket.delete(KEY).catch(() => {});
    this.term = 0;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.term > 0) await this.renew();
      else await this.tryAcquire();
    } catch (e) {
      this.options.onError?.(e);
      // NATS away: a leader that could not renew within the TTL must assume the key expired
      if (this.term > 0 && this.clock.now() - this.renewedAt >= this.ttlMs) this.depose("the lease could not be renewed within its TTL (NATS unreachable)");
    } finally {
      if (!this.stopped) this.timer = this.clock.setTimeout(() => void this.tick(), this.intervalMs);
    }
  }

  private async tryAcquire(): Promise<void> {
    const bucket = this.bucket!;
    const value = new TextEncoder().encode(JSON.stringify(this.options.self));
    try {
      const revision = await bucket.create(KEY, value);
      if (this.stopped) return;
      this.revision = revision;
      this.renewedAt = this.clock.now();
      this.term = revision;
      this.leader = this.options.self;
      this.options.onElected(revision);
    } catch (e) {
      if (!(e instanceof KvConflictError)) throw e;
      const entry = await bucket.get(KEY);
      this.leader = entry ? (JSON.parse(new TextDecoder().decode(entry.value)) as LeaderRecord) : null;
    }
  }

  private async renew(): Promise<void> {
    const started = this.clock.now();
    try {
      this.revision = await this.bucket!.update(KEY, new TextEncoder().encode(JSON.stringify(this.options.self)), this.revision);
      this.renewedAt = started;
    } catch (e) {
      if (!(e instanceof KvConflictError)) throw e;
      this.depose(`another coordinator holds the lease (${(e as Error).message})`);
    }
  }

  private depose(why: string): void {
    if (this.term === 0) return;
    this.term = 0;
    this.leader = null;
    this.options.onDeposed(why);
  }
}
