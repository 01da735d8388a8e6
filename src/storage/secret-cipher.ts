// Encryption of secret values at rest (CREATE SECRET): AES-256-GCM with a random 96-bit nonce per
// value; the stored form is "v1:" + base64(nonce ‖ tag ‖ ciphertext), so the log and the catalog
// only ever hold that. The key comes from SAGE_MASTER_KEY (64 hex digits, or any passphrase, which
// is hashed to 32 bytes), else from `master.key` in the data directory, created with mode 0600 on
// first use; an in-memory database uses a random key that dies with the process.
//
// Key rotation (`sage-sql secrets rotate-key`, secret-key-rotation.ts) writes the new key to
// `master.key.new` first and renames it over master.key last; meanwhile (or after a crash in
// between) values open with either key. SAGE_PREVIOUS_MASTER_KEY is a further key that only
// opens values (an interrupted rotation of an environment key).

import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { SqlError, SqlState } from "../types/index.js";

export const MASTER_KEY_FILE = "master.key";
/** the key a rotation is moving to, until it is renamed over master.key */
export const PENDING_MASTER_KEY_FILE = "master.key.new";
const PREFIX = "v1:";

/** 64 hex digits as the key itself; any other text (a passphrase) hashed to 32 bytes. */
export function keyFromText(text: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, "hex");
  return createHash("sha256").update(t).digest();
}

/** The key file's 32 bytes (hex), created exclusively with mode 0600 when absent. */
function keyFromFile(path: string): Buffer {
  try {
    return keyFromText(readFileSync(path, "utf8"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const key = randomBytes(32);
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return keyFromText(readFileSync(path, "utf8"));
    throw e;
  }
  try {
    writeSync(fd, key.toString("hex") + "\n");
  } finally {
    closeSync(fd);
  }
  return key;
}

/** Writes a new key file (mode 0600, created exclusively, fsync'd). */
export function writeKeyFile(path: string, key: Buffer): void {
  const fd = openSync(path, "wx", 0o600);
  try {
    writeSync(fd, key.toString("hex") + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class SecretCipher {
  private key: Buffer | null = null;
  /** keys that only open values (the other side of a rotation) */
  private openOnly: Buffer[] | null = null;

  /**
   * @param dataDir where master.key lives (undefined: in memory)
   * @param env where SAGE_MASTER_KEY is read
   */
  constructor(
    private readonly dataDir: string | undefined,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {}

  private masterKey(): Buffer {
    if (this.key) return this.key;
    const fromEnv = this.env.SAGE_MASTER_KEY;
    try {
      this.key = fromEnv ? keyFromText(fromEnv) : this.dataDir ? keyFromFile(join(this.dataDir, MASTER_KEY_FILE)) : randomBytes(32);
    } catch (e) {
      throw new SqlError(SqlState.IoError, `could not read or create the master key: ${(e as Error).message}`);
    }
    return this.key;
  }

  private fallbackKeys(): Buffer[] {
    if (this.openOnly) return this.openOnly;
    const keys: Buffer[] = [];
    const previous = this.env.SAGE_PREVIOUS_MASTER_KEY;
    if (previous) keys.push(keyFromText(previous));
    const pending = this.dataDir ? join(this.dataDir, PENDING_MASTER_KEY_FILE) : null;
    if (pending && existsSync(pending)) keys.push(keyFromText(readFileSync(pending, "utf8")));
    this.openOnly = keys;
    return keys;
  }

  /** Seals from now on with `key`; the key used so far still opens values (a rotation in progress). */
  useKey(key: Buffer): void {
    const old = this.masterKey();
    this.key = key;
    this.openOnly = [old, ...this.fallbackKeys()];
  }

  encrypt(value: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.masterKey(), nonce);
    const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
    return PREFIX + Buffer.concat([nonce, cipher.getAuthTag(), body]).toString("base64");
  }

  /** The value; a 28000-class error when the key is not the one it was sealed with. */
  decrypt(sealed: string): string {
    if (!sealed.startsWith(PREFIX)) throw new SqlError(SqlState.DataCorrupted, "a stored secret has an unknown format");
    const raw = Buffer.from(sealed.slice(PREFIX.length), "base64");
    if (raw.length < 28) throw new SqlError(SqlState.DataCorrupted, "a stored secret is truncated");
    for (const key of [this.masterKey(), ...this.fallbackKeys()]) {
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
      } catch {
        // not this key
      }
    }
    throw new SqlError(SqlState.InvalidAuthorizationSpecification, "a stored secret cannot be decrypted with this master key", {
      hint: "Start the server with the SAGE_MASTER_KEY (or the master.key file) the secret was created with.",
    });
  }

  /** A sealed value sealed again under the current key. */
  reseal(sealed: string): string {
    return this.encrypt(this.decrypt(sealed));
  }
}
