// The Postgres sink's writer: each batch of a relation's net changes is applied to a Postgres table
// in ONE transaction together with the sink's progress (the log position the batch covers) in a
// progress table. After a crash the log replays, the same changes are made again, and the writer
// skips those at or before the committed position: each change reaches Postgres exactly once.
//
// type = 'upsert': deletions are DELETEs by primary key, insertions are COPYed into a staging table
// and applied by one INSERT ... SELECT ... ON CONFLICT DO UPDATE (an update is a deletion and an
// insertion of the same key: the upsert alone). type = 'append-only' COPYs rows straight into the
// table (the runtime refuses deletions before they get here). A missing target table is
// created with the relation's columns (and the primary key for upsert).

import { randomUUID } from "node:crypto";
import type pg from "pg";
import { SqlError, SqlState, formatValue, typeName, type Chunk, type DataType } from "../../types/index.js";
import type { SinkBatch, SinkWriter } from "../sink-writer.js";
import { copyRows } from "./pg-copy-rows.js";
import { connectPg, pgError, pgRetryable, quotePgIdent, quotePgName, type PgTarget } from "./pg-connection.js";

export interface PgSinkConfig {
  target: PgTarget;
  table: string;
  upsert: boolean;
  /** indexes of the primary key columns (upsert) */
  key: number[];
  progressTable: string;
  /** the sink's name: its row in the progress table */
  sinkName: string;
  /** a sink just created (not recovered): its first transaction resets its progress row */
  fresh: boolean;
  /**
   * cluster mode: the sink's instance as every coordinator names it. It owns the progress row
   * (instead of a per-process token), whose log_position is then a sequence of the cluster's input
   * log, and a batch is recognised by that position alone: whichever coordinator leads resumes
   * where any of them committed.
   */
  instance?: string;
}

/** rows per statement: Postgres allows 65535 parameters */
const MAX_PARAMS = 60_000;

export class PgSinkWriter implements SinkWriter {
  readonly connector = "postgres";
  readonly exactlyOnce = true;
  private client: pg.Client | null = null;
  /** the target's column types (format_type), for parameter casts */
  private targetTypes: string[] | null = null;
  private fresh: boolean;
  rowsWritten = 0;
  committed = 0;
  /** this process's writer: with a batch id in the progress row, it recognises a batch it committed */
  private readonly token: string;

  constructor(
    private readonly config: PgSinkConfig,
    private readonly names: readonly string[],
    private readonly types: readonly DataType[],
  ) {
    this.fresh = config.fresh;
    this.token = config.instance ?? randomUUID();
  }

