// A coordinator: races the others to create the `leader` key of a TTL bucket; the winner's
// revision is its TERM. The leader renews by compare-and-set and, on taking over, rewrites every
// shared key with its term first, so a deposed leader's later compare-and-set fails. As leader it
// admits workers (hello with version and token), places instances over the live members (a new
// GENERATION when members change, an epoch times out, or it just took over: everyone restores from
// the last committed epoch), cuts the input log with barrier markers, collects checkpoint acks and
// commits an epoch once every instance of the current generation acked it, then deletes the
// objects no commit needs. A standby just keeps trying to create the key.

import { type Connection, deleteObjects, type KeyValueBucket, KvConflictError } from "./backbone.js";
import type { ClusterJob } from "./cluster-job.js";
import {
  type Assignment,
  type CommittedEpoch,
  type EpochRecord,
  KEY_ASSIGNMENT,
  KEY_EPOCH,
  KEY_LEADER,
  KEY_SNAPSHOT,
  type LeaderRecord,
  type LogSnapshotRecord,
  NOTHING_COMMITTED,
  PROTOCOL_VERSION,
  type WorkerRecord,
  committedKey,
  committedObjects,
  decodeRecord,
  encodeRecord,
  instanceKey,
  jobInstances,
  jobKey,
  parseCheckpointObject,
} from "./cluster-records.js";
import { type ClusterOptions, type NodeEnv, type ResolvedOptions, openClusterBuckets, resolveOptions } from "./node-env.js";
import { type ControlFrame, decodeControl, encodeControl, helloProblem } from "./node-frames.js";
import { placeInstances } from "./placement.js";
import { EpochTimeout } from "./epoch-timeout.js";
import { committedChunks } from "./instance-checkpoint.js";

type Ack = Extract<ControlFrame, { t: "ack" }>;

/** what only the leader keeps, dropped when it steps down */
interface Leadership {
  term: number;
  leaderRevision: number;
  lastRenewed: number;
  /** shared keys rewritten with our term */
  tookOver: boolean;
  takeoverAt: number;
  assignment: Assignment | null;
  assignmentRevision: number;
  epoch: EpochRecord;
  epochRevision: number;
  /** the marker of this epoch may not be in the log yet */
  markerPending: boolean;
  committed: Map<string, { record: CommittedEpoch; revision: number }>;
  /** view -> epoch -> instance -> its marker seq and checkpoint chain (this generation's acks) */
  acks: Map<string, Map<number, Map<string, { seq: number; links: string[] }>>>;
  /** epoch -> when it was injected (or when this generation began, if later) */
  injectedAt: Map<number, number>;
  generationStartedAt: number;
  nextBarrierAt: number;
  forceNewGeneration: string | null;
  /** how long an epoch may stay uncommitted (backs off while generations time out without progress) */
  epochTimeout: EpochTimeout;
  /** the jobs the current assignment places */
  jobs: readonly ClusterJob[];
  /** a reader waits (requestBarrier): barriers go out back to back until a checkpoint epoch is in the log */
  hurried: boolean;
  /** views whose spec this term stored under job/<view> (workers build the jobs from it) */
  specs: Set<string>;
  /** the checkpoint epoch a hurry injected: each view commits it as soon as its acks are in, not at the next heartbeat */
  hurriedEpoch: number;
}

export class ClusterCoordinator {
  readonly options: ResolvedOptions;
  private address = "";
  private workers!: KeyValueBucket;
  private leaderBucket!: KeyValueBucket;
  private cluster!: KeyValueBucket;
  private leading: Leadership | null = null;
  /** member -> its control connection (workers that said a valid hello to us) */
  private readonly admitted = new Map<string, Connection>();
  private closed = false;
  private ticking = false;
  /** an extra tick is scheduled (requestBarrier) */
  private soon = false;
  /** views whose old checkpoint objects are being deleted */
  private readonly collecting = new Set<string>();
  /** snapshots waiting for the next tick to cut the log below them */
  private cutRequests: { seq: number | null; resolve: (keepFrom: number | null) => void }[] = [];
  /** view -> operator state manifest -> the chunk objects it names (manifests never change) */
  private readonly manifests = new Map<string, Map<string, string[]>>();

  constructor(
    readonly id: string,
    readonly env: NodeEnv,
    options: ClusterOptions,
  ) {
    this.options = resolveOptions(options);
  }

