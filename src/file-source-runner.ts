// Feeds a stream or table from files (WITH (connector = 'file', path = ..., format = ...)): reads
// every file the path names, in name order, in chunks through DuckDB, and with `watch = true`
// polls for files that appear later. Each batch of rows is logged as a `source` record (file, row
// offset, count) so that recovery re-reads exactly those rows and resumes after them: a restart
// neither skips nor repeats rows. A file is read once, whole, when it is first seen: writers should
// make files appear complete (write, then rename), as our file sink does.

import type { Database } from "./database.js";
import { ConnectorOptions, FileReader, listFiles, readFileFormat, type FileColumn } from "./connectors/index.js";
import { SqlError, SqlState } from "./types/index.js";
import { appendChunkTo } from "./relation-append.js";
import type { SourceRecord, SourceTask } from "./source-task.js";
import type { RelationEntry } from "./catalog/index.js";
import { applyRowBatch, handOverBatch, sourcesReplicated, startSource } from "./replicated-source.js";
import type { Chunk } from "./types/index.js";

/** rows per logged batch (one epoch, one fsync) */
const BATCH_ROWS = 65_536;

export interface FileSourceOptions {
  path: string;
  watch: boolean;
  pollMs: number;
}

/** The file connector's options (path, format, header, delimiter, null, watch, poll_interval_ms); 22023 on a bad one. */
const FILE_SOURCE_OPTIONS = ["connector", "path", "format", "header", "delimiter", "null", "watch", "poll_interval_ms"];
/** options every stream or table may carry, whatever feeds it */
const RELATION_OPTIONS = ["retention", "late_rows", "watermark.idle_timeout"];

export function readFileSourceOptions(options: Record<string, string>): { source: FileSourceOptions; format: ReturnType<typeof readFileFormat> } {
  const unknown = Object.keys(options).find((k) => !FILE_SOURCE_OPTIONS.includes(k.toLowerCase()) && !RELATION_OPTIONS.includes(k.toLowerCase()));
  if (unknown !== undefined) {
    throw new SqlError(SqlState.InvalidParameterValue, `unknown option "${unknown}" for connector 'file'`, { hint: `Options: ${FILE_SOURCE_OPTIONS.slice(1).join(", ")}.` });
  }
  const o = new ConnectorOptions(options);
  const path = o.raw("path")?.value;
  if (!path) throw new SqlError(SqlState.InvalidParameterValue, `option "path" is required for connector 'file'`, { hint: "Give a file, a directory or a glob, e.g. path = '/data/events/*.parquet'." });
  const watch = o.choice("watch", ["true", "false"], "false") === "true";
  const pollMs = o.number("poll_interval_ms", 1000, { min: 10, max: 3_600_000 });
  const format = readFileFormat(options, path, { header: true });
  return { source: { path, watch, pollMs }, format };
}

interface FileSourcePosition {
  done: string[];
  current: { file: string; at: number } | null;
  produced: number;
}

export class FileSourceRunner implements SourceTask {
  private readonly reader: FileReader;
  private readonly done = new Set<string>();
  /** the partly read file and the next row to read in it */
  private current: { file: string; at: number } | null = null;
  private produced = 0;
  private stopped = false;
  /** not reading now (cluster mode: this coordinator does not lead) */
  private halted = true;
  private timer: NodeJS.Timeout | null = null;
  exhausted = false;
  error: string | null = null;

  constructor(
    private readonly db: Database,
    readonly relation: string,
    columns: FileColumn[],
    private readonly options: FileSourceOptions,
    format: ReturnType<typeof readFileFormat>,
  ) {
    this.reader = new FileReader(columns, format);
  }

  get rowsProduced(): number {
    return this.produced;
  }

  start(): void {
    if (this.error !== null || !this.halted || this.stopped || this.exhausted) return;
    this.halted = false;
    const replicated = sourcesReplicated(this.db);
    const loop = async () => {
      this.timer = null;
      try {
        await this.pass();
      } catch (e) {
        // a failing source stops; the error shows in sage_catalog.sources
        this.error = e instanceof Error ? e.message : String(e);
        // cluster mode: the input log away or this coordinator deposed: read again from the applied position while leading
        if (replicated && !this.halted && !this.stopped) {
          this.timer = setTimeout(() => void loop(), this.options.pollMs);
          this.timer.unref();
          return;
        }
        this.exhausted = true;
        return;
      }
      if (this.stopped || this.halted) return;
      if (!this.options.watch) {
        this.exhausted = true;
        return;
      }
      this.timer = setTimeout(() => void loop(), this.options.pollMs);
      this.timer.unref();
    };
    void loop();
  }

  /** Reads every file not read yet. */
  private async pass(): Promise<void> {
    const files = await listFiles(this.options.path).catch((e) => {
      // a watched directory (or glob) may be empty or not exist yet
      if (this.options.watch && e instanceof SqlError && e.code === SqlState.UndefinedFile) return [];
      throw e;
    });
    for (const file of files) {
      if (this.stopped || this.halted) return;
      if (this.done.has(file)) continue;
      await this.readFile(file, this.current?.file === file ? this.current.at : 0);
    }
  }

