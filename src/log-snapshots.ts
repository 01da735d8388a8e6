// Snapshots of the cluster's input log, and the cut they allow (docs/cluster.md "Cutting the input
// log"). Every `everyMessages` messages or `everyBytes` bytes of log, the leader's replica, between
// two messages (its state is then exactly the log up to sequence S), takes a local checkpoint of
// every database (checkpointer.ts: catalog, tables, views, sources, the replica position S) and
// the rows of every table, uploads them to the object store and records them under
// `cluster/snapshot` (compare-and-set, with its term; a new leader stamps the key with its own, so
// a deposed leader's record and cut fail). Then:
// - a coordinator whose data directory is empty, or behind the log's first sequence, downloads
//   the checkpoint files into its data directory (bootstrapLogSnapshot), opens it as after a
//   restart and follows the log from S + 1;
// - a view placed on workers with nothing committed reads its tables' rows from the snapshot
//   (the assignment names it: worker-generation.ts) and the log from S + 1;
// - the coordinator's tick cuts the log below min(S + 1, what each view restarts from, what each
//   live coordinator applied: holdLogPosition), then the large-write bodies (`replica/<id>`) only
//   cut messages named and the snapshots nobody reads go.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { Database } from "./database.js";
import { BUCKET_CLUSTER, BUCKET_LEADER, KEY_SNAPSHOT, decodeRecord, deleteObjects, encodeRecord, encodeSnapshotRows, type Backbone, type ClusterCoordinator, type LogInfo, type LogSnapshotRecord } from "./cluster/index.js";
import { CHECKPOINT_MANIFEST, CheckpointStore, DATA_DIRECTORY_MARKER, MASTER_KEY_FILE } from "./storage/index.js";
import { SqlError, SqlState, type Chunk } from "./types/index.js";

export interface LogSnapshotOptions {
  /** a snapshot once this many messages were applied since the last one (0: never by count) */
  everyMessages: number;
  /** ... or this many bytes of log (0: never by size) */
  everyBytes: number;
}

export const DEFAULT_LOG_SNAPSHOTS: LogSnapshotOptions = { everyMessages: 10_000, everyBytes: 64 * 1024 * 1024 };

const REPLICA_OBJECT_PREFIX = "replica/";
const SNAPSHOT_OBJECT_PREFIX = "snapshot/";
/** `leader/position/<coordinator>`: the last sequence a live coordinator applied (TTL: the lease's) */
const POSITION_KEY_PREFIX = "position/";

/** what one snapshot holds, read synchronously between two messages */
interface Captured {
  seq: number;
  term: number;
  /** data-directory-relative path -> bytes */
  files: Map<string, Uint8Array>;
  /** relation id -> its rows (null: unchanged since this process's previous snapshot, whose object it reuses) */
  rows: Map<string, { chunks: Chunk[] | null; version: number }>;
  captureMs?: number;
}

export class LogSnapshots {
  private messages = 0;
  private bytes = 0;
  private running = false;
  /** large-write bodies (`replica/<id>` objects) named by messages this process applied -> sequence */
  private readonly blobs = new Map<string, number>();
  /** the first sequence this process applied (it knows every message from there) */
  private firstApplied = Infinity;
  /** this process's uploads, reused by its next snapshot when unchanged: relative path or relation id -> object */
  private uploadedFiles = new Map<string, string>();
  private uploadedRows = new Map<string, { version: number; object: string }>();
  /** sage_catalog.input_log: the latest snapshot and the log as last read */
  latest: LogSnapshotRecord | null = null;
  logInfo: LogInfo | null = null;

  constructor(
    private readonly db: Database,
    private readonly backbone: Backbone,
    private readonly coordinator: ClusterCoordinator,
    /** the replica's write lock: no large write is being appended while bodies are deleted */
    private readonly lock: () => Promise<() => void>,
    private readonly options: LogSnapshotOptions,
    private readonly log: (event: string, fields: Record<string, unknown>) => void,
    /** the relation ids of the views run on workers now (their state here is a copy: left out) */
    private readonly viewsOnWorkers: () => Iterable<string>,
  ) {}

  /** a message was applied (`blob`: the object holding the large write's body it named) */
  applied(seq: number, bytes: number, blob: string | null): void {
    this.firstApplied = Math.min(this.firstApplied, seq);
    this.messages++;
    this.bytes += bytes;
    if (blob !== null) this.blobs.set(blob, seq);
  }

