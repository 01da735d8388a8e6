// Runs one sqllogictest file on a fresh database: records in order, skipping those whose
// skipif/onlyif conditions exclude us (we answer to "sage" and "postgresql", and to the engine's own
// names: "cluster" against a sage-sql cluster), continuing after a
// failure (unless fail-fast), with a timeout per record. Returns counts and the failing records
// with file:line, SQL, expected and actual results.

import { readFileSync } from "node:fs";
import { dirname, relative, resolve, isAbsolute } from "node:path";
import { parseSlt, type QueryRecord, type SltRecord, type SortMode, type StatementRecord, type Location, type ExpectedError } from "./parser.js";
import { compareResult, renderValue, sortRows } from "./compare.js";
import { hashValues } from "./hash.js";
import { SltEngineError, type SltConnection, type SltDatabase, type SltEngine, type SltResult } from "./engine.js";
import { expandGlob } from "./files.js";
import { Watchdog } from "./watchdog.js";

/** The names `skipif`/`onlyif` match us by. */
export const ENGINE_NAMES: readonly string[] = ["sage", "postgresql", "postgres"];

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface SltRunOptions {
  engine: SltEngine;
  /** log every record as it runs */
  verbose?: boolean;
  /** stop at the first failing record */
  failFast?: boolean;
  /** a record running longer than this fails (default 30 s) */
  timeoutMs?: number;
  engineNames?: readonly string[];
  /** where verbose lines go (default: stdout) */
  log?: (line: string) => void;
  /** called as each failure happens */
  onFailure?: (failure: SltFailure) => void;
  /** kill the process if a record blocks the event loop far beyond its timeout (default true) */
  watchdog?: boolean;
  /** file names in reports are relative to this directory (default: the current one) */
  displayRoot?: string;
}

export interface SltFailure {
  /** file as shown (relative to displayRoot) */
  file: string;
  line: number;
  sql: string;
  message: string;
  expected?: string[];
  actual?: string[];
}

export interface SltFileReport {
  file: string;
  passed: number;
  failed: number;
  skipped: number;
  failures: SltFailure[];
  /** a `halt` record ended the file early */
  halted: boolean;
  durationMs: number;
}

export async function runSltFileWith(path: string, options: SltRunOptions): Promise<SltFileReport> {
  const run = new FileRun(path, options);
  return run.run();
}

class TimeoutError extends Error {}

/** What running one record came to: null for a pass. */
type Outcome = null | { message: string; expected?: string[]; actual?: string[] };

class FileRun {
  private readonly report: SltFileReport;
  private readonly names: Set<string>;
  private readonly timeoutMs: number;
  private readonly log: (line: string) => void;
  private db: SltDatabase | null = null;
  private readonly connections = new Map<string, Promise<SltConnection>>();
  private sortMode: SortMode = "nosort";
  private readonly labels = new Map<string, string>();
  private stopped = false;
  private watchdog: Watchdog | null = null;

  constructor(
    private readonly path: string,
    private readonly options: SltRunOptions,
  ) {
    this.report = { file: this.display(path), passed: 0, failed: 0, skipped: 0, failures: [], halted: false, durationMs: 0 };
    this.names = new Set((options.engineNames ?? [...ENGINE_NAMES, ...(options.engine.names ?? [])]).map((n) => n.toLowerCase()));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.log = options.log ?? ((line) => void process.stdout.write(line + "\n"));
  }

  async run(): Promise<SltFileReport> {
    const started = performance.now();
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (e) {
      this.fail({ file: this.path, line: 0 }, "", { message: `cannot read the file: ${(e as Error).message}` });
      return this.finish(started);
    }
    if (this.options.watchdog !== false) this.watchdog = new Watchdog(this.timeoutMs + 15_000);
    try {
      this.db = await this.options.engine.open();
    } catch (e) {
      this.fail({ file: this.path, line: 0 }, "", { message: `cannot open a database: ${messageOf(e)}` });
      await this.watchdog?.close();
      return this.finish(started);
    }
    try {
      await this.runRecords(parseSlt(text, this.path));
    } finally {
      await this.watchdog?.close();
      try {
        await this.db.close();
      } catch {
        // a failing close must not hide the report
      }
    }
    return this.finish(started);
  }

  private finish(started: number): SltFileReport {
    this.report.durationMs = performance.now() - started;
    return this.report;
  }

  private display(file: string): string {
    const root = this.options.displayRoot ?? process.cwd();
    const rel = relative(root, resolve(file));
    return rel.startsWith("..") || isAbsolute(rel) ? file : rel;
  }

  private applies(record: SltRecord): boolean {
    return record.conditions.every((c) => (c.kind === "skipif" ? !this.names.has(c.engine) : this.names.has(c.engine)));
  }

  private async runRecords(records: SltRecord[]): Promise<void> {
    for (const record of records) {
      if (this.stopped) return;
      if (record.kind === "invalid") {
        this.fail(record.loc, "", { message: `cannot parse the record: ${record.message}` });
        continue;
      }
      if (!this.applies(record)) {
        if (record.kind === "statement" || record.kind === "query") {
          this.report.skipped++;
          if (this.options.verbose) this.log(`${this.where(record.loc)}: skipped`);
        }
        continue;
      }
      switch (record.kind) {
        case "halt":
          this.report.halted = true;
          this.stopped = true;
          return;
        case "hash-threshold":
          // only matters when writing expected results; verification reads whatever the file has
          break;
        case "sortmode":
          this.sortMode = record.sortMode;
          break;
        case "sleep":
          await delay(record.ms);
          break;
        case "include":
          await this.include(record.loc, record.pattern);
          break;
        case "statement":
        case "query":
          await this.runWithRetry(record);
          break;
      }
    }
  }

