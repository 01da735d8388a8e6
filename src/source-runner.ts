// Drives the generator sources of streams (connector = 'datagen' | 'nexmark'): on a short timer
// it asks each source for the rows due at its rate, appends them to the stream and publishes them
// (one epoch per tick). Also advances the watermark of a quiet stream with the wall clock once it
// has been idle for `watermark.idle_timeout`, so closed windows do not wait forever for data.

import type { Database } from "./database.js";
import type { GeneratorSource } from "./connectors/index.js";
import type { SourceRecord, SourceTask } from "./source-task.js";
import { applyRowBatch, handOverBatch, sourcesReplicated } from "./replicated-source.js";
import { compareValues, type Chunk } from "./types/index.js";

const TICK_MS = 20;
/** rows a source may produce in one tick when unthrottled (keeps the server responsive) */
const MAX_ROWS_PER_TICK = 65_536;
const CHUNK_ROWS = 4096;

export class SourceRunner implements SourceTask {
  private timer: NodeJS.Timeout | null = null;
  private produced = 0;
  private startedAt = Date.now();
  exhausted = false;

  constructor(
    private readonly db: Database,
    readonly relation: string,
    private readonly source: GeneratorSource,
  ) {}

  private running = false;
  private stopped = false;
  /** each start() runs its own loop; a loop of an earlier start (before a halt) ends */
  private generation = 0;

  start(): void {
    if (this.running || this.stopped || this.exhausted) return;
    this.running = true;
    const generation = ++this.generation;
    this.startedAt = Date.now() - (this.source.rowsPerSecond > 0 ? (this.produced * 1000) / this.source.rowsPerSecond : 0);
    const replicated = sourcesReplicated(this.db);
    const loop = async () => {
      this.timer = null;
      if (generation !== this.generation) return;
      try {
        if (replicated) await this.tickReplicated();
        else this.tick();
      } catch (e) {
        // a failing source stops; the error is kept for sage_catalog and the log
        this.error = e instanceof Error ? e.message : String(e);
        // cluster mode: the input log away or this coordinator deposed: it tries again while it leads
        if (!replicated) this.exhausted = true;
      }
      if (!this.exhausted && this.running && generation === this.generation) this.timer = setTimeout(() => void loop(), this.source.rowsPerSecond > 0 || replicated ? TICK_MS : 0);
      this.timer?.unref();
    };
    this.timer = setTimeout(() => void loop(), 0);
    this.timer.unref();
  }

  halt(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = false;
  }

  error: string | null = null;

  get rowsProduced(): number {
    return this.produced;
  }

  /** Produces the rows due now (logged, so recovery regenerates them); returns how many. */
  tick(): number {
    const due = this.rowsDue();
    if (due <= 0) return 0;
    const from = this.positionLogged ? undefined : this.source.offset();
    const n = this.produce(due);
    if (n > 0) {
      this.db.log([from === undefined ? { t: "source", rel: this.relation, n } : { t: "source", rel: this.relation, n, from }]);
      this.positionLogged = true;
    }
    return n;
  }

  /**
   * Cluster mode, on the leader: generates the rows due and hands them to the input log with the
   * position after them; the generator goes back if the log did not take them (this replica's
   * application of the batch sets the position for good).
   */
  private async tickReplicated(): Promise<void> {
    const due = this.rowsDue();
    if (due <= 0) return;
    const before = this.source.offset();
    const { chunks, n, exhausted } = this.generate(due);
    if (n === 0 && !exhausted) return;
    try {
      await handOverBatch(this.db, this.relation, chunks, { offset: this.source.offset(), produced: this.produced + n, exhausted });
      this.error = null;
    } catch (e) {
      this.source.seek(before);
      throw e;
    }
  }

  applyReplicated(chunks: Chunk[], position: unknown): void {
    applyRowBatch(this.db, this.relation, chunks, position, this);
  }

  /** Recovery: regenerates the rows a log record says were produced (from where it says the source was). */
  replay(rec: SourceRecord): void {
    if (rec.from !== undefined) this.seek(rec.from);
    this.produce(rec.n);
  }