  /**
   * Between two messages (the state is exactly the log up to `seq`), while leading with `term`:
   * takes a snapshot once one is due. Never throws: a snapshot that fails is only logged.
   */
  maybeTake(seq: number, term: number): void {
    const { everyMessages, everyBytes } = this.options;
    const due = (everyMessages > 0 && this.messages >= everyMessages) || (everyBytes > 0 && this.bytes >= everyBytes);
    if (!due || this.running || term === 0) return;
    this.messages = 0;
    this.bytes = 0;
    let captured: Captured | null;
    const started = performance.now();
    try {
      captured = this.capture(seq, term);
    } catch (e) {
      this.log("log_snapshot_failed", { seq, error: e instanceof Error ? e.message : String(e) });
      return;
    }
    if (captured === null) return;
    // what the replica stopped for (the log is applied no further meanwhile)
    captured.captureMs = Math.round(performance.now() - started);
    this.running = true;
    this.publish(captured)
      .catch((e: unknown) => this.log("log_snapshot_failed", { seq, error: e instanceof Error ? e.message : String(e) }))
      .finally(() => (this.running = false));
  }

  /** the data directory every database's directory is under */
  private rootDir(): string {
    return this.db.options.dataDir ?? "./sage-data";
  }

  private capture(seq: number, term: number): Captured | null {
    const engines = this.db.cluster.all();
    if (this.db.options.memory === true || engines.some((e) => e.checkpoints === null)) {
      this.log("log_snapshot_skipped", { seq, reason: "a coordinator in memory (--memory) takes no snapshots: the input log is not cut" });
      return null;
    }
    const files = new Map<string, Uint8Array>();
    const root = this.rootDir();
    for (const engine of engines) {
      // forced: the checkpoint must hold the state at exactly this sequence
      if (engine.checkpoints!.checkpoint(true) === null) {
        this.log("log_snapshot_skipped", { seq, reason: engine.checkpoints!.lastError ?? "a checkpoint was running" });
        return null;
      }
      const engineDir = engine.options.dataDir ?? root;
      // the marker: the bootstrapped folder opens as a data directory (of this format)
      files.set(relative(root, join(engineDir, DATA_DIRECTORY_MARKER)), readFileSync(join(engineDir, DATA_DIRECTORY_MARKER)));
      const dir = join(engineDir, "checkpoints");
      const manifest = snapshotManifest(new CheckpointStore(dir), engine === this.db ? new Set(this.viewsOnWorkers()) : new Set());
      files.set(relative(root, join(dir, CHECKPOINT_MANIFEST)), manifest.bytes);
      for (const blob of manifest.blobs) files.set(relative(root, join(dir, blob)), readFileSync(join(dir, blob)));
    }
    // the CREATE SECRET values in the checkpoints' DDL are sealed with this key (the log holds them in clear already)
    if (existsSync(join(root, MASTER_KEY_FILE))) files.set(MASTER_KEY_FILE, readFileSync(join(root, MASTER_KEY_FILE)));
    const rows = new Map<string, { chunks: Chunk[] | null; version: number }>();
    for (const [id, stored] of this.db.storedRelations()) {
      if (this.db.catalog.relationById(id)?.kind !== "table") continue;
      const { store } = stored;
      if (this.uploadedRows.get(id)?.version === store.version) {
        rows.set(id, { chunks: null, version: store.version });
        continue;
      }
      // the live rows, column-wise (as a view's backfill reads them)
      const chunks = [...store.scan(stored.entry.columns.map((_, i) => i))];
      rows.set(id, { chunks, version: store.version });
    }
    return { seq, term, files, rows };
  }

