// `sage-sql config show`: the effective configuration (defaults, config file, SAGE_*, flags) and
// where each value came from; a bad file or value is reported with its key and line (exit 2).

import type { Command } from "commander";
import { ConfigError, formatConfig, loadConfig } from "../config/index.js";
import { serveFlags, type ServeOptions } from "./serve.js";

export function registerConfig(program: Command): void {
  const config = program.command("config").description("inspect the configuration");
  config
    .command("show")
    .description("print the effective configuration and where each value came from")
    .option("--config <file>", "configuration file (default $SAGE_CONFIG, else ~/.sage/config.yaml)")
    .option("--host <host>", "as for serve")
    .option("--port <port>", "as for serve")
    .option("--http-port <port>", "as for serve")
    .option("--data-dir <dir>", "as for serve")
    .option("--log-level <level>", "as for serve")
    .action((options: ServeOptions) => {
      try {
        process.stdout.write(formatConfig(loadConfig({ configPath: options.config, env: process.env, flags: serveFlags(options) })));
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        process.stderr.write(`sage-sql config: ${e.message}\n`);
        process.exitCode = 2;
      }
    });
}
