// `sage-sql serve`: the Postgres wire-protocol server over a database (src/server/), and beside it
// the HTTP port (/healthz, /metrics, POST /api/query). Settings come from the layered
// configuration (cli/config: defaults, config.yaml, SAGE_*, these flags). Runs until SIGINT or
// SIGTERM, then closes connections gracefully (clients get 57P01) and exits 0.

import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { Database, HttpServer, PgServer, ServerMetrics, type HbaRule, type UserConfig } from "../../src/index.js";
import { exitAfterFlush } from "../process-exit.js";
import { ConfigError, loadConfig, type EffectiveConfig } from "../config/index.js";
import { createLogger, serverLogSink } from "../logger.js";
import { connectCoordinator, openCoordinatorDatabase, startReplica } from "./serve-coordinator.js";

export interface ServeOptions {
  config?: string;
  host?: string;
  port?: string;
  httpPort?: string;
  http?: boolean;
  dataDir?: string;
  memory?: boolean;
  user?: string;
  password?: string;
  tlsKey?: string;
  tlsCert?: string;
  ssl?: string;
  maxConnections?: string;
  verbose?: boolean;
  logLevel?: string;
  /** milliseconds between checkpoints (0: only on CHECKPOINT) */
  checkpointInterval?: string;
  /** the sessions' default streaming_parallelism */
  defaultParallelism?: string;
  /** --plugin, repeatable */
  plugin?: string[];
  /** cluster mode (serve-coordinator.ts) */
  role?: string;
  nats?: string;
  clusterToken?: string;
  clusterName?: string;
  logSnapshotMessages?: string;
  logSnapshotBytes?: string;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve the database over the Postgres wire protocol (and HTTP: /metrics, /api/query)")
    .option("--config <file>", "configuration file (default $SAGE_CONFIG, else ~/.sage/config.yaml)")
    .option("--host <host>", "address to listen on (default 127.0.0.1)")
    .option("--port <port>", "pgwire port (0: any free port; default 5433)")
    .option("--http-port <port>", "HTTP port for /healthz, /metrics, /api/query (0: any free port; default 5480)")
    .option("--no-http", "do not open the HTTP port")
    .option("--data-dir <dir>", "data directory (default ./sage-data)")
    .option("--memory", "keep everything in memory")
    .option("--user <name>", "the user clients log in as (shown in the connection URL; default sage)")
    .option("--password <password>", "require this password (SCRAM-SHA-256) for --user on every connection; default $SAGE_PASSWORD, else loopback clients are trusted")
    .option("--tls-key <file>", "PEM private key: accept SSL connections")
    .option("--tls-cert <file>", "PEM certificate for --tls-key")
    .option("--ssl <mode>", "prefer (default) or require: refuse connections without TLS (needs --tls-key and --tls-cert)")
    .option("--max-connections <n>", "sessions at once (default 100)")
    .option("--log-level <level>", "trace, debug, info, warn (default), error, fatal or silent")
    .option("--verbose", "log connections and errors to stderr (JSON lines): --log-level info")
    .option("--default-parallelism <n>", "partitions each fragment of a new materialized view runs as on a cluster's workers, 1..256 (the sessions' default streaming_parallelism; default 1)")
    .option("--checkpoint-interval <ms>", "milliseconds between checkpoints of the data directory (0: only on CHECKPOINT; default 1000)")
    .option("--plugin <package>", "load a plugin (an npm package or a module path) that adds connectors or model providers; repeatable", (name: string, prev: string[] = []) => [...prev, name])
    .option("--role <role>", "coordinator: a coordinator of a cluster on --nats (default: a single node, no NATS)")
    .option("--nats <url>", "the cluster's NATS JetStream server (nats://host:port): cluster mode")
    .option("--cluster-token <token>", "the cluster's shared secret for its data plane (default $SAGE_CLUSTER_TOKEN)")
    .option("--cluster-name <name>", "the cluster's name on NATS, so clusters can share a server (default sage)")
    .option("--log-snapshot-messages <n>", "cluster: the leader snapshots the tables every n input-log messages, so the log can be cut below (default 10000; 0: not by count)")
    .option("--log-snapshot-bytes <n>", "cluster: ... or every n bytes of input log (default 67108864; 0: not by size)")
    .action(async (options: ServeOptions) => {
      const code = await serve(options);
      await exitAfterFlush(code);
    });
}

