// NATS JetStream as the simulation sees it: one shared in-memory server (the input log with
// message-id dedup and replay from a sequence, KV buckets with compare-and-set and TTL on
// simulated time, an object store) and, per node, a client whose calls take effect and answer
// after seeded delays. A call may fail (seeded): before it took effect, or after (the answer was
// lost), which is what makes retries with the same message id matter.

import { type Backbone, type InputLog, type KeyValueBucket, type KvEntry, KvConflictError, type LogFollower, type LogMessage, type ObjectStore } from "../backbone.js";
import type { SeededRandom } from "./seeded-random.js";
import type { SimNode, SimScheduler } from "./sim-scheduler.js";

interface Stored {
  value: Uint8Array;
  revision: number;
  writtenAt: number;
}

class BucketState {
  revision = 0;
  readonly entries = new Map<string, Stored>();
  constructor(
    readonly ttlMs: number | undefined,
    private readonly scheduler: SimScheduler,
  ) {}

  live(key: string): Stored | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (this.ttlMs !== undefined && this.scheduler.now - e.writtenAt >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  write(key: string, value: Uint8Array): number {
    const revision = ++this.revision;
    this.entries.set(key, { value: value.slice(), revision, writtenAt: this.scheduler.now });
    return revision;
  }
}

interface Follower {
  node: SimNode;
  incarnation: number;
  prefix: string;
  nextSeq: number;
  onMessage: (m: LogMessage) => void;
  onError?: (e: Error) => void;
  closed: boolean;
  pumping: boolean;
  /** delivers nothing until resumed (the reader's consumers are out of credit) */
  paused: boolean;
}

/** the shared server */
export class SimBackboneServer {
  readonly log: LogMessage[] = [];
  readonly msgIds = new Map<string, number>();
  readonly buckets = new Map<string, BucketState>();
  readonly objects = new Map<string, Uint8Array>();
  private readonly followers = new Set<Follower>();
  /** NATS is unreachable until then: every call fails, followers are cut */
  private outageUntil = 0;

  constructor(
    readonly scheduler: SimScheduler,
    readonly rng: SeededRandom,
    /** probability that one call fails */
    readonly failureRate: number,
  ) {}

  /**
   * The server's state seen directly, without delays or failures (the check after a run, when the
   * scheduler no longer runs). Only reads are offered.
   */
  inspect(bucketName: string): { bucket: KeyValueBucket; objects: ObjectStore } {
    const b = this.bucket(bucketName);
    const readOnly = (): never => {
      throw new Error("the inspector only reads");
    };
    return {
      bucket: {
        get: async (key) => {
          const s = b.live(key);
          return s === undefined ? null : { key, value: s.value.slice(), revision: s.revision };
        },
        create: readOnly,
        update: readOnly,
        put: readOnly,
        delete: readOnly,
        keys: async () => [...b.entries.keys()].filter((k) => b.live(k) !== undefined),
      },
      objects: {
        get: async (name) => this.objects.get(name)?.slice() ?? null,
        list: async (prefix) => [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort(),
        put: readOnly,
        delete: readOnly,
      },
    };
  }

  bucket(name: string, ttlMs?: number): BucketState {
    let b = this.buckets.get(name);
    if (b === undefined) this.buckets.set(name, (b = new BucketState(ttlMs, this.scheduler)));
    return b;
  }

  /** the cut: messages below it are gone (kept in the array only so sequences index it) */
  firstSeq = 1;

  info(): { firstSeq: number; lastSeq: number; messages: number; bytes: number } {
    let bytes = 0;
    for (let i = this.firstSeq - 1; i < this.log.length; i++) bytes += this.log[i].data.length;
    return { firstSeq: this.firstSeq, lastSeq: this.log.length, messages: this.log.length - this.firstSeq + 1, bytes };
  }

  purge(keepFromSeq: number): void {
    this.firstSeq = Math.max(this.firstSeq, Math.min(keepFromSeq, this.log.length + 1));
  }

  append(subject: string, data: Uint8Array, msgId: string): number {
    const dup = this.msgIds.get(msgId);
    if (dup !== undefined) return dup;
    const seq = this.log.length + 1;
    this.log.push({ seq, subject, data: data.slice() });
    this.msgIds.set(msgId, seq);
    for (const f of this.followers) this.pump(f);
    return seq;
  }

  get unavailable(): boolean {
    return this.scheduler.now < this.outageUntil;
  }

  /** the backbone goes away for `ms`: calls fail, followers get their error and must follow again */
  outage(ms: number): void {
    this.outageUntil = Math.max(this.outageUntil, this.scheduler.now + ms);
    for (const f of [...this.followers]) this.cut(f);
  }

  private cut(f: Follower): void {
    this.close(f);
    const onError = f.onError;
    if (onError !== undefined) this.scheduler.schedule(this.rng.int(1, 20), f.node, () => onError(new Error("backbone unavailable (simulated outage)")), f.incarnation);
  }

  follow(node: SimNode, prefix: string, fromSeq: number, onMessage: (m: LogMessage) => void, onError?: (e: Error) => void): Follower {
    const f: Follower = { node, incarnation: node.incarnation, prefix, nextSeq: Math.max(1, fromSeq), onMessage, onError, closed: false, pumping: false, paused: false };
    if (this.unavailable) {
      this.cut(f);
      return f;
    }
    this.followers.add(f);
    this.pump(f);
    return f;
  }

  close(f: Follower): void {
    f.closed = true;
    this.followers.delete(f);
  }

  pause(f: Follower): void {
    f.paused = true;
  }

  resume(f: Follower): void {
    if (!f.paused) return;
    f.paused = false;
    this.pump(f);
  }

  /** delivers a follower's pending messages a few at a time, as events of its node */
  private pump(f: Follower): void {
    if (f.pumping || f.closed || f.paused) return;
    if (f.node.incarnation !== f.incarnation) {
      this.close(f);
      return;
    }
    if (f.nextSeq > this.log.length) return;
    f.pumping = true;
    this.scheduler.schedule(this.rng.int(1, 5), f.node, () => {
      f.pumping = false;
      for (let n = 0; n < 16 && f.nextSeq <= this.log.length && !f.closed && !f.paused; n++) {
        // as JetStream does: a consumer below the cut starts at the first message left
        if (f.nextSeq < this.firstSeq) f.nextSeq = this.firstSeq;
        if (f.nextSeq > this.log.length) break;
        const m = this.log[f.nextSeq - 1];
        f.nextSeq++;
        if (m.subject.startsWith(f.prefix)) f.onMessage(m);
      }
      this.pump(f);
    }, f.incarnation);
  }
}

/** one node's connection to the server */
export class SimBackboneClient implements Backbone {
  readonly log: InputLog;
  readonly objects: ObjectStore;

