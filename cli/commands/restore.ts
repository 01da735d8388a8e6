// `sage-sql restore <file>`: runs a dump's statements in order against a server (--url) or a data
// directory (--data-dir), stopping at the first error, which names the statement's line.

import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { splitStatements } from "../../src/index.js";
import { exitAfterFlush } from "../process-exit.js";
import { openSqlTarget, type SqlTarget } from "../sql-target.js";

export function registerRestore(program: Command): void {
  program
    .command("restore <file>")
    .description("load a `sage-sql dump` file (- for stdin) into a server (--url) or a data directory")
    .option("--url <url>", "a running server, e.g. postgres://sage@localhost:5433/sage")
    .option("--data-dir <dir>", "a data directory no server is using", "./sage-data")
    .action(async (file: string, options: { url?: string; dataDir: string }) => {
      await exitAfterFlush(await restore(file, options));
    });
}

async function restore(file: string, options: { url?: string; dataDir: string }): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (e) {
    process.stderr.write(`sage-sql restore: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  let target: SqlTarget;
  try {
    target = await openSqlTarget(options);
  } catch (e) {
    process.stderr.write(`sage-sql restore: cannot open ${options.url ?? options.dataDir}: ${(e as Error).message}\n`);
    return 2;
  }
  let count = 0;
  try {
    for (const st of splitStatements(text)) {
      if (st.text.trim() === "") continue;
      try {
        await target.run(st.text);
      } catch (e) {
        const line = text.slice(0, st.pos - 1).split("\n").length;
        process.stderr.write(`sage-sql restore: ${file}:${line}: ${(e as Error).message}\n(${count} statements were applied before it)\n`);
        return 1;
      }
      count++;
    }
    process.stderr.write(`sage-sql restore: ${count} statements applied to ${target.label}\n`);
    return 0;
  } finally {
    await target.close();
  }
}
