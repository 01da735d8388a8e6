// `sage-sql secrets rotate-key`: seals every secret of a stopped data directory again under a new
// master key (src/secret-key-rotation.ts says how a crash midway stays recoverable). With a key
// file (the default) a new random key replaces master.key; with SAGE_MASTER_KEY the new key is
// read from the variable --new-key-env names, and the server is then restarted with it.

import type { Command } from "commander";
import { rotateMasterKey } from "../../src/index.js";
import { exitAfterFlush } from "../process-exit.js";

interface RotateOptions {
  dataDir: string;
  newKeyEnv?: string;
}

export function registerSecrets(program: Command): void {
  const secrets = program.command("secrets").description("manage the master key that seals CREATE SECRET values");
  secrets
    .command("rotate-key")
    .description("seal every secret again under a new master key (the server must be stopped)")
    .option("--data-dir <dir>", "the data directory", "./sage-data")
    .option("--new-key-env <variable>", "read the new key from this environment variable (needed when SAGE_MASTER_KEY holds the current key)")
    .action(async (options: RotateOptions) => {
      await exitAfterFlush(await rotate(options));
    });
}

async function rotate(options: RotateOptions): Promise<number> {
  let newKey: string | undefined;
  if (options.newKeyEnv !== undefined) {
    newKey = process.env[options.newKeyEnv];
    if (!newKey) {
      process.stderr.write(`sage-sql secrets rotate-key: the environment variable ${options.newKeyEnv} is not set\n`);
      return 2;
    }
  }
  try {
    const r = await rotateMasterKey({ dataDir: options.dataDir, newKey });
    process.stdout.write(`${r.secrets} secret(s) sealed again under the new master key\n`);
    if (r.keyFile) process.stdout.write(`new key: ${r.keyFile} (mode 0600; the old key no longer opens them)\n`);
    else process.stdout.write(`restart with SAGE_MASTER_KEY set to the new key\n`);
    return 0;
  } catch (e) {
    const hint = (e as { hint?: string }).hint;
    process.stderr.write(`sage-sql secrets rotate-key: ${(e as Error).message}\n${hint ? `hint: ${hint}\n` : ""}`);
    return 1;
  }
}
