// The shell behind `sage-sql`: takes input a line at a time (typed in the REPL or read from a file)
// or a whole command string (`-c`), runs each statement on the session and prints what psql would
// print: results and command tags on stdout; errors, notices and meta-command messages on stderr.
// It holds the display settings (`\timing`, `\x`) and hands backslash commands to meta-commands.ts.
// The engine is passed in (session, value formatter, statement splitter) so this runs in tests
// without it.

import type { StatementResult } from "../src/index.js";
import { formatError, formatNotice, type ErrorLike } from "./error-format.js";
import { InputBuffer, cutStatements, type StatementSplitter } from "./input-buffer.js";
import { formatResult, formatTiming, type DisplayOptions, type ExpandedMode, type ValueFormatter } from "./result-format.js";
import { runMetaCommand } from "./meta-commands.js";
import { CatalogLookup } from "./catalog-lookup.js";
import { isBlankSql } from "./sql-text.js";

/** What the shell needs of a session (the engine's Session has it). */
export interface ShellSession {
  /** `signal`: aborted by Ctrl-C, which stops the running statement (a backfill, a COPY) with 57014 */
  run(sql: string, params?: unknown[], options?: { signal?: AbortSignal }): AsyncGenerator<StatementResult>;
}

export interface ShellOutput {
  out(text: string): void;
  err(text: string): void;
}

export interface ShellDeps {
  /** runs the user's statements */
  session: ShellSession;
  /** a second session for catalog look-ups (`\d`, tab completion), so they never disturb the first */
  catalogSession: ShellSession;
  formatValue: ValueFormatter;
  split: StatementSplitter;
  output: ShellOutput;
  /** terminal width for `\x auto` (undefined when not a terminal) */
  columns?: () => number | undefined;
  /** reads a file for `\i` */
  readFile?: (path: string) => string;
  /** `\c NAME`: sessions on another database (throws like a refused connection: 3D000, 42501) */
  connect?: (database: string) => { session: ShellSession; catalogSession: ShellSession; database: string; user: string };
}

export interface ShellSettings {
  timing: boolean;
  expanded: ExpandedMode;
  /** stop a script at its first error (psql's ON_ERROR_STOP) */
  onErrorStop: boolean;
}

export type LineOutcome = "continue" | "quit";

const CATALOG_COMMANDS = /^(CREATE|DROP|ALTER)\b/i;

const INTERACTIVE_HELP = `You are using sage-sql, the command-line interface to sage-sql.
Type:  \\? for help with sage-sql commands
       \\g or terminate with semicolon to execute query
       \\q to quit
`;

export class Shell {
  readonly settings: ShellSettings = { timing: false, expanded: "off", onErrorStop: false };
  readonly buffer: InputBuffer;
  catalog: CatalogLookup;
  /** the database the sessions run in (the prompt names it; `\c` changes it) */
  database = "sage";
  /** statements that failed so far */
  errorCount = 0;
  /** set by a failing statement when onErrorStop is on: the script should end */
  stopped = false;
  /** name shown as `sage-sql:NAME:LINE: ` before errors while running a file (psql's `psql:NAME:LINE: `) */
  scriptName: string | undefined;
  private lineNumber = 0;
  private cancelRequested = false;
  private running = false;
  /** aborts the running statement (Ctrl-C) */
  private abort: AbortController | undefined;

  constructor(readonly deps: ShellDeps) {
    this.buffer = new InputBuffer(deps.split);
    this.catalog = new CatalogLookup(deps.catalogSession, deps.formatValue);
  }

  get out(): ShellOutput {
    return this.deps.output;
  }

  /** psql's prompt: `sage=> ` when the buffer is empty, `sage-> ` while a statement continues. */
  get prompt(): string {
    return this.buffer.isEmpty ? `${this.database}=> ` : `${this.database}-> `;
  }

