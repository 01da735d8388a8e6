// The interactive shell on a terminal (node:readline): psql's prompts (`sage=> `, `sage-> ` while a
// statement continues), persisted history with one entry per statement, tab completion, Ctrl-C
// clearing the line being typed (or asking the running statement to stop), Ctrl-D quitting.

import readline from "node:readline";
import type { Shell } from "./shell.js";
import { complete } from "./completion.js";
import { META_COMMANDS } from "./meta-commands.js";
import { HISTORY_SIZE, holdsSecret, loadHistory, saveHistory } from "./history.js";

export interface ReplOptions {
  shell: Shell;
  keywords: readonly string[];
  /** history file; null keeps no history on disk */
  historyPath: string | null;
  /** printed once at start */
  banner?: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/** Runs the REPL until `\q` or Ctrl-D. */
export function runRepl(options: ReplOptions): Promise<void> {
  const { shell } = options;
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const historyPath = options.historyPath;

  const rl = readline.createInterface({
    input,
    output,
    terminal: true,
    prompt: shell.prompt,
    // history is kept by hand below (one entry per statement, not per line typed)
    historySize: 0,
    tabSize: 4,
    completer: (line: string, callback: (err: Error | null, result: [string[], string]) => void) => {
      const source = {
        keywords: options.keywords,
        metaCommands: META_COMMANDS,
        relations: async () => (await shell.catalog.relations()).map((r) => r.name),
        columns: (relation: string) => shell.catalog.columns(relation),
      };
      complete(line, shell.buffer.contents, source).then(
        (result) => callback(null, result),
        () => callback(null, [[], line]),
      );
    },
  });

  // readline browses `history` (newest first) with the arrow keys; we add one entry per statement
  const state = rl as unknown as { history: string[]; historyIndex: number; line: string; cursor: number };
  state.history = historyPath ? loadHistory(historyPath) : [];
  let statementLines: string[] = [];
  const remember = () => {
    const entry = statementLines.join(" ");
    statementLines = [];
    if (entry === "" || state.history[0] === entry || holdsSecret(entry)) return;
    state.history.unshift(entry);
    if (state.history.length > HISTORY_SIZE) state.history.length = HISTORY_SIZE;
    if (historyPath) saveHistory(historyPath, state.history);
  };

  if (options.banner) output.write(options.banner);

  return new Promise<void>((resolve) => {
    let queue: Promise<void> = Promise.resolve();
    let closed = false;

    const finish = () => resolve();

    rl.on("line", (line) => {
      queue = queue.then(async () => {
        if (closed) return;
        state.historyIndex = -1;
        if (line.trim() !== "") statementLines.push(line.trim());
        let outcome;
        try {
          outcome = await shell.feedLine(line);
        } catch (e) {
          shell.reportProblem(`internal error: ${(e as Error).message ?? String(e)}`);
          outcome = "continue" as const;
        }
        if (shell.buffer.isEmpty) remember();
        if (outcome === "quit") {
          closed = true;
          rl.close();
          return;
        }
        rl.setPrompt(shell.prompt);
        rl.prompt();
      });
    });

    rl.on("SIGINT", () => {
      if (shell.cancel()) {
        // at the start of the line: a job's progress bar may be drawn there (cli/job-progress.ts)
        output.write("\r\x1b[KCancel request sent\n");
        return;
      }
      // like psql: leave what was typed on screen, mark it ^C, start afresh on a new line
      state.line = "";
      state.cursor = 0;
      state.historyIndex = -1;
      shell.buffer.reset();
      statementLines = [];
      output.write("^C\n");
      rl.setPrompt(shell.prompt);
      rl.prompt();
    });

    rl.on("close", () => {
      if (!closed) {
        closed = true;
        output.write("\\q\n");
      }
      queue.then(finish, finish);
    });

    rl.prompt();
  });
}
