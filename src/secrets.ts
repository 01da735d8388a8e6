// CREATE SECRET name WITH (value = '...' | env = 'VAR'), DROP SECRET, SHOW SECRETS, and
// `api_key = SECRET name` in CREATE MODEL. A value is sealed (AES-256-GCM, storage/secret-cipher)
// the moment it arrives: the log records `CREATE SECRET name WITH (encrypted = '<sealed>')` instead
// of the statement as typed, and memory holds only the sealed form, opened when a model needs it.
// An env secret stores only the variable's name and reads it at use. Nothing here ever puts a
// value in a result, a notice, an error or the log.

import type * as A from "./parser/index.js";
import type { Database } from "./database.js";
import type { Session } from "./session.js";
import { commandResult, rowsResult } from "./session.js";
import type { SecretCipher } from "./storage/index.js";
import { BOOTSTRAP_SUPERUSER } from "./catalog/index.js";
import { creatingRole } from "./ownership.js";
import { SqlError, SqlState, Types, type StatementResult } from "./types/index.js";

interface SecretEntry {
  name: string;
  /** the sealed value (CREATE SECRET ... value = '...') */
  sealed?: string;
  /** the environment variable holding the value (CREATE SECRET ... env = 'VAR') */
  env?: string;
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export class Secrets {
  private readonly entries = new Map<string, SecretEntry>();

  constructor(
    private readonly cipher: SecretCipher,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {}

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The value of a secret (opened now: an env secret reads its variable now), or undefined when there is none. */
  resolve(name: string): string | undefined {
    const e = this.entries.get(name);
    if (!e) return undefined;
    if (e.env !== undefined) {
      const v = this.env[e.env];
      if (v === undefined || v === "") throw new SqlError(SqlState.InvalidParameterValue, `secret "${name}": the environment variable ${e.env} is not set`);
      return v;
    }
    return this.cipher.decrypt(e.sealed!);
  }

  /**
   * CREATE SECRET: stores it; returns whether it was created and the statement to log (the value
   * sealed; null when nothing changed).
   */
  create(st: A.CreateSecretStatement): { created: boolean; logText: string | null } {
    const name = st.name.parts[st.name.parts.length - 1];
    if (this.entries.has(name)) {
      if (st.ifNotExists) return { created: false, logText: null };
      if (!st.orReplace) throw new SqlError(SqlState.DuplicateObject, `secret "${name}" already exists`, { position: st.name.pos });
    }
    const entry: SecretEntry = { name };
    for (const o of st.with) {
      const key = o.key.toLowerCase();
      if (o.value.kind !== "string") throw new SqlError(SqlState.InvalidParameterValue, `secret option "${o.key}" takes a string`, { position: o.pos });
      const v = o.value.value;
      if (key === "value") entry.sealed = this.cipher.encrypt(v);
      else if (key === "encrypted") {
        this.cipher.decrypt(v); // the log's own form: it must open with this key
        entry.sealed = v;
      } else if (key === "env") {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) throw new SqlError(SqlState.InvalidParameterValue, "secret option \"env\" must name an environment variable", { position: o.pos });
        entry.env = v;
      } else {
        throw new SqlError(SqlState.InvalidParameterValue, `unrecognized secret option "${o.key}"`, { position: o.pos, hint: "CREATE SECRET name WITH (value = '...') or WITH (env = 'VARIABLE')" });
      }
    }
    if ((entry.sealed === undefined) === (entry.env === undefined)) {
      throw new SqlError(SqlState.InvalidParameterValue, `secret "${name}" needs exactly one of value = '...' and env = 'VARIABLE'`, { position: st.pos });
    }
    this.entries.set(name, entry);
    const source = entry.env !== undefined ? `env = ${quote(entry.env)}` : `encrypted = ${quote(entry.sealed!)}`;
    return { created: true, logText: `CREATE ${st.orReplace ? "OR REPLACE " : ""}SECRET ${quoteIdent(name)} WITH (${source})` };
  }

  drop(name: string): boolean {
    return this.entries.delete(name);
  }

  /** Key rotation: seals every value again under `key` (values sealed before still open); returns how many. */
  resealAll(key: Buffer): number {
    this.cipher.useKey(key);
    let n = 0;
    for (const e of this.entries.values()) {
      if (e.sealed === undefined) continue;
      e.sealed = this.cipher.reseal(e.sealed);
      n++;
    }
    return n;
  }

  /** Statement text (the log's CREATE SECRET ... encrypted = '...') with each sealed value sealed again under the current key. */
  resealText(sql: string): string {
    return sql.replace(/'(v1:[A-Za-z0-9+/=]+)'/g, (m, sealed: string) => {
      try {
        return `'${this.cipher.reseal(sealed)}'`;
      } catch {
        return m; // text that only looks sealed (no key of ours opens it)
      }
    });
  }

  /** SHOW SECRETS: names and where the value lives, never the value. */
  list(): { name: string; source: string }[] {
    return [...this.entries.values()].sort((a, b) => a.name.localeCompare(b.name)).map((e) => ({ name: e.name, source: e.env !== undefined ? `environment variable ${e.env}` : "encrypted value" }));
  }
}

/** CREATE SECRET as a statement: logs the sealed form, and models using it pick up a replaced value. */
export function createSecretStatement(session: Session, st: A.CreateSecretStatement): StatementResult {
  const db = session.db;
  const name = st.name.parts[st.name.parts.length - 1];
  const existed = db.secrets.has(name);
  const { created, logText } = db.secrets.create(st);
  // a new secret belongs to its creator (replay runs the log as that role); OR REPLACE keeps owner and grants
  if (created && !existed) db.catalog.access.secrets.set(name, { owner: creatingRole(session) ?? BOOTSTRAP_SUPERUSER, acl: null });
  if (logText) session.logDdl(logText);
  if (created) db.models.secretChanged(name);
  return { ...commandResult("CREATE SECRET"), notices: created ? [] : [`secret "${name}" already exists, skipping`] };
}

/** DROP SECRET [IF EXISTS] a, b: refused while a model uses one. */
export function dropSecrets(session: Session, st: A.DropStatement): StatementResult {
  const db = session.db;
  const notices: string[] = [];
  for (const n of st.names) {
    const name = n.parts[n.parts.length - 1];
    if (!db.secrets.has(name)) {
      if (st.ifExists) {
        notices.push(`secret "${name}" does not exist, skipping`);
        continue;
      }
      throw new SqlError(SqlState.UndefinedObject, `secret "${name}" does not exist`, { position: n.pos });
    }
    const users = db.models.modelsUsingSecret(name);
    if (users.length > 0) {
      throw new SqlError(SqlState.DependentObjectsStillExist, `cannot drop secret ${name} because model ${users[0]} uses it`, { position: n.pos, hint: "Drop the model first, or replace the secret with CREATE OR REPLACE SECRET." });
    }
    // a webhook table signed with it would refuse every request
    const table = db.catalog.listRelations("table").find((r) => r.options?.connector?.toLowerCase() === "webhook" && r.options.secret_secret === name);
    if (table) {
      throw new SqlError(SqlState.DependentObjectsStillExist, `cannot drop secret ${name} because webhook table ${table.name} uses it`, { position: n.pos, hint: "Drop the table first, or replace the secret with CREATE OR REPLACE SECRET." });
    }
    db.secrets.drop(name);
    db.catalog.access.secrets.delete(name);
  }
  return { ...commandResult("DROP SECRET"), notices };
}

export function showSecrets(session: Session): StatementResult {
  return rowsResult("SHOW", [{ name: "Name", type: Types.text }, { name: "Source", type: Types.text }], session.db.secrets.list().map((s) => [s.name, s.source]));
}

/** CREATE MODEL's WITH list as text; `api_key = SECRET name` becomes a reference (api_key_secret), never the value. */
export function modelOptionMap(opts: A.WithOptions): Record<string, string> {
  return optionsWithSecretReference(opts, "api_key");
}

/**
 * A connector's WITH list as text (as ddl.optionMap), where `password = SECRET name` becomes a
 * reference (password_secret), never the value: the connector opens the secret when it connects.
 */
export function connectorOptionMap(opts: A.WithOptions): Record<string, string> {
  return optionsWithSecretReference(opts, "password", "Only password = SECRET name.");
}

/** WITH options as text, where `<secretKey> = SECRET name` is kept as `<secretKey>_secret = name`; SECRET on any other key is refused. */
function optionsWithSecretReference(opts: A.WithOptions, secretKey: string, hint?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of opts) {
    const key = o.key.toLowerCase();
    const v = o.value;
    if (v.kind === "secret") {
      if (key !== secretKey) throw new SqlError(SqlState.FeatureNotSupported, `option "${o.key}" cannot take a SECRET`, { position: o.pos, ...(hint ? { hint } : {}) });
      out[`${secretKey}_secret`] = v.name;
      continue;
    }
    out[key] = v.kind === "boolean" ? String(v.value) : v.value;
  }
  return out;
}

/** A webhook table's WITH list as text, where `secret = SECRET name` becomes a reference (secret_secret). */
export function webhookOptionMap(opts: A.WithOptions): Record<string, string> {
  return optionsWithSecretReference(opts, "secret", "Only secret = SECRET name.");
}

/**
 * What opens a connector's secret at connect time (42704 when it has been dropped since). At
 * CREATE (not while the log replays: a secret dropped later must not keep the database from
 * opening) the secret must exist now.
 */
export function connectorSecrets(db: Database, options: Record<string, string>): (name: string) => string {
  const named = options.password_secret;
  if (named !== undefined && !db.isReplaying && !db.secrets.has(named)) {
    throw new SqlError(SqlState.UndefinedObject, `secret "${named}" does not exist`, { hint: "CREATE SECRET name WITH (value = '...') or WITH (env = 'VARIABLE') first." });
  }
  return (name) => {
    const v = db.openSecret(name, "connector");
    if (v === undefined) throw new SqlError(SqlState.UndefinedObject, `secret "${name}" does not exist`);
    return v;
  };
}