  get isLeader(): boolean {
    return this.leading !== null;
  }

  private trace(line: string): void {
    this.env.trace?.(`coordinator ${this.id} ${line}`);
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
    this.stepDown("closed");
  }

  /** `periodic`: the heartbeat's tick, which schedules the next one (an extra tick does not) */
  private async tick(periodic = true): Promise<void> {
    if (this.closed) return;
    if (this.ticking) {
      if (periodic) this.env.clock.setTimeout(() => void this.tick(), this.options.timing.heartbeatMs);
      return;
    }
    this.ticking = true;
    const started = this.env.clock.now();
    try {
      await this.lead();
      const took = this.env.clock.now() - started;
      if (took > this.options.timing.leaderTtlMs / 2) this.trace(`a tick took ${took} ms (the lease lives ${this.options.timing.leaderTtlMs} ms)`);
    } catch (e) {
      // a compare-and-set on a shared key lost: another leader wrote it, so we are deposed
      if (e instanceof KvConflictError) this.stepDown(`lost a compare-and-set on ${e.key}`);
      else this.trace(`tick failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.ticking = false;
      if (!this.closed && periodic) this.env.clock.setTimeout(() => void this.tick(), this.options.timing.heartbeatMs);
      if (!this.closed && this.leading?.hurried === true) this.tickSoon();
    }
  }

  /**
   * A reader waits for the views to catch up with the input log (read-your-writes, FLUSH): the
   * next barriers go out now, back to back, until one the instances checkpoint is in the log, and
   * its commit follows as soon as its acks are in, rather than at the barrier interval and the
   * next heartbeat.
   */
  requestBarrier(): void {
    const l = this.leading;
    if (l === null || this.closed) return;
    l.hurried = true;
    this.tickSoon();
  }

  private tickSoon(): void {
    if (this.soon || this.closed) return;
    this.soon = true;
    this.env.clock.setTimeout(() => {
      this.soon = false;
      void this.tick(false);
    }, 0);
  }

  private async lead(): Promise<void> {
    if (this.leading === null) {
      const record = this.leaderRecord();
      let term: number;
      try {
        term = await this.leaderBucket.create(KEY_LEADER, encodeRecord(record));
      } catch (e) {
        if (e instanceof KvConflictError) return;
        throw e;
      }
      if (this.closed) return;
      const now = this.env.clock.now();
      this.leading = {
        term,
        leaderRevision: term,
        lastRenewed: now,
        tookOver: false,
        takeoverAt: now,
        assignment: null,
        assignmentRevision: 0,
        epoch: { term, epoch: 0 },
        epochRevision: 0,
        markerPending: false,
        committed: new Map(),
        acks: new Map(),
        injectedAt: new Map(),
        generationStartedAt: now,
        nextBarrierAt: now,
        forceNewGeneration: "took over",
        epochTimeout: new EpochTimeout(this.options.timing.checkpointTimeoutMs),
        jobs: [],
        specs: new Set(),
        hurried: false,
        hurriedEpoch: 0,
      };
      this.trace(`leads with term ${term}`);
      this.options.observer.leading?.(term);
    } else if (!(await this.renew(this.leading))) return;
    const l = this.leading;
    if (l === null) return;
    if (!l.tookOver && !(await this.takeOver(l))) return;
    if (this.leading !== l) return;
    await this.place(l);
    if (this.leading !== l) return;
    await this.injectBarrier(l);
    if (this.leading !== l) return;
    await this.commitEpochs(l);
    if (this.leading !== l) return;
    this.checkTimeouts(l);
    await this.cutLog(l);
  }

  /**
   * Cuts the input log below a snapshot at `snapshotSeq` (recorded in KV by the caller; null: no
   * snapshot, only what no view reads any more is cut) and below what every view still reads
   * (logNeededFrom). Done in the tick, so that no placement reading an older snapshot runs between
   * the check and the cut. Resolves with the first sequence kept (null: not cut, this coordinator
   * does not lead).
   */
  requestCut(snapshotSeq: number | null): Promise<number | null> {
    if (this.leading === null) return Promise.resolve(null);
    return new Promise((resolve) => {
      // at the next heartbeat's tick: a cut is never urgent
      this.cutRequests.push({ seq: snapshotSeq, resolve });
    });
  }

  private async cutLog(l: Leadership): Promise<void> {
    const requests = this.cutRequests.splice(0);
    if (requests.length === 0) return;
    let keepFrom: number | null = null;
    try {
      const snapshots = requests.map((r) => r.seq).filter((s): s is number => s !== null);
      const snapshotSeq = snapshots.length === 0 ? null : Math.max(...snapshots);
      const needed = this.logNeededFrom(snapshotSeq);
      if (needed !== null && this.leading === l) {
        keepFrom = Math.min(needed, snapshotSeq === null ? Infinity : snapshotSeq + 1);
        const info = await this.env.backbone.log.info();
        if (this.leading !== l || !Number.isFinite(keepFrom)) keepFrom = null;
        else if (keepFrom > info.firstSeq) {
          await this.env.backbone.log.purge(keepFrom);
          this.trace(`cut the input log below ${keepFrom}`);
        }
      }
    } finally {
      for (const r of requests) r.resolve(keepFrom);
    }
  }

  private async renew(l: Leadership): Promise<boolean> {
    const record = this.leaderRecord();
    try {
      l.leaderRevision = await this.leaderBucket.update(KEY_LEADER, encodeRecord(record), l.leaderRevision);
      l.lastRenewed = this.env.clock.now();
      return this.leading === l;
    } catch (e) {
      if (e instanceof KvConflictError) this.stepDown("lease lost");
      else if (this.env.clock.now() - l.lastRenewed >= this.options.timing.leaderTtlMs) this.stepDown("lease not renewed in time");
      return false;
    }
  }

  /** every leader write to shared state: compare-and-set on the revision our term last saw */
  private writeShared(key: string, value: Uint8Array, revision: number): Promise<number> {
    if (this.options.broken.skipLeaderFencing === true) return this.cluster.put(key, value);
    return this.cluster.update(key, value, revision);
  }

  /** gives up leading at once (the input log showed a newer term: another coordinator leads) */
  resign(why: string): void {
    this.stepDown(why);
  }

  private stepDown(why: string): void {
    if (this.options.broken.skipLeaderFencing === true && why !== "closed") return;
    for (const r of this.cutRequests.splice(0)) r.resolve(null);
    const was = this.leading;
    if (was !== null) this.trace(`steps down: ${why}`);
    this.leading = null;
    if (was !== null) this.options.observer.steppedDown?.(why);
    for (const c of this.admitted.values()) c.close();
    this.admitted.clear();
  }

  /**
   * Rewrites every shared key with our term (compare-and-set), so that from here on a deposed
   * leader's writes fail; a key already carrying a higher term means we are deposed ourselves.
   */
  private async takeOver(l: Leadership): Promise<boolean> {
    const keys = [KEY_EPOCH, KEY_ASSIGNMENT, KEY_SNAPSHOT, ...this.options.jobs.current().map((j) => committedKey(j.view))];
    for (const key of keys) {
      const entry = await this.cluster.get(key);
      if (this.leading !== l) return false;
      let revision: number;
      let record: { term: number; [field: string]: unknown };
      if (entry === null) {
        if (key === KEY_ASSIGNMENT || key === KEY_SNAPSHOT) continue;
        // a view no leader placed yet starts at the current epoch (as adoptCommitted starts one)
        record = key === KEY_EPOCH ? { term: l.term, epoch: 0 } : { ...NOTHING_COMMITTED, term: l.term, epoch: l.epoch.epoch };
        revision = await this.cluster.create(key, encodeRecord(record));
      } else {
        record = decodeRecord<{ term: number }>(entry.value);
        if (record.term > l.term) {
          this.stepDown(`${key} carries a newer term ${record.term}`);
          return false;
        }
        record = { ...record, term: l.term };
        revision = await this.cluster.update(key, encodeRecord(record), entry.revision);
      }
      if (this.leading !== l) return false;
      if (key === KEY_EPOCH) {
        l.epoch = record as unknown as EpochRecord;
        l.epochRevision = revision;
        // the previous leader may have died between counting this epoch and appending its marker
        l.markerPending = (record as unknown as EpochRecord).epoch > 0;
      } else if (key === KEY_ASSIGNMENT) {
        l.assignment = record as unknown as Assignment;
        l.assignmentRevision = revision;
      } else if (key === KEY_SNAPSHOT) {
        // stamped with our term: a deposed leader's later snapshot (and the cut after it) fails
      } else {
        l.committed.set(key.slice("committed/".length), { record: record as unknown as CommittedEpoch, revision });
      }
    }
    l.tookOver = true;
    l.takeoverAt = this.env.clock.now();
    this.trace(`took over at generation ${l.assignment?.generation ?? 0}, epoch ${l.epoch.epoch}`);
    this.options.observer.tookOver?.(new Map([...l.committed].map(([view, c]) => [view, c.record])));
    return this.leading === l;
  }

  /** the members to place on: live in KV, of our version, and welcomed on a control link */
  private async liveMembers(): Promise<Map<string, string>> {
    const live = new Map<string, string>();
    for (const key of await this.workers.keys()) {
      const entry = await this.workers.get(key);
      if (entry === null) continue;
      const r = decodeRecord<WorkerRecord>(entry.value);
      if (r.version === PROTOCOL_VERSION && this.admitted.has(r.member)) live.set(r.member, r.address);
    }
    return live;
  }

  private async place(l: Leadership): Promise<void> {
    const now = this.env.clock.now();
    if (now < l.takeoverAt + this.options.timing.takeoverGraceMs) return;
    const live = await this.liveMembers();
    if (this.leading !== l) return;
    const current = l.assignment === null ? [] : Object.keys(l.assignment.members).sort();
    const wanted = [...live.keys()].sort();
    const jobs = this.options.jobs.current();
    const placedViews = l.assignment === null ? "" : Object.keys(l.assignment.placement).sort().join(",");
    const jobsChanged = placedViews !== jobs.map((j) => j.view).sort().join(",");
    const changed = current.join(",") !== wanted.join(",");
    if (!changed && !jobsChanged && l.forceNewGeneration === null) return;
    if (wanted.length === 0) return;
    // a view new to this term: adopt its committed epoch (a previous leader's) or start it at none
    for (const job of jobs) {
      if (!l.committed.has(job.view)) await this.adoptCommitted(l, job.view);
      if (this.leading !== l) return;
      // stored once per term, whether or not the view's record was new: a view created while the
      // previous leader was deposed (its record made by takeOver) still needs its spec for workers
      if (job.spec !== undefined && !l.specs.has(job.view)) {
        await this.cluster.put(jobKey(job.view), job.spec);
        if (this.leading !== l) return;
        l.specs.add(job.view);
      }
    }
    const generation = (l.assignment?.generation ?? 0) + 1;
    const restore: Record<string, CommittedEpoch> = {};
    for (const job of jobs) restore[job.view] = l.committed.get(job.view)?.record ?? NOTHING_COMMITTED;
    // views with nothing committed read the latest snapshot's rows, then the log after it
    const snapshotEntry = await this.cluster.get(KEY_SNAPSHOT);
    if (this.leading !== l) return;
    const snapshot = snapshotEntry === null ? null : decodeRecord<LogSnapshotRecord>(snapshotEntry.value);
    const assignment: Assignment = {
      term: l.term,
      generation,
      members: Object.fromEntries(wanted.map((m) => [m, live.get(m)!])),
      placement: placeInstances(jobs, wanted),
      restore,
      ...(snapshot !== null ? { snapshot: { seq: snapshot.seq, rows: snapshot.rows } } : {}),
    };
    const value = encodeRecord(assignment);
    const revision = l.assignment === null ? await this.cluster.create(KEY_ASSIGNMENT, value) : await this.writeShared(KEY_ASSIGNMENT, value, l.assignmentRevision);
    if (this.leading !== l) return;
    this.trace(`generation ${generation} on ${wanted.join(" ")} (${changed ? "members changed" : (l.forceNewGeneration ?? "views changed")})`);
    l.assignment = assignment;
    l.assignmentRevision = revision;
    l.acks.clear();
    l.generationStartedAt = now;
    l.forceNewGeneration = null;
    const dropped = l.jobs.filter((j) => !jobs.some((k) => k.view === j.view)).map((j) => j.view);
    l.jobs = jobs;
    this.options.observer.generation?.(assignment);
    for (const view of dropped) {
      l.specs.delete(view);
      this.forgetView(l, view);
    }
  }

  /** reads (or creates) a view's committed record and stamps it with our term */
  private async adoptCommitted(l: Leadership, view: string): Promise<void> {
    const key = committedKey(view);
    const entry = await this.cluster.get(key);
    if (this.leading !== l) return;
    let record: CommittedEpoch;
    let revision: number;
    if (entry === null) {
      // a view created now starts at the current epoch: its instances read the log from the start
      // (every write to its tables) but pass over the markers before, so the first epoch holds it all
      record = { ...NOTHING_COMMITTED, term: l.term, epoch: l.epoch.epoch };
      revision = await this.cluster.create(key, encodeRecord(record));
    } else {
      record = decodeRecord<CommittedEpoch>(entry.value);
      if (record.term > l.term) return this.stepDown(`${key} carries a newer term ${record.term}`);
      record = { ...record, term: l.term };
      revision = await this.cluster.update(key, encodeRecord(record), entry.revision);
    }
    if (this.leading !== l) return;
    l.committed.set(view, { record, revision });
    this.options.observer.tookOver?.(new Map([[view, record]]));
  }

  /** a dropped view: its committed record, spec and checkpoint objects go */
  private forgetView(l: Leadership, view: string): void {
    l.committed.delete(view);
    l.acks.delete(view);
    this.manifests.delete(view);
    this.trace(`forgot view ${view}`);
    // off the tick, as garbage collection: deleting a dozen views' keys and objects (a test suite
    // drops views by the dozen) held the tick past the lease's TTL, and the leader lost its lease.
    // Nothing reads them any more (the view is gone from every replica's catalog), so a late delete is harmless.
    const forget = async () => {
      await this.cluster.delete(committedKey(view));
      await this.cluster.delete(jobKey(view));
      await deleteObjects(this.env.backbone.objects, await this.env.backbone.objects.list(`ckpt/${view}/`));
    };
    forget().catch((e: unknown) => this.trace(`forgetting ${view} failed: ${e instanceof Error ? e.message : String(e)}`));
  }

  private async injectBarrier(l: Leadership): Promise<void> {
    if (l.markerPending) {
      await this.appendMarker(l.epoch.epoch);
      if (this.leading !== l) return;
      l.markerPending = false;
    }
    const now = this.env.clock.now();
    if ((now < l.nextBarrierAt && !l.hurried) || l.assignment === null) return;
    const next: EpochRecord = { term: l.term, epoch: l.epoch.epoch + 1 };
    const revision = await this.writeShared(KEY_EPOCH, encodeRecord(next), l.epochRevision);
    if (this.leading !== l) return;
    l.epoch = next;
    l.epochRevision = revision;
    l.markerPending = true;
    l.injectedAt.set(next.epoch, now);
    l.nextBarrierAt = now + this.options.timing.barrierIntervalMs;
    await this.appendMarker(next.epoch);
    if (this.leading !== l) return;
    l.markerPending = false;
    if (l.hurried && next.epoch % this.options.timing.checkpointEveryEpochs === 0) {
      l.hurried = false;
      l.hurriedEpoch = next.epoch;
    }
  }

  /** the marker's message id is its epoch: appending it again (a retry, a new leader) adds nothing */
  private async appendMarker(epoch: number): Promise<void> {
    await this.env.backbone.log.append(this.options.input.markerSubject, encodeRecord({ epoch }), `barrier.${epoch}`);
  }

  private onAck(ack: Ack): void {
    const l = this.leading;
    if (l === null || l.assignment === null || ack.generation !== l.assignment.generation) return;
    if (l.assignment.placement[ack.view]?.[String(ack.fragment)]?.[ack.partition] !== ack.member) return;
    // a commit needs every instance's chain
    if (!Array.isArray(ack.links) || ack.links.length === 0) return;
    let byEpoch = l.acks.get(ack.view);
    if (byEpoch === undefined) l.acks.set(ack.view, (byEpoch = new Map()));
    let acked = byEpoch.get(ack.epoch);
    if (acked === undefined) byEpoch.set(ack.epoch, (acked = new Map()));
    acked.set(instanceKey(ack.fragment, ack.partition), { seq: ack.seq, links: ack.links });
    if (ack.epoch <= l.hurriedEpoch && ack.epoch > (l.committed.get(ack.view)?.record.epoch ?? 0)) {
      const job = l.jobs.find((j) => j.view === ack.view);
      if (job !== undefined && acked.size === jobInstances(job).length) this.tickSoon();
    }
  }

  private onChanges(c: Extract<ControlFrame, { t: "changes" }>): void {
    const l = this.leading;
    if (l === null || l.assignment === null || c.generation !== l.assignment.generation) return;
    const job = l.jobs.find((j) => j.view === c.view);
    const materialize = job?.fragments.find((f) => f.output === "materialize");
    if (materialize === undefined || l.assignment.placement[c.view]?.[String(materialize.id)]?.[c.partition] !== c.member) return;
    this.options.observer.changes?.({ member: c.member, generation: c.generation, view: c.view, partition: c.partition, epoch: c.epoch, changes: c.chunk === null ? null : Buffer.from(c.chunk, "base64") });
  }

  private leaderRecord(): LeaderRecord {
    return { coordinator: this.id, address: this.address, clientAddress: this.options.clientAddress() };
  }

  /** this leader's term (0: not leading) */
  get term(): number {
    return this.leading?.term ?? 0;
  }

  /**
   * While leading: the lowest log sequence a view on workers may still read, so the log may be
   * cut below it (log-snapshots.ts): each view restarts after its committed epoch's marker, a
   * view with nothing committed after the snapshot its generation reads (or at 1: no snapshot),
   * and one not placed yet after the latest snapshot, `snapshotSeq` (null: none), which its
   * placement will name. Null when not leading or not yet taken over (nothing known: cut nothing).
   */
  logNeededFrom(snapshotSeq: number | null): number | null {
    const l = this.leading;
    if (l === null || !l.tookOver) return null;
    let from = Infinity;
    const views = new Set([...this.options.jobs.current().map((j) => j.view), ...Object.keys(l.assignment?.restore ?? {})]);
    for (const view of views) {
      const committed = l.committed.get(view)?.record;
      if (committed !== undefined && committed.seq > 0) from = Math.min(from, committed.seq + 1);
      else if (l.assignment !== null && view in l.assignment.placement) from = Math.min(from, (l.assignment.snapshot?.seq ?? 0) + 1);
      else from = Math.min(from, (snapshotSeq ?? 0) + 1);
    }
    return from;
  }

  /** the current assignment while leading */
  get assignment(): Assignment | null {
    return this.leading?.assignment ?? null;
  }

  /** the leader as the lease says (null: none, or the backbone is away) */
  async leader(): Promise<LeaderRecord | null> {
    if (this.leaderBucket === undefined) return null;
    const entry = await this.leaderBucket.get(KEY_LEADER);
    return entry === null ? null : decodeRecord<LeaderRecord>(entry.value);
  }

  /** the live membership records (sage_catalog.workers) */
  async members(): Promise<{ id: string; record: WorkerRecord; admitted: boolean }[]> {
    if (this.workers === undefined) return [];
    const out: { id: string; record: WorkerRecord; admitted: boolean }[] = [];
    // a key renewed while the bucket is listed can be listed twice
    for (const key of new Set(await this.workers.keys())) {
      const entry = await this.workers.get(key);
      if (entry === null) continue;
      const record = decodeRecord<WorkerRecord>(entry.value);
      out.push({ id: key, record, admitted: this.admitted.has(record.member) });
    }
    return out;
  }

  private async commitEpochs(l: Leadership): Promise<void> {
    for (const job of l.jobs) {
      await this.commitView(l, job);
      if (this.leading !== l) return;
    }
  }

  /** commits the newest epoch every instance of the view acked in this generation */
  private async commitView(l: Leadership, job: ClusterJob): Promise<void> {
    const assignment = l.assignment;
    const byEpoch = l.acks.get(job.view);
    const cur = l.committed.get(job.view);
    if (assignment === null || byEpoch === undefined || cur === undefined) return;
    const instances = jobInstances(job);
    let best = -1;
    for (const [epoch, acked] of byEpoch) if (acked.size === instances.length && epoch > cur.record.epoch && epoch > best) best = epoch;
    if (best < 0) return;
    const acked = byEpoch.get(best)!;
    const seq = Math.max(...[...acked.values()].map((a) => a.seq));
    // each instance's chain as it acked it: the objects it wrote at `best` and the earlier ones it still needs
    const objects: Record<string, string[]> = {};
    for (const [key, { links }] of acked) objects[key] = links;
    const record: CommittedEpoch = { term: l.term, epoch: best, seq, generation: assignment.generation, objects };
    const key = committedKey(job.view);
    const revision = await this.writeShared(key, encodeRecord(record), cur.revision);
    if (this.leading !== l) return;
    l.committed.set(job.view, { record, revision });
    for (const epoch of [...byEpoch.keys()]) if (epoch <= best) byEpoch.delete(epoch);
    this.trace(`committed ${job.view} epoch ${best} (seq ${seq}, generation ${assignment.generation})`);
    this.options.observer.committed?.(job.view, record);
    // off the tick: deleting many objects must not delay the lease's renewal past its TTL
    if (!this.collecting.has(job.view)) {
      this.collecting.add(job.view);
      this.collectGarbage(job.view, record, assignment.generation)
        .catch((e: unknown) => this.trace(`garbage collection of ${job.view} failed: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => this.collecting.delete(job.view));
    }
  }

