// The sqllogictest runner against a Postgres server (`sage-sql test --url postgres://...`): to
// check expected results against real PostgreSQL, or against `sage-sql serve` (a single node or a
// cluster's coordinator). On PostgreSQL each test file gets a schema of its own (first on every
// connection's search_path), dropped at the end. sage-sql has no search_path (every unqualified
// name is in public) and no DROP SCHEMA: there a file's own relations (those not there when it
// started) are dropped at its end instead, so files run one after another on one server as on a
// fresh database each. Against a cluster the runner also answers to `skipif/onlyif cluster`.
// Values stay in the text form the server sends. Uses the `pg` client, loaded only when needed.

import { randomBytes } from "node:crypto";
import type { ValueKind } from "./compare.js";
import { SltEngineError, type SltConnection, type SltDatabase, type SltEngine, type SltResult } from "./engine.js";

interface PgField {
  name: string;
  dataTypeID: number;
}

interface PgResult {
  command: string | null;
  rowCount: number | null;
  fields: PgField[];
  rows: (string | null)[][];
}

interface PgClient {
  connect(): Promise<void>;
  query(config: { text: string; rowMode: "array"; types: { getTypeParser: () => (text: string) => string } }): Promise<PgResult | PgResult[]>;
  query(text: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: "notice" | "error", listener: (arg: unknown) => void): void;
}

type PgClientClass = new (config: { connectionString: string; application_name?: string }) => PgClient;

const TEXT_TYPES = { getTypeParser: () => (text: string) => text };

/** Type OIDs by how sqllogictest renders them. */
function kindOf(oid: number): ValueKind {
  switch (oid) {
    case 16:
      return "boolean";
    case 20:
    case 21:
    case 23:
    case 26:
      return "integer";
    case 700:
    case 701:
      return "float";
    case 1700:
      return "numeric";
    default:
      return "text";
  }
}

async function loadClientClass(): Promise<PgClientClass> {
  const specifier = "pg";
  const mod = (await import(specifier)) as { default?: { Client: PgClientClass }; Client?: PgClientClass };
  const Client = mod.default?.Client ?? mod.Client;
  if (!Client) throw new Error("the pg package has no Client");
  return Client;
}

/** sage-sql's relation kinds as SHOW lists them, in the order a file's leftovers are dropped (readers first) */
const SAGE_KINDS = ["SINK", "MATERIALIZED VIEW", "VIEW", "SOURCE", "STREAM", "TABLE"] as const;

async function rowsOf(client: PgClient, sql: string): Promise<(string | null)[][]> {
  const r = (await client.query({ text: sql, rowMode: "array", types: TEXT_TYPES })) as PgResult;
  return r.rows;
}

/** A sage-sql server answers sage_catalog.cluster (role `single`, or a coordinator's); null: another server. */
async function sageRole(client: PgClient): Promise<string | null> {
  try {
    return (await rowsOf(client, "SELECT role FROM sage_catalog.cluster"))[0]?.[0] ?? null;
  } catch {
    return null;
  }
}

/** "KIND\tname" of every relation in public (sage-sql) */
async function sageRelations(client: PgClient): Promise<Set<string>> {
  const out = new Set<string>();
  for (const kind of SAGE_KINDS) for (const [name] of await rowsOf(client, `SHOW ${kind}S`)) out.add(`${kind}\t${name}`);
  return out;
}

/** drops what a file created (sage-sql): every relation not in `before`, readers first */
async function dropNewRelations(client: PgClient, before: Set<string>): Promise<void> {
  const created = [...(await sageRelations(client))].filter((r) => !before.has(r));
  for (const kind of SAGE_KINDS) {
    for (const r of created) {
      const [k, name] = r.split("\t");
      if (k === kind) await client.query(`DROP ${kind} IF EXISTS "${name!.replace(/"/g, '""')}" CASCADE`).catch(() => {});
    }
  }
}

export async function pgEngine(url: string): Promise<SltEngine> {
  const Client = await loadClientClass();
  const connect = async (): Promise<PgClient> => {
    const client = new Client({ connectionString: url, application_name: "sage-sql test" });
    client.on("notice", () => {});
    client.on("error", () => {});
    await client.connect();
    return client;
  };
  const probe = await connect();
  const role = await sageRole(probe);
  await probe.end().catch(() => {});
  if (role !== null) return sageServerEngine(url, connect, role !== "single");
  return {
    name: `postgres (${displayUrl(url)})`,
    async open(): Promise<SltDatabase> {
      const schema = `slt_${randomBytes(6).toString("hex")}`;
      const admin = await connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      const clients: PgClient[] = [];
      return {
        async connect(): Promise<SltConnection> {
          const client = await connect();
          clients.push(client);
          await client.query(`SET search_path TO ${schema}, public`);
          return { run: (sql) => runOn(client, sql) };
        },
        async close(): Promise<void> {
          for (const c of clients) await c.end().catch(() => {});
          await admin.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
          await admin.end().catch(() => {});
        },
      };
    },
  };
}

/** sage-sql behind `url`: one namespace, each file's relations dropped at its end */
function sageServerEngine(url: string, connect: () => Promise<PgClient>, cluster: boolean): SltEngine {
  return {
    name: `sage-sql ${cluster ? "cluster" : "server"} (${displayUrl(url)})`,
    names: cluster ? ["cluster"] : [],
    async open(): Promise<SltDatabase> {
      const admin = await connect();
      const before = await sageRelations(admin);
      const clients: PgClient[] = [];
      return {
        async connect(): Promise<SltConnection> {
          const client = await connect();
          clients.push(client);
          return { run: (sql) => runOn(client, sql) };
        },
        async close(): Promise<void> {
          for (const c of clients) await c.end().catch(() => {});
          await dropNewRelations(admin, before).catch(() => {});
          await admin.end().catch(() => {});
        },
      };
    },
  };
}

/** the server's URL without its user and password, for the engine's name */
function displayUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//");
}

async function runOn(client: PgClient, sql: string): Promise<SltResult[]> {
  let res: PgResult | PgResult[];
  try {
    res = await client.query({ text: sql, rowMode: "array", types: TEXT_TYPES });
  } catch (e) {
    const err = e as { message?: string; code?: string; severity?: string };
    throw new SltEngineError(err.message ?? String(e), err.code, err.severity === undefined);
  }
  return (Array.isArray(res) ? res : [res]).map((r) => ({
    command: r.command ?? "",
    rowCount: r.rowCount ?? 0,
    columns: r.fields.map((f) => ({ name: f.name, kind: kindOf(f.dataTypeID) })),
    rows: r.rows,
  }));
}