  private async include(loc: Location, pattern: string): Promise<void> {
    const files = expandGlob(pattern, dirname(loc.file));
    if (files.length === 0) {
      this.fail(loc, "", { message: `include ${pattern}: no file matches` });
      return;
    }
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (e) {
        this.fail(loc, "", { message: `include ${file}: ${(e as Error).message}` });
        continue;
      }
      await this.runRecords(parseSlt(text, file));
      if (this.stopped) return;
    }
  }

  private async runWithRetry(record: StatementRecord | QueryRecord): Promise<void> {
    const attempts = 1 + (record.retry?.attempts ?? 0);
    let outcome: Outcome = null;
    const started = performance.now();
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await delay(record.retry!.backoffMs);
      this.watchdog?.start(this.where(record.loc));
      try {
        outcome = await this.execute(record);
      } finally {
        this.watchdog?.stop();
      }
      if (outcome === null) break;
    }
    if (outcome === null) {
      this.report.passed++;
      if (this.options.verbose) this.log(`${this.where(record.loc)}: ok (${(performance.now() - started).toFixed(1)} ms)`);
    } else {
      this.fail(record.loc, record.sql, outcome);
    }
  }

  private where(loc: Location): string {
    return `${this.display(loc.file)}:${loc.line}`;
  }

  private fail(loc: Location, sql: string, outcome: NonNullable<Outcome>): void {
    const failure: SltFailure = { file: this.display(loc.file), line: loc.line, sql, ...outcome };
    this.report.failed++;
    this.report.failures.push(failure);
    if (this.options.verbose) this.log(`${this.where(loc)}: FAILED: ${outcome.message}`);
    this.options.onFailure?.(failure);
    if (this.options.failFast) this.stopped = true;
  }

  private connection(name: string): Promise<SltConnection> {
    let conn = this.connections.get(name);
    if (!conn) {
      conn = this.db!.connect();
      this.connections.set(name, conn);
    }
    return conn;
  }

  /** Runs the record's SQL with the timeout; the results, or the error it failed with. */
  private async runSql(record: StatementRecord | QueryRecord): Promise<{ results?: SltResult[]; error?: SltEngineError; timedOut?: boolean }> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError()), this.timeoutMs);
    });
    try {
      const conn = await this.connection(record.connection ?? "default");
      const results = await Promise.race([conn.run(record.sql), timeout]);
      if (performance.now() - started > this.timeoutMs) return { timedOut: true };
      return { results };
    } catch (e) {
      if (e instanceof TimeoutError || performance.now() - started > this.timeoutMs) return { timedOut: true };
      return { error: e instanceof SltEngineError ? e : new SltEngineError(messageOf(e), undefined, true) };
    } finally {
      clearTimeout(timer);
    }
  }

  private async execute(record: StatementRecord | QueryRecord): Promise<Outcome> {
    const { results, error, timedOut } = await this.runSql(record);
    if (timedOut) return { message: `timed out after ${this.timeoutMs / 1000} s` };
    const expect = record.expect;
    if (expect.kind === "error") return checkError(error, expect, record.kind);
    if (error) return { message: `${record.kind} failed: ${error.message}${error.code ? ` (SQLSTATE ${error.code})` : ""}` };
    const last = results![results!.length - 1];

    if (record.kind === "statement") {
      if (expect.kind === "count") {
        const count = last?.rowCount ?? 0;
        if (count !== expect.count) return { message: `expected ${expect.count} rows affected, got ${count}` };
      }
      return null;
    }
    if (expect.kind !== "values" && expect.kind !== "hash") return null;
    if (!last) return { message: "query returned no result" };
    const sortMode = record.sortMode ?? this.sortMode;
    const mismatch = compareResult(expect, last, record.types, sortMode);
    if (mismatch) return { message: mismatch.reason, expected: mismatch.expected, actual: mismatch.actual };
    if (record.label !== undefined) return this.checkLabel(record, last, sortMode);
    return null;
  }

  /** Queries sharing a label must give the same values (classic sqllogictest). */
  private checkLabel(record: QueryRecord, result: SltResult, sortMode: SortMode): Outcome {
    const rendered = result.rows.map((row) =>
      row.map((cell, i) => renderValue(cell, result.columns[i].kind, record.types[i] ?? "T", "classic")),
    );
    const hash = hashValues(sortRows(rendered, sortMode).flat());
    const earlier = this.labels.get(record.label!);
    if (earlier === undefined) this.labels.set(record.label!, hash);
    else if (earlier !== hash) return { message: `result differs from the earlier query labelled ${record.label}` };
    return null;
  }
}

function checkError(error: SltEngineError | undefined, expect: ExpectedError, kind: string): Outcome {
  if (!error) {
    return { message: `${kind} succeeded, but an error was expected${expect.pattern ? ` matching /${expect.pattern}/` : ""}` };
  }
  if (expect.pattern !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(expect.pattern);
    } catch (e) {
      return { message: `invalid regular expression in the test: ${(e as Error).message}` };
    }
    if (!re.test(error.message)) {
      return { message: `error message does not match /${expect.pattern}/`, expected: [expect.pattern], actual: [error.message] };
    }
    return null;
  }
  if (expect.message !== undefined && expect.message.trim() !== "") {
    const norm = (s: string) => s.trim().replace(/\s+/g, " ");
    if (norm(error.message) !== norm(expect.message) && norm(`ERROR:  ${error.message}`) !== norm(expect.message)) {
      return { message: "error message differs", expected: expect.message.split("\n"), actual: [error.message] };
    }
    return null;
  }
  if (error.internal) return { message: `failed with an internal error, not an SQL error: ${error.message}` };
  return null;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
