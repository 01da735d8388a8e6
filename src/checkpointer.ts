// Checkpoints (DESIGN.md "Barriers and checkpoints"): every `checkpoint_interval` a barrier goes
// through every dataflow (aligned at multi-input operators), and between that barrier and the
// next write the whole database is at one consistent epoch. Its state is then written:
// the stored rows of each relation (incrementally: the rows appended and deleted since the last
// checkpoint, as a delta blob chained to the earlier ones, until the deltas add up to half the
// whole snapshot they follow: then it is rewritten whole) and the operator state of each materialized view's dataflow whose input changed
// (unchanged ones keep their earlier blob),
// the positions of sources, the changes each sink has not yet confirmed written, and the DDL history that rebuilds the catalog. The log is
// rotated at the same instant, and once the manifest has committed the older segments go.
//
// Recovery (Database.recover): replay the checkpoint's DDL on an empty database (rebuilding
// relations and dataflows from their plans), merge the checkpointed state into them, position
// the sources, then replay only the log segments after the checkpoint.

import type { Database, Session } from "./database.js";
import { decodeDelta, encodeDelta, nextChainLink, restoreObjects, snapshotObjects, StateEncodeError, registerStateClasses, type HasState, type StoredDelta } from "./executor/index.js";
import { CheckpointStore, LogSegments, type CheckpointManifest } from "./storage/index.js";
import { WatermarkGenerator } from "./watermark.js";
import type { StoredRelation } from "./stored-relation.js";

registerStateClasses(WatermarkGenerator);

export interface CheckpointStats {
  epoch: number;
  /** state blobs written by this checkpoint (the rest were unchanged) */
  written: number;
  reused: number;
  bytes: number;
  ms: number;
  /** wall-clock time it finished, ms since the epoch */
  at?: number;
}

/** What a checkpoint observer hears: each committed checkpoint, or why one failed or was skipped. */
export type CheckpointEvent = { ok: true; stats: CheckpointStats } | { ok: false; error: string; at: number };

/** how many recent checkpoints sage_catalog.checkpoints shows */
const RECENT_CHECKPOINTS = 50;

/** A test hook: called once the blobs are durable and before the manifest commits. */
export type BeforeCommitHook = (epoch: number) => void;

interface CommittedRelation {
  sig: string;
  /** the whole snapshot, then deltas */
  blobs: string[];
  stored: StoredRelation;
  /** rows in the whole snapshot, and rows (appended or deleted) in the deltas after it */
  baseRows: number;
  deltaRows: number;
}

function relationSignature(r: StoredRelation): string {
  const wm = r.watermark;
  return `${r.store.version}|${wm ? `${String(wm.current)}|${wm.lateRows}` : ""}`;
}

export class Checkpointer {
  private timer: NodeJS.Timeout | null = null;
  private intervalMs = 0;
  /** the DDL statements accepted so far, in order */
  private readonly ddl: string[] = [];
  /** what the last committed checkpoint wrote, to reuse unchanged blobs */
  private committedRelations = new Map<string, CommittedRelation>();
  private committedDataflows = new Map<string, string>();
  lastError: string | null = null;
  last: CheckpointStats | null = null;
  private running = false;
  /** observers (the server's /metrics): told of each checkpoint, never able to fail it */
  private readonly listeners = new Set<(e: CheckpointEvent) => void>();
  /** the latest checkpoints and failures, oldest first */
  readonly recent: CheckpointEvent[] = [];
  /** why the checkpoint in progress was skipped (null: it was not) */
  private skipped: string | null = null;

  constructor(
    private readonly db: Database,
    private readonly store: CheckpointStore,
    private readonly log: LogSegments,
    private readonly beforeCommit?: BeforeCommitHook,
  ) {}

  noteDdl(sql: string): void {
    this.ddl.push(sql);
  }

  /** Rewrites the DDL history the next checkpoint keeps (master key rotation re-seals secrets in it). */
  rewriteDdl(rewrite: (sql: string) => string): void {
    for (let i = 0; i < this.ddl.length; i++) this.ddl[i] = rewrite(this.ddl[i]);
  }

  /** Checkpoints every `ms` milliseconds (0 turns periodic checkpoints off). */
  setInterval(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.intervalMs = ms;
    if (ms > 0) this.scheduleNext(ms);
  }

  /**
   * The next periodic checkpoint comes `ms` after the last one ended (not started): statements
   * yield while their log fsync runs (group commit), and a checkpoint slower than the interval
   * must not run at every such yield and starve them.
   */
  private scheduleNext(ms: number): void {
    this.timer = setTimeout(() => {
      try {
        this.checkpoint();
      } catch (e) {
        this.lastError = e instanceof Error ? e.message : String(e);
      }
      if (this.intervalMs === ms && this.timer !== null) this.scheduleNext(ms);
    }, ms);
    this.timer.unref();
  }