  private async publish(c: Captured): Promise<void> {
    const { objects } = this.backbone;
    const node = this.coordinator.id;
    let bytes = 0;
    const files: Record<string, string> = {};
    const uploadedFiles = new Map<string, string>();
    for (const [path, data] of c.files) {
      // checkpoint blobs never change under one name (their names carry the epoch); the manifest does
      let object = path.endsWith("MANIFEST") || path.endsWith(DATA_DIRECTORY_MARKER) || path === MASTER_KEY_FILE ? undefined : this.uploadedFiles.get(path);
      if (object === undefined) {
        object = `${SNAPSHOT_OBJECT_PREFIX}files/${node}/${c.seq}/${path}`;
        await objects.put(object, data);
      }
      files[path] = object;
      uploadedFiles.set(path, object);
      bytes += data.length;
    }
    const rows: Record<string, string> = {};
    const uploadedRows = new Map<string, { version: number; object: string }>();
    for (const [id, { chunks, version }] of c.rows) {
      let object = this.uploadedRows.get(id)?.object;
      if (chunks !== null || object === undefined) {
        object = `${SNAPSHOT_OBJECT_PREFIX}rows/${node}/${c.seq}/${id}`;
        const data = encodeSnapshotRows(chunks ?? []);
        await objects.put(object, data);
        bytes += data.length;
      }
      rows[id] = object;
      uploadedRows.set(id, { version, object });
    }
    const record: LogSnapshotRecord = { term: c.term, seq: c.seq, at: Date.now(), files, rows, bytes };
    if (!(await this.record(record))) return;
    this.uploadedFiles = uploadedFiles;
    this.uploadedRows = uploadedRows;
    this.latest = record;
    this.log("log_snapshot", { seq: c.seq, bytes, files: Object.keys(files).length, tables: Object.keys(rows).length, captureMs: c.captureMs });
    // never past a live coordinator's position: a standby (or one starting from a snapshot) that is
    // behind goes on from where it is rather than start over
    let below = c.seq;
    const positions = await this.backbone.bucket(BUCKET_LEADER, { ttlMs: this.coordinator.options.timing.leaderTtlMs });
    for (const key of await positions.keys(POSITION_KEY_PREFIX)) {
      const entry = await positions.get(key);
      if (entry !== null) below = Math.min(below, decodeRecord<{ seq: number }>(entry.value).seq);
    }
    const keepFrom = await this.coordinator.requestCut(below);
    if (keepFrom === null) return;
    await this.collectGarbage(keepFrom, record);
  }

  /** records the snapshot (compare-and-set, fenced by the term); false: a newer one or a newer leader is there */
  private async record(record: LogSnapshotRecord): Promise<boolean> {
    const bucket = await this.backbone.bucket(BUCKET_CLUSTER);
    const entry = await bucket.get(KEY_SNAPSHOT);
    if (entry === null) {
      await bucket.create(KEY_SNAPSHOT, encodeRecord(record));
      return this.coordinator.term === record.term;
    }
    const current = decodeRecord<LogSnapshotRecord>(entry.value);
    if (current.term > record.term || current.seq >= record.seq || this.coordinator.term !== record.term) return false;
    await bucket.update(KEY_SNAPSHOT, encodeRecord(record), entry.revision);
    return true;
  }

  /**
   * After a cut below `keepFrom`: deletes the large-write bodies no message left names, and the
   * snapshot objects neither the latest snapshot nor the current assignment names.
   */
  private async collectGarbage(keepFrom: number, latest: LogSnapshotRecord): Promise<void> {
    const { objects } = this.backbone;
    const release = await this.lock();
    let bodies: string[];
    try {
      // under the write lock no append of ours is between storing its body and the log naming it;
      // a body no message this process applied names is an orphan (its append failed or was a
      // deposed leader's) or named by a message cut before this process started: both go, but
      // only once this process saw every message left, so nothing left can name it
      const everyMessageSeen = this.firstApplied <= keepFrom;
      bodies = (await objects.list(REPLICA_OBJECT_PREFIX)).filter((name) => {
        const seq = this.blobs.get(name);
        return seq === undefined ? everyMessageSeen : seq < keepFrom;
      });
      await deleteObjects(objects, bodies);
    } finally {
      release();
    }
    for (const [id, seq] of this.blobs) if (seq < keepFrom) this.blobs.delete(id);
    const keep = new Set([...Object.values(latest.files), ...Object.values(latest.rows), ...Object.values(this.coordinator.assignment?.snapshot?.rows ?? {})]);
    const snapshots = (await objects.list(SNAPSHOT_OBJECT_PREFIX)).filter((name) => !keep.has(name));
    await deleteObjects(objects, snapshots);
    if (bodies.length + snapshots.length > 0) this.log("log_garbage_collected", { keepFrom, replicaBodies: bodies.length, snapshotObjects: snapshots.length });
  }