  private async readFile(file: string, from: number): Promise<void> {
    if (sourcesReplicated(this.db)) return this.readFileReplicated(file, from);
    let at = from;
    let pending = 0;
    let watermark: unknown = undefined;
    for await (const chunk of this.reader.read(file, from)) {
      if (this.stopped) return;
      const r = appendChunkTo(this.db, this.relation, chunk, false);
      if (r.watermark !== undefined) watermark = r.watermark;
      pending += chunk.length;
      if (pending >= BATCH_ROWS) {
        this.commit(file, at, pending, false, watermark);
        at += pending;
        pending = 0;
        watermark = undefined;
      }
    }
    if (!this.stopped) this.commit(file, at, pending, true, watermark);
  }

  /**
   * Cluster mode, on the leader: each batch goes to the input log with the position after it; the
   * reader's position moves when this replica applies it (applyReplicated).
   */
  private async readFileReplicated(file: string, from: number): Promise<void> {
    let at = from;
    let pending: Chunk[] = [];
    let n = 0;
    const handOver = async (done: boolean) => {
      const position: FileSourcePosition = { done: done ? [...this.done, file] : [...this.done], current: done ? null : { file, at: at + n }, produced: this.produced + n };
      await handOverBatch(this.db, this.relation, pending, position);
      at += n;
      pending = [];
      n = 0;
    };
    for await (const chunk of this.reader.read(file, from)) {
      if (this.stopped || this.halted) return;
      pending.push(chunk);
      n += chunk.length;
      if (n >= BATCH_ROWS) await handOver(false);
    }
    if (!this.stopped && !this.halted) await handOver(true);
  }

  applyReplicated(chunks: Chunk[], position: unknown): void {
    applyRowBatch(this.db, this.relation, chunks, position, this);
  }

  halt(): void {
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Ends a batch: logs it (durable), makes it visible (one epoch), moves the position. */
  private commit(file: string, at: number, n: number, done: boolean, watermark: unknown): void {
    this.db.log([{ t: "source", rel: this.relation, n, file, at, done }]);
    this.advance(file, at, n, done);
    this.db.publishChanges(this.relation, [], [], watermark);
  }

  private advance(file: string, at: number, n: number, done: boolean): void {
    this.produced += n;
    if (done) {
      this.done.add(file);
      this.current = null;
    } else this.current = { file, at: at + n };
  }

  /**
   * Recovery: re-reads the rows a log record says were read. A file that vanished or shrank since
   * does not stop the database from opening: the source stops, with the error in
   * sage_catalog.sources (the views over it lack those rows).
   */
  async replay(rec: SourceRecord): Promise<void> {
    if (this.error !== null) return;
    if (rec.file === undefined || rec.at === undefined) throw new Error(`a file source record without a file position`);
    let watermark: unknown = undefined;
    if (rec.n > 0) {
      let got = 0;
      try {
        for await (const chunk of this.reader.read(rec.file, rec.at, rec.n)) {
          const r = appendChunkTo(this.db, this.relation, chunk, false);
          if (r.watermark !== undefined) watermark = r.watermark;
          got += chunk.length;
        }
        if (got !== rec.n) throw new SqlError(SqlState.DataCorrupted, `file "${rec.file}" changed since it was read: ${rec.n} rows from row ${rec.at} were read before the restart, ${got} are there now`);
      } catch (e) {
        this.error = `recovery could not re-read the source: ${e instanceof Error ? e.message : String(e)}`;
        this.exhausted = true;
      }
    }
    this.advance(rec.file, rec.at, rec.n, rec.done === true);
    this.db.publishChanges(this.relation, [], [], watermark);
  }

  /** For checkpoints: the files read whole, the one being read and how far, the rows so far. */
  position(): FileSourcePosition {
    return { done: [...this.done], current: this.current, produced: this.produced };
  }

  restorePosition(position: unknown): void {
    const p = position as FileSourcePosition;
    this.done.clear();
    for (const f of p.done) this.done.add(f);
    this.current = p.current;
    this.produced = p.produced;
  }

  stop(): void {
    this.stopped = true;
    this.exhausted = true;
    this.halt();
  }
}

/**
 * Checks a file connector's options (before the relation is created) and returns what starts the
 * source once the relation exists: reading begins after recovery, resuming where the log says.
 */
export function prepareFileSource(db: Database, options: Record<string, string>): (entry: RelationEntry) => void {
  const { source, format } = readFileSourceOptions(options);
  return (entry) => {
    const runner = new FileSourceRunner(db, entry.id, entry.columns.map((c) => ({ name: c.name, type: c.type })), source, format);
    db.attachTask(entry.id, runner);
    db.registerSource(entry.id, runner);
    startSource(db, runner);
  };
}