  get interval(): number {
    return this.intervalMs;
  }

  stop(): void {
    this.setInterval(0);
  }

  /** Calls `listener` after each checkpoint (or failed one); returns the function that stops it. */
  onCheckpoint(listener: (e: CheckpointEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(e: CheckpointEvent): void {
    this.recent.push(e);
    if (this.recent.length > RECENT_CHECKPOINTS) this.recent.shift();
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // an observer's bug must not fail the checkpoint
      }
    }
  }

  /**
   * Takes a checkpoint now. Returns null when there was nothing new or when some state cannot be
   * checkpointed (then the log is kept whole and `lastError` says why). `force`: even when
   * nothing changed (the DDL history was rewritten: a master key rotation).
   */
  checkpoint(force = false): CheckpointStats | null {
    if (this.running || this.db.isReplaying) return null;
    let stats: CheckpointStats | null;
    this.skipped = null;
    try {
      stats = this.take(force);
    } catch (e) {
      this.notify({ ok: false, error: e instanceof Error ? e.message : String(e), at: Date.now() });
      throw e;
    }
    if (stats) this.notify({ ok: true, stats });
    else if (this.skipped !== null) this.notify({ ok: false, error: this.skipped, at: Date.now() });
    return stats;
  }

  private take(force: boolean): CheckpointStats | null {
    // a connector that needs the whole log (no checkpointable position yet) keeps it whole
    const blocker = this.db.checkpointBlocker();
    if (blocker) {
      this.lastError = this.skipped = `checkpoint skipped: ${blocker}`;
      return null;
    }
    this.running = true;
    const started = performance.now();
    try {
      const db = this.db;
      // the checkpoint barrier: once it returns, every dataflow has passed it
      const epoch = db.streams.barrier(true);
      const relations: Record<string, string[]> = {};
      const dataflows: Record<string, string> = {};
      const blobs: { name: string; bytes: Buffer }[] = [];
      const nextRelations = new Map<string, CommittedRelation>();
      const nextDataflows = new Map<string, string>();
      let reused = 0;
      try {
        for (const [id, stored] of db.storedRelations()) {
          const sig = relationSignature(stored);
          const prev = this.committedRelations.get(id);
          const same = prev !== undefined && prev.stored === stored;
          let next: CommittedRelation;
          if (same && prev.sig === sig) {
            next = prev;
            reused++;
          } else {
            // the chain rule (whole, or a delta while the deltas stay small) is the cluster workers' too
            const link = nextChainLink(stored.store, same ? { links: prev.blobs.length, baseRows: prev.baseRows, deltaRows: prev.deltaRows } : null);
            if (link.kind === "delta") {
              const wm = stored.watermark;
              const d: StoredDelta = { store: link.delta, watermark: wm ? { current: wm.current, lateRows: wm.lateRows } : null };
              const name = `rel-${id}-${epoch}.delta`;
              blobs.push({ name, bytes: encodeDelta(d) });
              next = { ...prev!, sig, blobs: [...prev!.blobs, name], deltaRows: link.chain.deltaRows };
            } else {
              const name = `rel-${id}-${epoch}.state`;
              blobs.push({ name, bytes: snapshotObjects([stored as HasState]) });
              next = { sig, blobs: [name], stored, baseRows: link.chain.baseRows, deltaRows: 0 };
            }
          }
          relations[id] = next.blobs;
          nextRelations.set(id, next);
        }
        for (const df of db.streams.all()) {
          // a sink's query restarts from its state too (the log before the checkpoint is gone); SUBSCRIBE: not durable
          const kind = db.catalog.relationById(df.id)?.kind;
          if (kind !== "materialized_view" && kind !== "sink") continue;
          const prev = this.committedDataflows.get(df.id);
          let blob: string;
          if (prev && !df.changedSinceSnapshot) {
            blob = prev;
            reused++;
          } else {
            blob = `df-${df.id}-${epoch}.state`;
            blobs.push({ name: blob, bytes: df.snapshotState() });
          }
          dataflows[df.id] = blob;
          nextDataflows.set(df.id, blob);
        }
      } catch (e) {
        if (e instanceof StateEncodeError) {
          this.lastError = this.skipped = `checkpoint skipped: ${e.message}`;
          return null;
        }
        throw e;
      }
      if (!force && blobs.length === 0 && this.last !== null && this.log.bytes === 0) return null; // nothing new since the last one
      const sources: Record<string, unknown> = {};
      for (const [id, runner] of db.sourceRunners()) sources[id] = runner.position();
      const sinks: Record<string, unknown> = {};
      for (const [id, task] of db.checkpointedTasks()) sinks[id] = task.checkpointState();
      const walSegment = this.log.rotate();
      const relationRows: Record<string, [number, number]> = {};
      for (const [id, r] of nextRelations) relationRows[id] = [r.baseRows, r.deltaRows];
      const names: Record<string, [string, string]> = {};
      for (const id of [...Object.keys(relations), ...Object.keys(dataflows), ...Object.keys(sources), ...Object.keys(sinks)]) {
        const entry = db.catalog.relationById(id);
        if (entry) names[id] = [entry.schema, entry.name];
      }
      const manifest: CheckpointManifest = { format: 1, epoch, walSegment, ddl: [...this.ddl], relations, relationRows, dataflows, sources, sinks, names, logPosition: db.logPosition };
      // the dataflows' flags are cleared now: if writing fails, everything is rewritten next time
      for (const df of db.streams.all()) df.changedSinceSnapshot = false;
      this.committedRelations = new Map();
      this.committedDataflows = new Map();
      let bytes = 0;
      for (const b of blobs) {
        this.store.writeBlob(b.name, b.bytes);
        bytes += b.bytes.length;
      }
      this.beforeCommit?.(epoch);
      this.store.commit(manifest);
      this.committedRelations = nextRelations;
      for (const { stored } of nextRelations.values()) stored.store.markCheckpointed();
      this.committedDataflows = nextDataflows;
      // only now may a source let go upstream of what this checkpoint holds (a CDC slot's confirmed LSN)
      for (const [id, runner] of db.sourceRunners()) if (id in sources) runner.checkpointCommitted?.(sources[id]);
      this.log.dropBefore(walSegment);
      this.store.removeUnreferenced(manifest);
      this.lastError = null;
      this.last = { epoch, written: blobs.length, reused, bytes, ms: performance.now() - started, at: Date.now() };
      return this.last;
    } finally {
      this.running = false;
    }
  }

