// Worker membership as the coordinators read it: each live worker holds a key (its id) in the
// `workers` TTL bucket and renews it every heartbeat by compare-and-set; a worker killed stops
// renewing and its key expires within the TTL. The record is the coordinator protocol's
// (`member`, `address`, `version`, `lease`) plus what sage_catalog.workers shows (`vnodes`,
// `state`, `heartbeat`), so either side's workers read the same.

import { KvConflictError, type Backbone, type KeyValueBucket } from "./backbone.js";

// the coordinator protocol (node-env.ts DEFAULT_TIMING) uses these too: a bucket's TTL is fixed when it is first opened
export const WORKERS_BUCKET = "workers";
/** a worker's key expires this long after its last heartbeat */
export const WORKER_TTL_MS = 3000;
export const WORKER_HEARTBEAT_MS = 1000;

export interface WorkerMembershipRecord {
  member: string;
  address: string;
  version: number;
  lease: number;
  /** virtual nodes this worker runs (empty until it runs fragments) */
  vnodes?: number[];
  state?: string;
  /** ms since the epoch of the heartbeat that wrote the record */
  heartbeat?: number;
}

export interface WorkerRow {
  id: string;
  address: string;
  vnodes: number;
  state: string;
  /** ms since the epoch (null: the record does not say; see `revision`) */
  heartbeat: number | null;
  /** the key's revision: it changes with every heartbeat */
  revision: number;
}

export function openWorkersBucket(backbone: Backbone): Promise<KeyValueBucket> {
  return backbone.bucket(WORKERS_BUCKET, { ttlMs: WORKER_TTL_MS });
}

/** The live workers (keys not expired), by id. */
export async function readWorkers(bucket: KeyValueBucket): Promise<WorkerRow[]> {
  const rows: WorkerRow[] = [];
  for (const id of await bucket.keys()) {
    const entry = await bucket.get(id);
    if (!entry) continue;
    let r: Partial<WorkerMembershipRecord> = {};
    try {
      r = JSON.parse(new TextDecoder().decode(entry.value)) as WorkerMembershipRecord;
    } catch {
      // a record of another shape: listed with what is known
    }
    rows.push({ id, address: r.address ?? "", vnodes: r.vnodes?.length ?? 0, state: r.state ?? "live", heartbeat: typeof r.heartbeat === "number" ? r.heartbeat : null, revision: entry.revision });
  }
  return rows;
}

/**
 * A worker's heartbeat: joins by creating its key, then renews it by compare-and-set. A renewal
 * that loses its compare-and-set (the key expired while the worker was paused, and maybe another
 * took it) means the membership was lost: the worker rejoins as a new member.
 */
export class WorkerHeartbeat {
  private bucket: KeyValueBucket | null = null;
  private revision = 0;
  private lease = 0;
  private member = "";
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** last error talking to NATS (null: the last heartbeat went through) */
  lastError: Error | null = null;

  constructor(
    private readonly backbone: Backbone,
    readonly id: string,
    readonly address: string,
    private readonly onJoined?: (member: string) => void,
  ) {}

  async start(): Promise<void> {
    this.bucket = await openWorkersBucket(this.backbone);
    await this.beat();
  }

  private record(): Uint8Array {
    const r: WorkerMembershipRecord = { member: this.member, address: this.address, version: 1, lease: this.lease, vnodes: [], state: "idle", heartbeat: Date.now() };
    return new TextEncoder().encode(JSON.stringify(r));
  }

  private async beat(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.revision === 0) {
        this.member = `${this.id}@${Date.now()}`;
        this.lease = 0;
        try {
          this.revision = await this.bucket!.create(this.id, this.record());
          this.onJoined?.(this.member);
        } catch (e) {
          // our previous membership has not expired yet: try again next beat
          if (!(e instanceof KvConflictError)) throw e;
        }
      } else {
        this.lease++;
        try {
          this.revision = await this.bucket!.update(this.id, this.record(), this.revision);
        } catch (e) {
          if (!(e instanceof KvConflictError)) throw e;
          this.revision = 0; // fenced: rejoin as a new member
        }
      }
      this.lastError = null;
    } catch (e) {
      this.lastError = e instanceof Error ? e : new Error(String(e));
    } finally {
      if (!this.stopped) this.timer = setTimeout(() => void this.beat(), WORKER_HEARTBEAT_MS);
    }
  }

  /** Stops beating and leaves (a clean exit), so the worker disappears at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.revision > 0) await this.bucket?.delete(this.id).catch(() => {});
  }
}
