// The sqllogictest runner against a Postgres server (`sage-sql test --url postgres://...`): to
// check expected results against real PostgreSQL, and later against `sage-sql serve`. Each test
// file gets a schema of its own (first on every connection's search_path), dropped at the end.
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

export async function pgEngine(url: string): Promise<SltEngine> {
  const Client = await loadClientClass();
  const connect = async (): Promise<PgClient> => {
    const client = new Client({ connectionString: url, application_name: "sage-sql test" });
    client.on("notice", () => {});
    client.on("error", () => {});
    await client.connect();
    return client;
  };
  return {
    name: `postgres (${url.replace(/\/\/[^@/]*@/, "//")})`,
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
          return {
            async run(sql: string): Promise<SltResult[]> {
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
            },
          };
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