  /** sage_catalog.input_log's figures, refreshed by the replica's poll */
  async refresh(): Promise<void> {
    this.logInfo = await this.backbone.log.info();
    const entry = await (await this.backbone.bucket(BUCKET_CLUSTER)).get(KEY_SNAPSHOT);
    this.latest = entry === null ? null : decodeRecord<LogSnapshotRecord>(entry.value);
  }
}

/**
 * The committed checkpoint's manifest without the views run on workers: the leader's dataflow of
 * such a view is detached from its inputs (its operators hold nothing, its rows are the copy fed
 * from the workers), so a coordinator started from the snapshot fills them from their tables
 * instead (Checkpointer.restore), as a coordinator replaying the log computes them. Returns the
 * manifest file's bytes and the blobs it names.
 */
function snapshotManifest(store: CheckpointStore, leaveOut: ReadonlySet<string>): { bytes: Uint8Array; blobs: string[] } {
  const m = store.readManifest();
  if (m === null) throw new SqlError(SqlState.InternalError, `no checkpoint in ${store.path} right after one was taken`);
  for (const id of leaveOut) {
    delete m.relations[id];
    delete m.relationRows?.[id];
    delete m.dataflows[id];
  }
  return { bytes: CheckpointStore.manifestFile(m), blobs: CheckpointStore.blobsOf(m) };
}

/**
 * A coordinator about to open `dataDir` while the input log no longer holds what follows its
 * position (an empty directory after a cut, or one left behind): writes the latest snapshot's
 * checkpoint files into it (which must be empty), so that it opens at the snapshot's sequence.
 * Resolves with that sequence. A snapshot GC'd while it was read is read again (the newer one).
 */
export async function bootstrapLogSnapshot(backbone: Backbone, dataDir: string, hold: (seq: number) => Promise<void>): Promise<number> {
  const bucket = await backbone.bucket(BUCKET_CLUSTER);
  for (let attempt = 1; ; attempt++) {
    const entry = await bucket.get(KEY_SNAPSHOT);
    if (entry === null) throw new SqlError(SqlState.DataCorrupted, "the input log was cut but the cluster has no snapshot to start from");
    const record = decodeRecord<LogSnapshotRecord>(entry.value);
    // held before it is checked: a cut the leader decided before the hold was seen shows here
    await hold(record.seq);
    if ((await backbone.log.info()).firstSeq > record.seq + 1) {
      if (attempt >= 20) throw new SqlError(SqlState.DataCorrupted, `the input log was cut past the latest snapshot (at sequence ${record.seq})`);
      continue;
    }
    const files: [string, Uint8Array][] = [];
    let missing: string | null = null;
    for (const [path, object] of Object.entries(record.files)) {
      const data = await backbone.objects.get(object);
      if (data === null) {
        missing = object;
        break;
      }
      files.push([path, data]);
    }
    if (missing !== null) {
      if (attempt >= 5) throw new SqlError(SqlState.DataCorrupted, `the snapshot at sequence ${record.seq} lacks its object ${missing}`);
      continue;
    }
    for (const [path, data] of files) {
      const target = join(dataDir, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data);
    }
    return record.seq;
  }
}

/**
 * Holds the input log from `seq() + 1` on while this coordinator lives: its position in the lease
 * bucket (TTL: the lease's, renewed at a quarter of it), which the leader's cut stays below. A
 * coordinator that stops (or is killed) lets go once the key expires. Returns the release.
 */
export async function holdLogPosition(backbone: Backbone, leaderTtlMs: number, holder: string, seq: () => number): Promise<() => void> {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const key = `${POSITION_KEY_PREFIX}${holder}`;
  const renew = async (): Promise<void> => {
    try {
      await (await backbone.bucket(BUCKET_LEADER, { ttlMs: leaderTtlMs })).put(key, encodeRecord({ seq: seq() }));
    } catch {
      // NATS away: the key may expire and the log be cut past us; the replica then sees the gap
    }
    if (!stopped) timer = setTimeout(() => void renew(), Math.max(100, Math.floor(leaderTtlMs / 4)));
  };
  await renew();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    void backbone
      .bucket(BUCKET_LEADER, { ttlMs: leaderTtlMs })
      .then((b) => b.delete(key))
      .catch(() => {});
  };
}