/** The serve flags, as configuration keys. */
export function serveFlags(o: ServeOptions) {
  return {
    "server.host": o.host === undefined ? undefined : { flag: "--host", value: o.host },
    "server.port": o.port === undefined ? undefined : { flag: "--port", value: o.port },
    "server.http_port": o.http === false ? { flag: "--no-http", value: "off" } : o.httpPort === undefined ? undefined : { flag: "--http-port", value: o.httpPort },
    "server.user": o.user === undefined ? undefined : { flag: "--user", value: o.user },
    "server.ssl": o.ssl === undefined ? undefined : { flag: "--ssl", value: o.ssl },
    "server.max_connections": o.maxConnections === undefined ? undefined : { flag: "--max-connections", value: o.maxConnections },
    "system.data_dir": o.dataDir === undefined ? undefined : { flag: "--data-dir", value: o.dataDir },
    "runtime.checkpoint_interval": o.checkpointInterval === undefined ? undefined : { flag: "--checkpoint-interval", value: o.checkpointInterval },
    "runtime.default_parallelism": o.defaultParallelism === undefined ? undefined : { flag: "--default-parallelism", value: o.defaultParallelism },
    plugins: o.plugin === undefined ? undefined : { flag: "--plugin", value: o.plugin },
    "system.log_level": o.logLevel !== undefined ? { flag: "--log-level", value: o.logLevel } : o.verbose ? { flag: "--verbose", value: "info" } : undefined,
  };
}

