// Webhook tables: CREATE TABLE t (...) WITH (connector = 'webhook' [, secret = SECRET name]) makes
// t accept HTTP POSTs of JSON at /webhook/t (the server's HTTP port, src/server/http/webhook-api.ts).
// A request is all-or-nothing: its body decodes as a whole (src/connectors/json-rows.ts, the same
// mapping as NATS messages; a field left out takes its column's DEFAULT), is written as one INSERT
// would be (constraints, log, views), and is acknowledged only once the log is fsync'd, so a 200
// survives a crash. With a secret the body's
// HMAC-SHA256 signature is the credential; without one the caller authenticates as a user and
// needs INSERT on the table, as for SQL.

import type * as A from "./parser/index.js";
import type { RelationEntry } from "./catalog/index.js";
import type { Database } from "./database.js";
import { RoleRights, isSuperuser } from "./privileges.js";
import { webhookOptionMap } from "./secrets.js";
import type { Session } from "./session.js";
import type { SourceTask } from "./source-task.js";
import type { WebhookEndpoint } from "./server/index.js";
import { compileExpr } from "./executor/index.js";
import { defaultExpr } from "./planner/index.js";
import { Chunk, SqlError, SqlState, toSqlError } from "./types/index.js";
import { WEBHOOK_CONNECTOR, jsonRows, readWebhookOptions, webhookSignatureMatches, type WebhookOptions } from "./connectors/index.js";

/** Who is sending: the signature header's value (a table with a secret) or an authenticated user. */
type WebhookCaller = Parameters<WebhookEndpoint["ingest"]>[1];

/** A webhook table's counters, listed with the sources (sage_catalog.sources, /metrics). */
class WebhookTable implements SourceTask {
  rowsProduced = 0;
  readonly exhausted = false;
  readonly error = null;
  badMessages = 0;
  lastBadMessage: string | null = null;

  constructor(readonly options: WebhookOptions) {}

  // its rows are logged as ordinary writes: nothing of its own to replay or checkpoint
  replay(): void {}
  position(): unknown {
    return null;
  }
  restorePosition(): void {}
  // it reads nothing itself (POSTs arrive), and is refused in cluster mode
  start(): void {}
  halt(): void {}
  applyReplicated(): void {
    throw new SqlError(SqlState.FeatureNotSupported, "webhooks are not replicated in cluster mode yet");
  }
  stop(): void {}
}

const tables = new WeakMap<Database, Map<string, WebhookTable>>();

function connectorOf(opts: A.WithOptions): string | undefined {
  const o = opts.find((x) => x.key.toLowerCase() === "connector");
  return o && o.value.kind === "string" ? o.value.value.trim().toLowerCase() : undefined;
}

/**
 * CREATE TABLE's options when it names connector = 'webhook' (checked: unknown options, a missing
 * secret), else undefined (the table is not a webhook table).
 */
export function webhookTableOptions(db: Database, opts: A.WithOptions): Record<string, string> | undefined {
  if (connectorOf(opts) !== WEBHOOK_CONNECTOR) return undefined;
  const map = webhookOptionMap(opts);
  const o = readWebhookOptions(map);
  // at CREATE the secret must exist; while the log replays, a secret dropped later must not stop the open
  if (o.secretName !== undefined && !db.isReplaying && !db.secrets.has(o.secretName)) {
    throw new SqlError(SqlState.UndefinedObject, `secret "${o.secretName}" does not exist`, { hint: "CREATE SECRET name WITH (value = '...') first." });
  }
  return map;
}

/** Refuses connector = 'webhook' where it cannot go (a stream, a view, a source, a sink). */
export function refuseWebhookConnector(opts: A.WithOptions, what: string): void {
  if (connectorOf(opts) !== WEBHOOK_CONNECTOR) return;
  throw new SqlError(SqlState.FeatureNotSupported, `connector "webhook" cannot feed a ${what}`, {
    position: opts.find((x) => x.key.toLowerCase() === "connector")?.pos,
    hint: "A webhook feeds a table: CREATE TABLE name (...) WITH (connector = 'webhook' [, secret = SECRET s]); build views over that table.",
  });
}

/** Makes a created webhook table reachable (at CREATE and when the log replays it). */
export function startWebhookTable(db: Database, entry: RelationEntry): void {
  const t = new WebhookTable(readWebhookOptions(entry.options ?? {}));
  let m = tables.get(db);
  if (!m) tables.set(db, (m = new Map()));
  m.set(entry.id, t);
  db.registerSource(entry.id, t);
  db.attachTask(entry.id, { stop: () => m!.delete(entry.id) });
}

/**
 * The webhook table at /webhook/<table>, /webhook/<schema>/<table> or (RisingWave's form)
 * /webhook/<database>/<schema>/<table> (each part as given, then lower-cased as an unquoted
 * identifier would be); 42P01 when there is none.
 */