  /** Rebuilds the database from a committed checkpoint (the log after it is replayed by the caller). */
  async restore(manifest: CheckpointManifest, session: Session): Promise<void> {
    const db = this.db;
    for (const sql of manifest.ddl) {
      await session.execute(sql);
      this.ddl.push(sql);
    }
    // the ids the replayed DDL gave the relations the checkpoint names
    const idOf = (id: string): string => {
      const name = manifest.names?.[id];
      return name ? (db.catalog.findRelation(name)?.id ?? id) : id;
    };
    const stored = db.storedRelations();
    for (const [oldId, chain] of Object.entries(manifest.relations)) {
      const id = idOf(oldId);
      const r = stored.get(id);
      if (!r) throw new Error(`the checkpoint has rows for relation ${id}, which its DDL does not create`);
      restoreObjects([r as HasState], this.store.readBlob(chain[0]));
      for (const name of chain.slice(1)) {
        const d = decodeDelta(this.store.readBlob(name));
        r.store.applyDelta(d.store);
        if (d.watermark && r.watermark) {
          r.watermark.current = d.watermark.current;
          r.watermark.lateRows = d.watermark.lateRows;
        }
      }
      r.store.markCheckpointed();
      r.rebuildIndexes();
      const [baseRows, deltaRows] = manifest.relationRows?.[oldId] ?? [0, Number.MAX_SAFE_INTEGER];
      this.committedRelations.set(id, { sig: relationSignature(r), blobs: chain, stored: r, baseRows, deltaRows });
    }
    const restoredViews = new Set<string>();
    for (const [oldId, blob] of Object.entries(manifest.dataflows)) {
      const id = idOf(oldId);
      const df = db.streams.get(id);
      if (!df) throw new Error(`the checkpoint has state for view ${id}, which its DDL does not create`);
      df.restoreState(this.store.readBlob(blob));
      this.committedDataflows.set(id, blob);
      restoredViews.add(id);
    }
    // a view the checkpoint holds neither state nor rows of (a cluster's log snapshot leaves out the
    // views run on workers, whose state lives there: log-snapshots.ts) is filled from its inputs'
    // restored rows, as its CREATE would have; a single node's checkpoints always hold every view
    const restoredRows = new Set(Object.keys(manifest.relations).map(idOf));
    for (const df of db.streams.all()) {
      if (restoredViews.has(df.id) || restoredRows.has(df.id) || db.catalog.relationById(df.id)?.kind !== "materialized_view") continue;
      for (const input of df.inputs) {
        const rel = db.relation(input);
        for (const chunk of rel.store.scan(rel.entry.columns.map((_, i) => i))) df.deliver(input, chunk);
      }
      df.barrier(db.streams.nextEpoch());
    }
    for (const [oldId, pos] of Object.entries(manifest.sources)) {
      db.sourceRunners().get(idOf(oldId))?.restorePosition(pos);
    }
    for (const [oldId, state] of Object.entries(manifest.sinks ?? {})) {
      db.checkpointedTasks().get(idOf(oldId))?.restoreCheckpointState(state);
    }
    this.last = { epoch: manifest.epoch, written: 0, reused: 0, bytes: 0, ms: 0 };
  }
}