  /**
   * Deletes checkpoint objects no restore can need: those the committed record's chains do not
   * name, of an older generation (no worker chains onto them: a generation restores from a
   * committed record) or of an epoch up to the committed one (a later checkpoint of this
   * generation chains onto what this record names, or onto later objects). A deposed leader's
   * late collection deletes nothing a newer record needs: that record names its own older objects
   * or ones of a newer generation and epoch. Operator state chunks follow the same rule: a
   * chunk is named under the generation and epoch that first wrote it, and a checkpoint reuses
   * only chunks its previous manifest named (instance-checkpoint.ts), so a chunk a later manifest
   * names is named by every manifest since it was written, the committed one among them.
   */
  private async collectGarbage(view: string, committed: CommittedEpoch, generation: number): Promise<void> {
    let cache = this.manifests.get(view);
    if (cache === undefined) this.manifests.set(view, (cache = new Map()));
    // a manifest that cannot be read throws: nothing is collected
    const keep = new Set([...committedObjects(view, committed), ...(await committedChunks(view, committed, this.env.backbone.objects, cache))]);
    for (const name of [...cache.keys()]) if (!keep.has(name)) cache.delete(name);
    const garbage = (await this.env.backbone.objects.list(`ckpt/${view}/`)).filter((name) => {
      const o = parseCheckpointObject(name);
      return o !== null && !keep.has(name) && (o.generation < generation || o.epoch <= committed.epoch);
    });
    await deleteObjects(this.env.backbone.objects, garbage);
  }

