// `sage-sql serve`: the Postgres wire-protocol server over a database (src/server/). Runs until
// SIGINT or SIGTERM, then closes connections gracefully (clients get 57P01) and exits 0.

import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { Database, PgServer, type HbaRule, type UserConfig } from "../../src/index.js";
import { exitAfterFlush } from "../process-exit.js";

export interface ServeOptions {
  host: string;
  port: string;
  dataDir: string;
  memory?: boolean;
  /** milliseconds between checkpoints (0: only on CHECKPOINT) */
  checkpointInterval?: string;
  /** --plugin, repeatable */
  plugin?: string[];
  user: string;
  password?: string;
  tlsKey?: string;
  tlsCert?: string;
  maxConnections: string;
  verbose?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve the database over the Postgres wire protocol")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0: any free port)", "5433")
    .option("--data-dir <dir>", "data directory", "./sage-data")
    .option("--memory", "keep everything in memory")
    .option("--checkpoint-interval <ms>", "milliseconds between checkpoints of the data directory (0: only on CHECKPOINT)", "1000")
    .option("--user <name>", "the user clients log in as (shown in the connection URL)", "sage")
    .option("--password <password>", "require this password (SCRAM-SHA-256) for --user on every connection; default $SAGE_PASSWORD, else loopback clients are trusted")
    .option("--tls-key <file>", "PEM private key: accept SSL connections")
    .option("--tls-cert <file>", "PEM certificate for --tls-key")
    .option("--max-connections <n>", "sessions at once", "100")
    .option("--verbose", "log connections and errors to stderr (JSON lines)")
    .option("--plugin <package>", "load a plugin (an npm package or a module path) that adds connectors or model providers; repeatable", (name: string, prev: string[] = []) => [...prev, name])
    .action(async (options: ServeOptions) => {
      const code = await serve(options);
      await exitAfterFlush(code);
    });
}

async function serve(options: ServeOptions): Promise<number> {
  const port = Number(options.port);
  const maxConnections = Number(options.maxConnections);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`sage-sql serve: invalid port "${options.port}"\n`);
    return 2;
  }
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    process.stderr.write(`sage-sql serve: invalid --max-connections "${options.maxConnections}"\n`);
    return 2;
  }
  const checkpointInterval = Number(options.checkpointInterval ?? "1000");
  if (!Number.isInteger(checkpointInterval) || checkpointInterval < 0) {
    process.stderr.write(`sage-sql serve: invalid --checkpoint-interval "${options.checkpointInterval}"\n`);
    return 2;
  }
  if (Boolean(options.tlsKey) !== Boolean(options.tlsCert)) {
    process.stderr.write("sage-sql serve: --tls-key and --tls-cert go together\n");
    return 2;
  }
  const password = options.password ?? process.env.SAGE_PASSWORD;
  const users: UserConfig[] = password ? [{ name: options.user, password }] : [];
  const hba: HbaRule[] | undefined = password ? [{ host: "all", user: "all", method: "scram-sha-256" }] : undefined;

  let db: Database;
  try {
    db = await Database.open({ ...(options.memory ? { memory: true } : { dataDir: options.dataDir, checkpointInterval }), plugins: options.plugin });
  } catch (e) {
    const hint = (e as { hint?: string }).hint;
    process.stderr.write(`sage-sql serve: cannot open the database: ${(e as Error).message ?? String(e)}\n${hint ? `hint: ${hint}\n` : ""}`);
    return 2;
  }
  let server: PgServer;
  try {
    server = await PgServer.start({
      db,
      host: options.host,
      port,
      users,
      hba,
      maxConnections,
      tls: options.tlsKey && options.tlsCert ? { key: readFileSync(options.tlsKey), cert: readFileSync(options.tlsCert) } : undefined,
      log: options.verbose ? (event, fields) => process.stderr.write(JSON.stringify({ time: new Date().toISOString(), event, ...fields }) + "\n") : undefined,
    });
  } catch (e) {
    process.stderr.write(`sage-sql serve: cannot listen on ${options.host}:${port}: ${(e as Error).message ?? String(e)}\n`);
    await db.close();
    return 2;
  }
  const shown = ["127.0.0.1", "0.0.0.0", "::", "::1", "localhost"].includes(options.host) ? "localhost" : options.host;
  process.stdout.write(`sage-sql listening on postgres://${options.user}@${shown}:${server.port}/${options.user}\n`);
  process.stdout.write(`connect: psql -h ${shown} -p ${server.port} -U ${options.user}\n`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  await db.close();
  return 0;
}