  /** whether this run's log holds the source's position (see LogRecord "source") */
  private positionLogged = false;

  /** Replay: the source was at `offset` before the logged rows (it may have chosen base times then). */
  seek(offset: unknown): void {
    this.source.seek(offset);
  }

  /** the rows due now at the source's rate (at most a tick's worth); none while views are overloaded */
  private rowsDue(): number {
    // backpressure: while continuous views wait on a slow model, produce nothing (rows stay due)
    if (this.db.streams.overloaded) return 0;
    const rate = this.source.rowsPerSecond;
    const due = rate > 0 ? Math.floor((rate * (Date.now() - this.startedAt)) / 1000) - this.produced : MAX_ROWS_PER_TICK;
    return Math.min(due, MAX_ROWS_PER_TICK);
  }

  /** up to `due` rows from the generator, in chunks; `exhausted` once it has no more */
  private generate(due: number): { chunks: Chunk[]; n: number; exhausted: boolean } {
    const chunks: Chunk[] = [];
    let n = 0;
    while (n < due) {
      const chunk = this.source.next(Math.min(due - n, CHUNK_ROWS));
      if (chunk === null) return { chunks, n, exhausted: true };
      chunks.push(chunk);
      n += chunk.length;
    }
    return { chunks, n, exhausted: false };
  }

  /** Produces up to `due` rows into the stream and publishes them as one epoch. */
  produce(due: number): number {
    const stored = this.db.relation(this.relation);
    let watermark: unknown = undefined;
    const { chunks, n, exhausted } = this.generate(due);
    if (exhausted) this.exhausted = true;
    for (const chunk of chunks) {
      const r = stored.appendChunk(chunk);
      if (r.watermark !== undefined) watermark = r.watermark;
      this.db.publishChunk(this.relation, r.accepted);
    }
    this.produced += n;
    if (n > 0 || watermark !== undefined) this.db.publishChanges(this.relation, [], [], watermark);
    return n;
  }

  /** Where the generator is (for checkpoints): its offset and the rows produced so far. */
  position(): { offset: unknown; produced: number; exhausted: boolean } {
    return { offset: this.source.offset(), produced: this.produced, exhausted: this.exhausted };
  }

  /** Resumes from a checkpointed position (before start(); the rows before it are in the checkpoint). */
  restorePosition(position: unknown): void {
    const p = position as { offset: unknown; produced: number; exhausted: boolean };
    this.source.seek(p.offset);
    this.produced = p.produced;
    this.exhausted = p.exhausted;
  }

  stop(): void {
    this.halt();
    this.stopped = true;
    this.exhausted = true;
  }
}

/** Moves a quiet stream's watermark forward with the wall clock (WITH (watermark.idle_timeout = ...)). */
export class IdleWatermark {
  private timer: NodeJS.Timeout | null = null;
  private lastSeen: unknown = undefined;
  private quietSince = Date.now();
  private lastTick = Date.now();

  constructor(
    private readonly db: Database,
    readonly relation: string,
    private readonly idleMs: number,
  ) {}

  start(): void {
    const period = Math.max(10, Math.min(1000, Math.floor(this.idleMs / 4)));
    this.timer = setInterval(() => this.check(), period);
    this.timer.unref();
  }

  check(now = Date.now()): void {
    const stored = this.db.relation(this.relation);
    const wm = stored.watermark;
    if (!wm || wm.current === undefined || typeof wm.current !== "number") return;
    const elapsed = now - this.lastTick;
    this.lastTick = now;
    if (this.lastSeen === undefined || compareValues(stored.entry.columns[wm.column].type, wm.current, this.lastSeen) !== 0) {
      this.lastSeen = wm.current;
      this.quietSince = now;
      return;
    }
    if (now - this.quietSince < this.idleMs) return;
    wm.current = (wm.current as number) + elapsed * 1000;
    this.lastSeen = wm.current;
    this.db.publishChanges(this.relation, [], [], wm.current);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
