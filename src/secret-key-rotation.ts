// `sage-sql secrets rotate-key`: every secret sealed again under a new master key, on a data
// directory no server is using (Database.open takes its lock, so a running server makes this fail
// with "in use by another sage-sql process"). The steps keep the directory usable whatever
// moment a crash stops them:
//   1. the new key is written to master.key.new (mode 0600, fsync'd) — from then on values open
//      with either key (storage/secret-cipher.ts);
//   2. the database is opened with the old key, each secret is re-sealed in memory and in the
//      DDL history, and a checkpoint commits it (the manifest's rename is atomic) and drops the
//      log segments that held the old sealed values;
//   3. master.key.new is renamed over master.key.
// A crash before 3 leaves master.key.new beside master.key: the database opens, and running
// rotate-key again finishes the rotation with the same new key. With SAGE_MASTER_KEY (no key
// file), the new key comes from the caller and there is no step 3: restart with the new key
// (SAGE_PREVIOUS_MASTER_KEY = the old one opens values sealed before, should the rotation have
// been interrupted).

import { existsSync, fsyncSync, closeSync, openSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { Database } from "./database.js";
import { MASTER_KEY_FILE, PENDING_MASTER_KEY_FILE, keyFromText, writeKeyFile } from "./storage/index.js";
import { SqlError, SqlState } from "./types/index.js";

export interface RotateKeyOptions {
  dataDir: string;
  /** the new key's text (64 hex digits or a passphrase); default: a random key (key-file mode only) */
  newKey?: string;
  /** where SAGE_MASTER_KEY is read (default process.env) */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface RotateKeyResult {
  /** secrets sealed again */
  secrets: number;
  /** the key file now holding the new key, or null (SAGE_MASTER_KEY mode: restart with the new key) */
  keyFile: string | null;
}

export async function rotateMasterKey(options: RotateKeyOptions): Promise<RotateKeyResult> {
  const env = options.env ?? process.env;
  const fromEnv = Boolean(env.SAGE_MASTER_KEY);
  const keyFile = join(options.dataDir, MASTER_KEY_FILE);
  const pendingFile = join(options.dataDir, PENDING_MASTER_KEY_FILE);
  if (!existsSync(join(options.dataDir, "SAGE_VERSION"))) {
    throw new SqlError(SqlState.UndefinedObject, `"${options.dataDir}" is not a sage-sql data directory`);
  }
  let newKey: Buffer;
  if (fromEnv) {
    if (!options.newKey) {
      throw new SqlError(SqlState.InvalidParameterValue, "the master key comes from SAGE_MASTER_KEY: give the new key (--new-key-env VARIABLE)", { hint: "After the rotation, restart with SAGE_MASTER_KEY set to the new key." });
    }
    newKey = keyFromText(options.newKey);
    if (newKey.equals(keyFromText(env.SAGE_MASTER_KEY!))) throw new SqlError(SqlState.InvalidParameterValue, "the new master key is the current one");
  } else if (existsSync(pendingFile)) {
    // an interrupted rotation: finish it with the key it started with
    newKey = keyFromText(readFileSync(pendingFile, "utf8"));
    if (options.newKey && !keyFromText(options.newKey).equals(newKey)) {
      throw new SqlError(SqlState.ObjectNotInPrerequisiteState, `an earlier rotation to another key was interrupted (${PENDING_MASTER_KEY_FILE} exists)`, { hint: "Run rotate-key again without a new key to finish it first." });
    }
  } else {
    newKey = options.newKey ? keyFromText(options.newKey) : randomBytes(32);
    if (existsSync(keyFile) && newKey.equals(keyFromText(readFileSync(keyFile, "utf8")))) throw new SqlError(SqlState.InvalidParameterValue, "the new master key is the current one");
  }
  // step 1 (the database takes the directory's lock first: no key file is written beside a running server)
  const db = await Database.open({ dataDir: options.dataDir, checkpointInterval: 0 });
  let secrets: number;
  try {
    if (!fromEnv && !existsSync(pendingFile)) writeKeyFile(pendingFile, newKey);
    // step 2
    secrets = db.secrets.resealAll(newKey);
    const checkpoints = db.checkpoints;
    if (!checkpoints) throw new SqlError(SqlState.InternalError, "the data directory has no checkpoints");
    checkpoints.rewriteDdl((sql) => db.secrets.resealText(sql));
    if (checkpoints.checkpoint(true) === null) {
      throw new SqlError(SqlState.ObjectNotInPrerequisiteState, `cannot rotate the master key now: ${checkpoints.lastError ?? "a checkpoint could not be taken"}`);
    }
    db.audit.record({ role: null, sessionUser: null, clientAddress: null, database: null, action: "ROTATE MASTER KEY", object: null, outcome: "ok", sqlstate: null, detail: `${secrets} secret(s) sealed again` });
  } finally {
    await db.close();
  }
  // step 3
  if (fromEnv) return { secrets, keyFile: null };
  renameSync(pendingFile, keyFile);
  const dir = openSync(options.dataDir, "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
  return { secrets, keyFile };
}