async function serve(options: ServeOptions): Promise<number> {
  let config: EffectiveConfig;
  try {
    config = loadConfig({ configPath: options.config, env: process.env, flags: serveFlags(options) });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`sage-sql serve: ${e.message}\n`);
    return 2;
  }
  const get = <T>(key: string) => config.settings.get(key)!.value as T;
  if (Boolean(options.tlsKey) !== Boolean(options.tlsCert)) {
    process.stderr.write("sage-sql serve: --tls-key and --tls-cert go together\n");
    return 2;
  }
  if (get<string>("server.ssl") === "require" && !options.tlsKey) {
    process.stderr.write("sage-sql serve: ssl = require needs --tls-key and --tls-cert\n");
    return 2;
  }
  const logger = createLogger(get<string>("system.log_level"));
  const host = get<string>("server.host");
  const port = get<number>("server.port");
  // a pgwire port picked at random (tests, several servers on one host) picks the HTTP port so too
  const httpPort = port === 0 && config.settings.get("server.http_port")!.source === "default" ? 0 : get<number | string>("server.http_port");
  const user = get<string>("server.user");
  const password = options.password ?? process.env.SAGE_PASSWORD;
  const users: UserConfig[] = get<UserConfig[]>("auth.users").slice();
  if (password) users.push({ name: user, password });
  const rules = get<HbaRule[]>("auth.rules");
  const hba: HbaRule[] | undefined = rules.length > 0 ? rules : password ? [{ host: "all", user: "all", method: "scram-sha-256" }] : undefined;

  // cluster mode: NATS first, so an unreachable one starts nothing
  const coordinator = await connectCoordinator(options);
  if (typeof coordinator === "string") {
    process.stderr.write(`sage-sql serve: ${coordinator}\n`);
    return 2;
  }
  const closeCoordinator = async () => {
    await replica?.close();
    await coordinator?.transport.close();
  };
  let replica: Awaited<ReturnType<typeof startReplica>> | undefined;

  let db: Database;
  try {
    const durable = { dataDir: get<string>("system.data_dir"), checkpointInterval: get<number>("runtime.checkpoint_interval") };
    // system.max_memory is each query's default max_query_memory (a session or role may set its own)
    const maxMemory = get<number | null>("system.max_memory");
    const open = () => Database.open({ ...(options.memory ? { memory: true } : durable), plugins: get<string[]>("plugins"), ...(maxMemory ? { maxQueryMemory: maxMemory } : {}), defaultParallelism: get<number>("runtime.default_parallelism"), ...(coordinator ? { replicaPosition: coordinator.position } : {}) });
    // a coordinator behind the input log's cut starts from the latest snapshot instead
    db = coordinator ? await openCoordinatorDatabase(coordinator, open, options.memory ? null : durable.dataDir) : await open();
  } catch (e) {
    const hint = (e as { hint?: string }).hint;
    process.stderr.write(`sage-sql serve: cannot open the database: ${(e as Error).message ?? String(e)}\n${hint ? `hint: ${hint}\n` : ""}`);
    await closeCoordinator();
    return 2;
  }
  try {
    await createConfiguredModels(db, get<Record<string, Record<string, unknown>>>("models"));
  } catch (e) {
    process.stderr.write(`sage-sql serve: ${(e as Error).message}\n`);
    await db.close();
    return 2;
  }
  let server: PgServer | undefined;
  const metrics = new ServerMetrics(db, () => server?.sessionCount ?? 0);
  // the HTTP port serves HTTPS with the same certificate
  let tls: { key: Buffer; cert: Buffer } | undefined;
  try {
    tls = options.tlsKey && options.tlsCert ? { key: readFileSync(options.tlsKey), cert: readFileSync(options.tlsCert) } : undefined;
    server = await PgServer.start({
      db,
      host,
      port,
      users,
      hba,
      maxConnections: get<number>("server.max_connections"),
      tls,
      ssl: get<"prefer" | "require">("server.ssl"),
      loginThrottle: { maxFailures: get<number>("auth.max_failed_logins"), windowMs: get<number>("auth.failed_login_window"), lockoutMs: get<number>("auth.lockout"), maxLockoutMs: get<number>("auth.max_lockout") },
      log: serverLogSink(logger),
      onQuery: (seconds, ok) => metrics.queryDone("pgwire", seconds, ok),
    });
  } catch (e) {
    process.stderr.write(`sage-sql serve: cannot listen on ${host}:${port}: ${(e as Error).message ?? String(e)}\n`);
    metrics.close();
    await db.close();
    return 2;
  }
  let http: HttpServer | null = null;
  if (httpPort !== "off") {
    try {
      http = await HttpServer.start({ db, host, port: httpPort as number, hba: server.hba, users: server.users, loginThrottle: server.loginThrottle, defaultUser: user, metrics, tls, log: serverLogSink(logger) });
    } catch (e) {
      process.stderr.write(`sage-sql serve: cannot listen for HTTP on ${host}:${httpPort}: ${(e as Error).message ?? String(e)}\n`);
      await server.close();
      metrics.close();
      await db.close();
      return 2;
    }
  }
  if (coordinator) {
    const pg = server;
    const address = () => `${host === "0.0.0.0" || host === "::" ? "localhost" : host}:${pg.port}`;
    try {
      replica = await startReplica(db, coordinator, address, serverLogSink(logger));
    } catch (e) {
      process.stderr.write(`sage-sql serve: cannot start the coordinator: ${(e as Error).message ?? String(e)}\n`);
      await http?.close();
      await server.close();
      metrics.close();
      await closeCoordinator();
      await db.close();
      return 2;
    }
  }
  const shown = ["127.0.0.1", "0.0.0.0", "::", "::1", "localhost"].includes(host) ? "localhost" : host;
  process.stdout.write(`sage-sql listening on postgres://${user}@${shown}:${server.port}/${user}\n`);
  process.stdout.write(`connect: psql -h ${shown} -p ${server.port} -U ${user}\n`);
  if (http) process.stdout.write(`http: ${tls ? "https" : "http"}://${shown}:${http.port}/ (metrics: /metrics, API: POST /api/query)\n`);
  logger.info({ event: "server_started", port: server.port, httpPort: http?.port ?? null, config: config.file });

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await http?.close();
  await server.close();
  metrics.close();
  await closeCoordinator();
  await db.close();
  return 0;
}

/** The models of the configuration (models: {name: {provider, ...}}), as CREATE MODEL IF NOT EXISTS. */
async function createConfiguredModels(db: Database, models: Record<string, Record<string, unknown>>): Promise<void> {
  for (const [name, options] of Object.entries(models)) {
    const pairs = Object.entries(options).map(([k, v]) => {
      if (!/^[a-z_][a-z0-9_.]*$/i.test(k)) throw new Error(`config models.${name}: invalid option name "${k}"`);
      return `${k} = '${String(v).replace(/'/g, "''")}'`;
    });
    try {
      await db.execute(`CREATE MODEL IF NOT EXISTS "${name.replace(/"/g, '""')}" WITH (${pairs.join(", ")})`);
    } catch (e) {
      throw new Error(`config models.${name}: ${(e as Error).message}`);
    }
  }
}