  constructor(
    private readonly server: SimBackboneServer,
    private readonly node: SimNode,
  ) {
    this.log = {
      append: (subject, data, msgId) => this.call(() => server.append(subject, data, msgId)),
      follow: (prefix, fromSeq, onMessage, onError): LogFollower => {
        const f = server.follow(node, prefix, fromSeq, onMessage, onError);
        return { close: () => server.close(f), pause: () => server.pause(f), resume: () => server.resume(f) };
      },
      lastSeq: () => this.call(() => server.log.length),
      info: () => this.call(() => server.info()),
      purge: (keepFromSeq) => this.call(() => server.purge(keepFromSeq)),
    };
    this.objects = {
      put: (name, bytes) => this.call(() => void server.objects.set(name, bytes.slice())),
      get: (name) => this.call(() => server.objects.get(name)?.slice() ?? null),
      delete: (name) => this.call(() => void server.objects.delete(name)),
      list: (prefix) => this.call(() => [...server.objects.keys()].filter((k) => k.startsWith(prefix)).sort()),
    };
  }

  async bucket(name: string, options?: { ttlMs?: number }): Promise<KeyValueBucket> {
    const b = await this.call(() => this.server.bucket(name, options?.ttlMs));
    const entry = (key: string, s: Stored): KvEntry => ({ key, value: s.value.slice(), revision: s.revision });
    return {
      get: (key) => this.call(() => {
        const s = b.live(key);
        return s === undefined ? null : entry(key, s);
      }),
      create: (key, value) => this.call(() => {
        if (b.live(key) !== undefined) throw new KvConflictError(key);
        return b.write(key, value);
      }),
      update: (key, value, expected) => this.call(() => {
        if (b.live(key)?.revision !== expected) throw new KvConflictError(key);
        return b.write(key, value);
      }),
      put: (key, value) => this.call(() => b.write(key, value)),
      delete: (key) => this.call(() => void b.entries.delete(key)),
      keys: (prefix) => this.call(() => [...b.entries.keys()].filter((k) => b.live(k) !== undefined && (prefix === undefined || k.startsWith(prefix)))),
    };
  }

  async close(): Promise<void> {}

  /** the call takes effect after a delay (unless it fails first), then answers after another */
  private call<T>(op: () => T): Promise<T> {
    const { scheduler, rng } = this.server;
    const incarnation = this.node.incarnation;
    return new Promise<T>((resolve, reject) => {
      const failBefore = rng.chance(this.server.failureRate);
      const failAfter = !failBefore && rng.chance(this.server.failureRate);
      scheduler.schedule(rng.int(1, 4), null, () => {
        let result: { ok: true; value: T } | { ok: false; error: unknown };
        if (failBefore || this.server.unavailable) result = { ok: false, error: new Error("backbone unavailable (simulated)") };
        else {
          try {
            result = { ok: true, value: op() };
          } catch (error) {
            result = { ok: false, error };
          }
          if (failAfter) result = { ok: false, error: new Error("backbone answer lost (simulated)") };
        }
        const r = result;
        scheduler.schedule(rng.int(1, 4), this.node, () => (r.ok ? resolve(r.value) : reject(r.error)), incarnation);
      });
    });
  }
}