  private checkTimeouts(l: Leadership): void {
    if (l.assignment === null || l.forceNewGeneration !== null) return;
    const now = this.env.clock.now();
    let oldestCommitted = Infinity;
    for (const job of l.jobs) oldestCommitted = Math.min(oldestCommitted, l.committed.get(job.view)?.record.epoch ?? 0);
    const limit = l.epochTimeout.limitMs(oldestCommitted);
    for (const [epoch, at] of l.injectedAt) {
      if (epoch <= oldestCommitted) {
        l.injectedAt.delete(epoch);
        continue;
      }
      if (now - Math.max(at, l.generationStartedAt) > limit) {
        l.forceNewGeneration = `epoch ${epoch} timed out`;
        l.epochTimeout.timedOut();
        return;
      }
    }
  }

  /** a worker's control connection: hello (version, token), then acks */
  private accept(conn: Connection): void {
    let member: string | null = null;
    conn.onFrame((bytes) => {
      if (this.closed) return;
      const frame = decodeControl(bytes);
      if (frame === null) return;
      if (member === null) {
        if (frame.t !== "hello") return conn.close();
        const problem = helloProblem(frame, this.options.token);
        if (problem !== null) {
          this.trace(`refused ${frame.member}: ${problem}`);
          conn.send(encodeControl({ t: "refused", reason: problem }));
          return conn.close();
        }
        // a standby is not the one to talk to: the worker finds the leader again
        if (this.leading === null) return conn.close();
        member = frame.member;
        this.admitted.get(member)?.close();
        this.admitted.set(member, conn);
        conn.send(encodeControl({ t: "welcome" }));
        return;
      }
      if (frame.t === "ack") this.onAck(frame);
      else if (frame.t === "changes") this.onChanges(frame);
    });
    conn.onClose(() => {
      if (member !== null && this.admitted.get(member) === conn) this.admitted.delete(member);
    });
  }
}
