// `sage-sql dump`: a consistent logical backup as SQL on stdout. It waits for accepted input to be
// visible (FLUSH), then reads sage_catalog.dump, which the engine builds in one pass (DDL in
// dependency order, then the rows as INSERTs): `sage-sql restore` or psql -f load it elsewhere.

import type { Command } from "commander";
import { exitAfterFlush, ignoreBrokenPipes } from "../process-exit.js";
import { openSqlTarget, type SqlTarget } from "../sql-target.js";

export function registerDump(program: Command): void {
  program
    .command("dump")
    .description("write a consistent SQL dump of a live server (--url) or a data directory to stdout")
    .option("--url <url>", "a running server, e.g. postgres://sage@localhost:5433/sage")
    .option("--data-dir <dir>", "a data directory no server is using", "./sage-data")
    .action(async (options: { url?: string; dataDir: string }) => {
      ignoreBrokenPipes();
      await exitAfterFlush(await dump(options));
    });
}

async function dump(options: { url?: string; dataDir: string }): Promise<number> {
  let target: SqlTarget;
  try {
    target = await openSqlTarget(options);
  } catch (e) {
    process.stderr.write(`sage-sql dump: cannot open ${options.url ?? options.dataDir}: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    await target.run("FLUSH");
    const rows = await target.run("SELECT statement FROM sage_catalog.dump ORDER BY n");
    process.stdout.write(`-- sage-sql dump of ${target.label}, taken ${new Date().toISOString()}\n-- restore with: sage-sql restore <this file> [--url ... | --data-dir ...]\n\n`);
    for (const [statement] of rows) process.stdout.write(`${statement};\n\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`sage-sql dump: ${(e as Error).message}\n`);
    return 1;
  } finally {
    await target.close();
  }
}