export function webhookEndpoint(db: Database, given: readonly string[]): WebhookEndpoint {
  // RisingWave's /webhook/<database>/<schema>/<table>: the table of the database so named (CREATE
  // DATABASE); a name no database has (RisingWave's default `dev`) means the first one
  if (given.length === 3 && db.cluster.root === db) {
    const named = db.cluster.all().find((e) => e.name === given[0] || e.name === given[0].toLowerCase());
    if (named && named !== db) return webhookEndpoint(named, given);
  }
  if (db.cluster.root.replication) throw new SqlError(SqlState.FeatureNotSupported, "webhooks are not replicated in cluster mode yet", { hint: "INSERT the events through pgwire or POST /api/query instead." });
  const m = tables.get(db);
  const shown = given.join(".");
  const path = given.length === 3 ? given.slice(1) : given;
  const rel = path.length >= 1 && path.length <= 2 ? (db.catalog.findRelation(path) ?? db.catalog.findRelation(path.map((p) => p.toLowerCase()))) : undefined;
  const table = rel ? m?.get(rel.id) : undefined;
  if (!rel || !table) throw new SqlError(SqlState.UndefinedTable, `no webhook table "${shown}"`, { hint: "CREATE TABLE name (...) WITH (connector = 'webhook') makes one." });
  const o = table.options;
  return {
    table: `${rel.schema}.${rel.name}`,
    signed: o.secretName !== undefined,
    signatureHeader: o.signatureHeader,
    maxBodyBytes: o.maxBodyBytes,
    async ingest(body, caller) {
      try {
        const n = await ingest(db, rel, o, body, caller);
        table.rowsProduced += n;
        return n;
      } catch (e) {
        const err = toSqlError(e);
        // a sender's mistake (bad data or credentials), counted like a source's bad message
        if (!/^(53|58|XX)/.test(err.code)) {
          table.badMessages++;
          table.lastBadMessage = err.message;
        }
        throw err;
      }
    },
  };
}

/** Marks a field the request left out (its column's DEFAULT applies). */
const MISSING = Symbol("missing field");

/** Puts each column's DEFAULT where a row left the field out (NULL when it has none), evaluated per row as INSERT does. */
function fillDefaults(db: Database, rel: RelationEntry, rows: unknown[][]): void {
  let session: Session | undefined;
  try {
    rel.columns.forEach((col, c) => {
      const at: number[] = [];
      rows.forEach((r, i) => r[c] === MISSING && at.push(i));
      if (at.length === 0) return;
      if (col.default === undefined) {
        for (const i of at) rows[i][c] = null;
        return;
      }
      session ??= db.connect({ applicationName: "sage-webhook" });
      const kernel = compileExpr(defaultExpr(session.binderEnv(""), rel, c));
      const values = kernel(Chunk.fromRows([], at.map(() => [])), session.executionContext([]));
      at.forEach((i, k) => (rows[i][c] = values.get(k)));
    });
  } finally {
    session?.close();
  }
}

async function ingest(db: Database, rel: RelationEntry, o: WebhookOptions, body: Buffer, caller: WebhookCaller): Promise<number> {
  if ("signature" in caller) {
    if (o.secretName === undefined) throw new SqlError(SqlState.InternalError, "an unsigned webhook table was given a signature");
    const secret = db.openSecret(o.secretName, "webhook");
    if (secret === undefined) throw new SqlError(SqlState.UndefinedObject, `secret "${o.secretName}" of webhook table "${rel.name}" does not exist`);
    if (!webhookSignatureMatches(secret, body, caller.signature)) {
      throw new SqlError(SqlState.InvalidAuthorizationSpecification, caller.signature === undefined ? `missing webhook signature header "${o.signatureHeader}"` : "webhook signature does not match the request body");
    }
  } else {
    if (o.secretName !== undefined) throw new SqlError(SqlState.InvalidAuthorizationSpecification, "this webhook table takes signed requests");
    if (!(caller.superuser ?? isSuperuser(db.catalog, caller.user))) {
      const rights = new RoleRights(db.catalog, caller.user);
      if (rel.schema !== "public") rights.checkSchema(rel.schema, "U");
      rights.checkRelation(rel, "a", rel.columns.map((c) => c.name));
    }
  }
  // dropped (or replaced) while the body was arriving
  if (db.catalog.relationById(rel.id) !== rel) throw new SqlError(SqlState.UndefinedTable, `no webhook table "${rel.name}"`);
  const rows = jsonRows(rel.columns, body.toString("utf8"), "the request body", MISSING);
  if (rows.length === 0) return 0;
  fillDefaults(db, rel, rows);
  // as INSERT: every row checked before any is applied, logged, published, then made durable
  const stored = db.relation(rel.id);
  const { change, undo } = stored.writeUndoable([], rows);
  try {
    db.logWrite(rel.id, change.deletedIds, change.inserted);
  } catch (e) {
    undo(); // not in the log (a full disk): no reader may see it
    throw e;
  }
  db.publishChanges(rel.id, change.inserted, change.deleted, change.watermark);
  await db.durable(); // group commit: the 200 means the rows survive a crash
  await db.streams.admit(); // backpressure from slow views, as for INSERT
  return change.inserted.length;
}