  /** the log position this sink's instance committed (a cluster standby lets go of what it covers) */
  async confirmed(): Promise<{ position: number } | null> {
    // a connection of its own that creates nothing: the leader's writer creates the tables
    const c = this.config;
    const client = await connectPg(c.target, { application_name: `sage-sql sink ${c.sinkName} (standby)` });
    try {
      const r = await client.query(`SELECT log_position, writer FROM ${quotePgName(c.progressTable)} WHERE sink = $1`, [c.sinkName]).catch((e: { code?: string }) => (e.code === "42P01" ? null : Promise.reject(e)));
      if (r === null || r.rows.length === 0 || r.rows[0].writer !== this.token) return null;
      return { position: Number(r.rows[0].log_position) };
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const c = this.config;
    const client = await connectPg(c.target, { application_name: `sage-sql sink ${c.sinkName}` });
    try {
      await createIfMissing(client, `CREATE TABLE IF NOT EXISTS ${quotePgName(c.progressTable)} (sink text PRIMARY KEY, log_position bigint NOT NULL, writer text, batch bigint, updated_at timestamptz NOT NULL DEFAULT now())`);
      this.targetTypes = await this.prepareTarget(client);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    this.client = client;
    return client;
  }

  /** The target table's column types in our column order; creates the table when missing. */
  private async prepareTarget(client: pg.Client): Promise<string[]> {
    const c = this.config;
    const table = quotePgName(c.table);
    const exists = await client.query(`SELECT to_regclass($1) IS NOT NULL AS e`, [table]);
    if (!exists.rows[0].e) {
      const cols = this.names.map((n, i) => `${quotePgIdent(n)} ${typeName(this.types[i])}`);
      if (c.upsert) cols.push(`PRIMARY KEY (${c.key.map((k) => quotePgIdent(this.names[k])).join(", ")})`);
      await createIfMissing(client, `CREATE TABLE IF NOT EXISTS ${table} (${cols.join(", ")})`);
    }
    const r = await client.query(`SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`, [table]);
    const byName = new Map<string, string>(r.rows.map((row: { attname: string; type: string }) => [row.attname, row.type]));
    return this.names.map((n) => {
      const t = byName.get(n);
      if (t === undefined) {
        throw new SqlError(SqlState.UndefinedColumn, `column "${n}" of the sink's input is missing from Postgres table ${c.table}`, {
          hint: `Add it (ALTER TABLE ${c.table} ADD COLUMN ${quotePgIdent(n)} ${typeName(this.types[this.names.indexOf(n)])}) or select only the target's columns.`,
        });
      }
      return t;
    });
  }

  async write(batch: SinkBatch): Promise<void> {
    const client = await this.connection();
    const c = this.config;
    const progress = quotePgName(c.progressTable);
    try {
      await client.query("BEGIN");
      // a new sink starts from nothing, whatever an earlier sink of its name left (but not what this writer did)
      if (this.fresh) await client.query(`INSERT INTO ${progress} AS p (sink, log_position) VALUES ($1, 0) ON CONFLICT (sink) DO UPDATE SET log_position = 0, writer = NULL, batch = NULL, updated_at = now() WHERE p.writer IS DISTINCT FROM $2`, [c.sinkName, this.token]);
      else await client.query(`INSERT INTO ${progress} (sink, log_position) VALUES ($1, 0) ON CONFLICT (sink) DO NOTHING`, [c.sinkName]);
      const row = await client.query(`SELECT log_position, writer, batch FROM ${progress} WHERE sink = $1 FOR UPDATE`, [c.sinkName]);
      const committed = Number(row.rows[0].log_position);
      if (this.config.instance === undefined && row.rows[0].writer === this.token && Number(row.rows[0].batch) >= batch.id) {
        // a retry of a batch whose COMMIT went through though we did not hear back: done already
        await client.query("COMMIT");
        this.fresh = false;
        return;
      }
      // changes made while the log replayed come from positions <= committed when already written;
      // live changes are always new (some, like a clock's, come from no log record at all)
      const written = await this.apply(client, batch, committed);
      await client.query(`UPDATE ${progress} SET log_position = greatest(log_position, $2), writer = $3, batch = $4, updated_at = now() WHERE sink = $1`, [c.sinkName, batch.upTo, this.token, batch.id]);
      await client.query("COMMIT");
      this.fresh = false;
      this.committed = Math.max(committed, batch.upTo);
      this.rowsWritten += written;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => undefined);
      if (pgRetryable(e)) await this.drop();
      throw pgRetryable(e) ? e : pgError(e, `sink "${c.sinkName}" could not write to Postgres table ${c.table}`, this.hintFor(e));
    }
  }

  private hintFor(e: unknown): string | undefined {
    const code = (e as { code?: string })?.code;
    if (code === "42P10") return `type = 'upsert' needs a primary key or unique index on (${this.config.key.map((k) => this.names[k]).join(", ")}) in ${this.config.table}.`;
    return undefined;
  }

  /** Applies the batch's changes after `committed`: returns the number of rows changed. */
  private async apply(client: pg.Client, batch: SinkBatch, committed: number): Promise<number> {
    const ncols = this.names.length;
    const inserts: (string | null)[][] = [];
    const deletes: (string | null)[][] = [];
    const text = (ch: Chunk, c: number, i: number): string | null => {
      const v = ch.columns[c].get(i);
      return v === null ? null : formatValue(this.types[c], v);
    };
    const row = (ch: Chunk, i: number) => Array.from({ length: ncols }, (_, c) => text(ch, c, i));
    if (this.config.upsert) {
      // the final state of each key, epoch by epoch (within an epoch a key's old row goes before
      // its new one): the DELETEs of keys left absent, the upserts of keys left present
      const key = this.config.key;
      const ins = new Map<string, (string | null)[]>();
      const del = new Map<string, (string | null)[]>();
      for (const ch of batch.epochs(committed)) {
        for (const sign of [-1, 1]) {
          for (let i = 0; i < ch.length; i++) {
            if (Math.sign(ch.op(i)) !== sign) continue;
            const k = key.map((c) => text(ch, c, i));
            const id = JSON.stringify(k);
            if (sign > 0) {
              ins.set(id, row(ch, i));
              del.delete(id);
            } else {
              ins.delete(id);
              del.set(id, k);
            }
          }
        }
      }
      deletes.push(...del.values());
      inserts.push(...ins.values());
    } else {
      const net = batch.changes(committed);
      for (let i = 0; i < (net?.length ?? 0); i++) if (net!.op(i) > 0) inserts.push(row(net!, i));
    }
    await this.deleteKeys(client, deletes);
    await this.insertRows(client, inserts);
    return inserts.length + deletes.length;
  }

  private async deleteKeys(client: pg.Client, keys: (string | null)[][]): Promise<void> {
    if (keys.length === 0) return;
    const key = this.config.key;
    const cols = key.map((k) => quotePgIdent(this.names[k])).join(", ");
    const per = Math.max(1, Math.floor(MAX_PARAMS / key.length));
    for (let s = 0; s < keys.length; s += per) {
      const part = keys.slice(s, s + per);
      const params: (string | null)[] = [];
      const tuples = part.map((k) => `(${k.map((v, j) => (params.push(v), `$${params.length}::${this.targetTypes![key[j]]}`)).join(", ")})`);
      await client.query(`DELETE FROM ${quotePgName(this.config.table)} WHERE (${cols}) IN (VALUES ${tuples.join(", ")})`, params);
    }
  }

  private async insertRows(client: pg.Client, rows: (string | null)[][]): Promise<void> {
    if (rows.length === 0) return;
    const names = this.names.map(quotePgIdent);
    const table = quotePgName(this.config.table);
    // COPY, in the batch's transaction (with its progress row), so still exactly-once. Append-only
    // copies straight into the target; upsert copies into a staging table dropped at COMMIT, then
    // one INSERT ... SELECT ... ON CONFLICT applies it (COPY itself cannot resolve conflicts)
    if (!this.config.upsert) return copyRows(client, table, names, rows);
    await client.query(`CREATE TEMP TABLE sage_sink_stage (LIKE ${table}) ON COMMIT DROP`);
    await copyRows(client, "sage_sink_stage", names, rows);
    const key = this.config.key.map((k) => names[k]).join(", ");
    const rest = names.filter((_, i) => !this.config.key.includes(i));
    const action = rest.length > 0 ? `UPDATE SET ${rest.map((n) => `${n} = EXCLUDED.${n}`).join(", ")}` : "NOTHING";
    await client.query(`INSERT INTO ${table} (${names.join(", ")}) SELECT ${names.join(", ")} FROM sage_sink_stage ON CONFLICT (${key}) DO ${action}`);
  }

  retryable(error: unknown): boolean {
    return pgRetryable(error);
  }

  private async drop(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.drop();
  }
}

/**
 * CREATE TABLE IF NOT EXISTS, where another session creating the same table at the same moment
 * (two sinks sharing the progress table, started together) is not a failure: Postgres's IF NOT
 * EXISTS does not cover that race and reports a duplicate: 23505 on pg_type's index, 42P07 for
 * the relation, or 42710 "type ... already exists" (the table's row type), depending on the moment.
 */
async function createIfMissing(client: pg.Client, sql: string): Promise<void> {
  try {
    await client.query(sql);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== "23505" && code !== "42P07" && code !== "42710") throw e;
  }
}
