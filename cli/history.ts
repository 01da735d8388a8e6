// The REPL's history file (`~/.sage_history`, or $SAGE_HISTORY): one entry per line, oldest first,
// at most HISTORY_SIZE entries. Problems reading or writing it never stop the shell.

import { readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const HISTORY_SIZE = 1000;

export function defaultHistoryPath(): string {
  return process.env.SAGE_HISTORY ?? join(homedir(), ".sage_history");
}

/** CREATE SECRET carries a secret value: such statements are never written to the history file. */
export function holdsSecret(statement: string): boolean {
  return /\bcreate\s+(or\s+replace\s+)?secret\b/i.test(statement);
}

/** Entries newest first, as node:readline's `history` option wants them. */
export function loadHistory(path: string): string[] {
  try {
    const lines = readFileSync(path, "utf8").split("\n").filter((l) => l.trim() !== "");
    return lines.slice(-HISTORY_SIZE).reverse();
  } catch {
    return [];
  }
}

/** Saves entries given newest first (readline's order). */
export function saveHistory(path: string, newestFirst: readonly string[]): void {
  try {
    const lines = newestFirst.slice(0, HISTORY_SIZE).reverse();
    writeFileSync(path, lines.join("\n") + (lines.length ? "\n" : ""), { mode: 0o600 });
  } catch {
    // a read-only home directory must not break the shell
  }
}
