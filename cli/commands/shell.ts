// `sage-sql` without a command: the shell on an embedded database. With -c/-f it runs the given
// statements in order, psql-style, and exits (status 1 if any failed); with stdin not a terminal it
// runs stdin as a script; otherwise it starts the interactive REPL.

import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { Database, KEYWORDS, formatValue, splitStatements } from "../../src/index.js";
import { Shell } from "../shell.js";
import { runRepl } from "../repl.js";
import { jobProgressLine } from "../job-progress.js";
import { defaultHistoryPath } from "../history.js";
import type { StatementSplitter } from "../input-buffer.js";
import { exitAfterFlush, ignoreBrokenPipes } from "../process-exit.js";
import { packageVersion } from "../package-info.js";

type ScriptAction = { kind: "command"; text: string } | { kind: "file"; path: string };

export interface ShellOptions {
  dataDir: string;
  memory?: boolean;
  /** --plugin, repeatable */
  plugin?: string[];
  expanded?: boolean;
  onErrorStop?: boolean;
  history: boolean;
  /** the progress bar of long statements (COPY, view backfill) on stderr: auto (on a terminal), always, never */
  progress: string;
}

export function registerShell(program: Command): void {
  const actions: ScriptAction[] = [];
  program
    .option(
      "-c, --command <sql>",
      "run SQL statements (or one backslash command) and exit; repeatable",
      (text: string) => {
        actions.push({ kind: "command", text });
        return text;
      },
    )
    .option("-f, --file <path>", "run statements from a file (- for stdin) and exit; repeatable", (path: string) => {
      actions.push({ kind: "file", path });
      return path;
    })
    .option("--data-dir <dir>", "data directory", "./sage-data")
    .option("--memory", "keep everything in memory (nothing is written to disk)")
    .option("-x, --expanded", "expanded table output (like \\x)")
    .option("--on-error-stop", "stop a -f script at its first error")
    .option("--no-history", "keep no history file")
    .option("--progress <when>", "progress bar of long statements on stderr: auto (on a terminal), always or never", "auto")
    .option("--plugin <package>", "load a plugin (an npm package or a module path) that adds connectors or model providers; repeatable", (name: string, prev: string[] = []) => [...prev, name])
    .action(async (options: ShellOptions) => {
      const code = await runShell(actions, options);
      await exitAfterFlush(code);
    });
}

async function runShell(actions: ScriptAction[], options: ShellOptions): Promise<number> {
  ignoreBrokenPipes();
  let db: Database;
  try {
    db = await Database.open({ ...(options.memory ? { memory: true } : { dataDir: options.dataDir }), plugins: options.plugin });
  } catch (e) {
    process.stderr.write(`sage-sql: error: cannot open the database: ${(e as Error).message ?? String(e)}\n`);
    return 2;
  }
  const split: StatementSplitter = splitStatements;
  const session = db.connect({ applicationName: "sage-sql" });
  const progress = options.progress;
  if (progress !== "auto" && progress !== "always" && progress !== "never") {
    process.stderr.write(`sage-sql: error: --progress must be auto, always or never, not "${progress}"\n`);
    await db.close();
    return 2;
  }
  const showProgress = progress === "always" || (progress === "auto" && process.stderr.isTTY);
  if (showProgress) session.reportProgress = jobProgressLine((text) => void process.stderr.write(text));
  const catalogSession = db.connect({ applicationName: "sage-sql (catalog)" });
  // the sessions \c replaces (a database's sessions count against its connection limit)
  let current = [session, catalogSession];
  const shell = new Shell({
    session,
    catalogSession,
    formatValue,
    split,
    output: {
      out: (text) => void process.stdout.write(text),
      err: (text) => void process.stderr.write(text),
    },
    columns: () => (process.stdout.isTTY ? process.stdout.columns : undefined),
    readFile: (path) => readFileSync(path, "utf8"),
    connect: (database) => {
      const next = db.connect({ user: "sage", database, applicationName: "sage-sql" });
      let nextCatalog;
      try {
        nextCatalog = db.connect({ user: "sage", database, applicationName: "sage-sql (catalog)" });
      } catch (e) {
        next.close();
        throw e;
      }
      for (const s of current) s.close();
      current = [next, nextCatalog];
      if (showProgress) next.reportProgress = jobProgressLine((text) => void process.stderr.write(text));
      return { session: next, catalogSession: nextCatalog, database: next.db.name, user: "sage" };
    },
  });
  shell.settings.expanded = options.expanded ? "on" : "off";
  shell.settings.onErrorStop = options.onErrorStop === true;

  let ok = true;
  try {
    if (actions.length > 0) {
      for (const action of actions) {
        if (action.kind === "command") {
          ok = (await shell.runCommandString(action.text)) && ok;
        } else {
          const text = action.path === "-" ? readFileSync(0, "utf8") : readScript(shell, action.path);
          if (text === null) ok = false;
          else ok = (await shell.runScript(text, action.path === "-" ? "<stdin>" : action.path)) && ok;
        }
        if (shell.stopped) break;
      }
    } else if (!process.stdin.isTTY) {
      ok = await shell.runScript(readFileSync(0, "utf8"), "<stdin>");
    } else {
      await runRepl({
        shell,
        keywords: [...(KEYWORDS as Iterable<string>)],
        historyPath: options.history ? defaultHistoryPath() : null,
        banner: `sage-sql ${packageVersion()}${options.memory ? " (in memory)" : ""}\nType "\\?" for help.\n\n`,
      });
    }
  } finally {
    await db.close();
  }
  return ok ? 0 : 1;
}

function readScript(shell: Shell, path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    shell.reportProblem(`sage-sql: error: ${path}: ${code === "ENOENT" ? "No such file or directory" : (e as Error).message}`);
    return null;
  }
}
