// `sage-sql serve`: the Postgres wire-protocol server. Not built yet (src/server/ is a later issue);
// this file is the one to replace when it is. For now it says so and exits with status 2.

import type { Command } from "commander";
import { exitAfterFlush } from "../process-exit.js";

export interface ServeOptions {
  host: string;
  port: string;
  dataDir: string;
  memory?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve the database over the Postgres wire protocol")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on", "5433")
    .option("--data-dir <dir>", "data directory", "./sage-data")
    .option("--memory", "keep everything in memory")
    .action(async (options: ServeOptions) => {
      void options;
      process.stderr.write(
        "sage-sql serve: the Postgres wire-protocol server is not built yet; use `sage-sql` (the embedded shell) for now\n",
      );
      await exitAfterFlush(2);
    });
}
