#!/usr/bin/env node
// The `sage-sql` command. Each command lives in its own file under commands/ and registers itself
// here: the shell (no command: REPL, -c, -f), `serve`, `test` (the sqllogictest runner), and
// `dump` / `restore` (logical backups), `secrets rotate-key`, `worker` (cluster mode).

import { Command } from "commander";
import { registerShell } from "./commands/shell.js";
import { registerServe } from "./commands/serve.js";
import { registerTest } from "./commands/test.js";
import { registerDump } from "./commands/dump.js";
import { registerRestore } from "./commands/restore.js";
import { registerConfig } from "./commands/config.js";
import { registerSecrets } from "./commands/secrets.js";
import { registerSimulate } from "./commands/simulate.js";
import { registerWorker } from "./commands/worker.js";
import { packageVersion } from "./package-info.js";

const program = new Command();
program
  .name("sage-sql")
  .description("A SQL-first streaming database with AI extensions")
  .version(packageVersion(), "-V, --version")
  .enablePositionalOptions()
  .showHelpAfterError();

registerShell(program);
registerServe(program);
registerTest(program);
registerDump(program);
registerRestore(program);
registerConfig(program);
registerSecrets(program);
registerSimulate(program);
registerWorker(program);

await program.parseAsync(process.argv);