  /** `\c`: statements and catalog look-ups go to another database's sessions from now on. */
  useSessions(session: ShellSession, catalogSession: ShellSession, database: string): void {
    this.deps.session = session;
    this.deps.catalogSession = catalogSession;
    this.catalog = new CatalogLookup(catalogSession, this.deps.formatValue);
    this.database = database;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Asks the running statement to stop (Ctrl-C); true if one was running. */
  private subscription: { cancel(): void } | undefined;

  cancel(): boolean {
    if (!this.running) return false;
    this.cancelRequested = true;
    this.subscription?.cancel();
    this.abort?.abort();
    return true;
  }

  /** Feeds one line of input; runs the statements it completes and meta-commands it holds. */
  async feedLine(line: string): Promise<LineOutcome> {
    this.lineNumber++;
    if (line.trimStart().startsWith("\\")) return this.metaCommand(line.trim());
    if (this.scriptName === undefined && this.buffer.isEmpty) {
      // psql's words for a lost user at an empty prompt
      const word = line.trim().replace(/;$/, "").toLowerCase();
      if (word === "quit" || word === "exit") return "quit";
      if (word === "help") {
        this.out.out(INTERACTIVE_HELP);
        return "continue";
      }
    }
    for (const stmt of this.buffer.addLine(line)) {
      if (this.stopped) break;
      await this.runStatement(stmt.text, stmt.text, 0);
    }
    return this.stopped ? "quit" : "continue";
  }

  /** End of input: psql runs a last statement even without its `;`. */
  async finish(): Promise<void> {
    const rest = this.buffer.takeAll();
    if (rest && !this.stopped) await this.runStatement(rest.text, rest.text, 0);
  }

  /** Runs the whole buffer now (`\g`). */
  async sendBuffer(): Promise<void> {
    const rest = this.buffer.takeAll();
    if (rest) await this.runStatement(rest.text, rest.text, 0);
  }

  /**
   * Runs a `-c` string: a single backslash command, or statements run in order until the first
   * error; error positions are shown against the whole string, as psql does. False on error.
   */
  async runCommandString(sql: string): Promise<boolean> {
    if (sql.trimStart().startsWith("\\")) {
      const before = this.errorCount;
      await this.metaCommand(sql.trim());
      return this.errorCount === before;
    }
    for (const stmt of cutStatements(sql, this.deps.split).statements) {
      if (isBlankSql(stmt.text)) continue;
      const ok = await this.runStatement(stmt.text, sql, stmt.offset);
      if (!ok) return false;
    }
    return true;
  }

  /** Runs a script text line by line (`-f`, `\i`, piped stdin); false if any statement failed. */
  async runScript(text: string, name: string | undefined): Promise<boolean> {
    const savedName = this.scriptName;
    const savedLine = this.lineNumber;
    const before = this.errorCount;
    this.scriptName = name;
    this.lineNumber = 0;
    try {
      const lines = text.split(/\r?\n/);
      if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
      for (const line of lines) {
        if ((await this.feedLine(line)) === "quit") return this.errorCount === before;
      }
      await this.finish();
    } finally {
      this.scriptName = savedName;
      this.lineNumber = savedLine;
    }
    return this.errorCount === before;
  }

  /**
   * Runs one statement and prints its results. `query` is the text error positions are shown
   * against and `offset` where `text` starts in it (in characters, as positions count).
   */
  async runStatement(text: string, query: string, offset: number): Promise<boolean> {
    const started = performance.now();
    this.running = true;
    this.cancelRequested = false;
    this.abort = new AbortController();
    const results = this.deps.session.run(text, [], { signal: this.abort.signal });
    try {
      for (;;) {
        const next = await results.next();
        if (next.done) break;
        if (next.value.subscription) {
          await this.follow(next.value);
          continue;
        }
        this.printResult(next.value);
        if (this.cancelRequested) {
          await results.return(undefined);
          this.reportError({ message: "canceling statement due to user request" });
          return false;
        }
      }
    } catch (e) {
      const err = toErrorLike(e);
      if (err.position !== undefined) err.position += offset;
      this.reportError(err, query);
      return false;
    } finally {
      this.running = false;
      this.abort = undefined;
      if (this.settings.timing) this.out.out(formatTiming(performance.now() - started));
    }
    return true;
  }

  /** SUBSCRIBE: prints each batch of changes as it arrives, until Ctrl-C cancels it. */
  private async follow(r: StatementResult): Promise<void> {
    const sub = r.subscription!;
    this.subscription = sub;
    // a pending promise does not keep node alive; a SUBSCRIBE waits for changes until cancelled
    const keepAlive = setInterval(() => {}, 1 << 30);
    try {
      for (;;) {
        const rows = await sub.next();
        if (rows === null) break;
        const batch: StatementResult = { ...r, subscription: undefined, rows, rowCount: rows.length };
        this.out.out(formatResult(batch, this.deps.formatValue, { expanded: this.settings.expanded, columns: this.deps.columns?.() }));
      }
    } finally {
      clearInterval(keepAlive);
      this.subscription = undefined;
      sub.cancel();
    }
  }

  private printResult(r: StatementResult): void {
    for (const n of r.notices) this.out.err(formatNotice(n));
    const display: DisplayOptions = { expanded: this.settings.expanded, columns: this.deps.columns?.() };
    this.out.out(formatResult(r, this.deps.formatValue, display));
    if (CATALOG_COMMANDS.test(r.command)) this.catalog.invalidate();
  }

  /** Prints an error the way psql does (with `psql:file:line: ` while running a file). */
  reportError(err: ErrorLike, query?: string): void {
    this.errorCount++;
    if (this.settings.onErrorStop && this.scriptName !== undefined) this.stopped = true;
    const prefix = this.scriptName !== undefined ? `sage-sql:${this.scriptName}:${this.lineNumber}: ` : "";
    this.out.err(formatError(err, query, prefix));
  }

  /** Prints a message from a meta-command (not an SQL error) to stderr, counting it as a failure. */
  reportProblem(message: string): void {
    this.errorCount++;
    this.out.err(message.endsWith("\n") ? message : message + "\n");
  }

  private async metaCommand(line: string): Promise<LineOutcome> {
    const outcome = await runMetaCommand(this, line);
    return outcome === "quit" || this.stopped ? "quit" : "continue";
  }
}

/** Any thrown value as the fields psql prints (SqlError carries them all). */
export function toErrorLike(e: unknown): ErrorLike {
  if (e !== null && typeof e === "object" && "message" in e) {
    const o = e as { message: unknown; position?: unknown; hint?: unknown; detail?: unknown };
    return {
      message: String(o.message),
      position: typeof o.position === "number" ? o.position : undefined,
      hint: typeof o.hint === "string" ? o.hint : undefined,
      detail: typeof o.detail === "string" ? o.detail : undefined,
    };
  }
  return { message: String(e) };
}
