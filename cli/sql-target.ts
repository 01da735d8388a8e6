// Where `sage-sql dump` and `restore` run their SQL: a live server (--url, through the pg client)
// or a data directory opened in this process (--data-dir; refused while a server holds it).

import pg from "pg";
import { Database, formatValue, type Session } from "../src/index.js";

export interface SqlTarget {
  /** what the target is, for messages */
  readonly label: string;
  /** runs one statement; returns its rows as text (NULL as null) */
  run(sql: string): Promise<(string | null)[][]>;
  close(): Promise<void>;
}

export async function openSqlTarget(options: { url?: string; dataDir?: string }): Promise<SqlTarget> {
  if (options.url) {
    const client = new pg.Client({ connectionString: options.url });
    client.on("error", () => {});
    await client.connect();
    return {
      label: options.url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@"),
      async run(sql) {
        const r = await client.query({ text: sql, rowMode: "array", types: { getTypeParser: () => (v: string) => v } });
        return (r.rows as (string | null)[][]) ?? [];
      },
      close: () => client.end(),
    };
  }
  const dataDir = options.dataDir ?? "./sage-data";
  const db = await Database.open({ dataDir });
  const session: Session = db.connect({ applicationName: "sage-sql" });
  return {
    label: dataDir,
    async run(sql) {
      const results = await session.execute(sql);
      const last = results[results.length - 1];
      if (!last) return [];
      return last.rows.map((row) => row.map((v, i) => (v === null ? null : formatValue(last.columns[i].type, v))));
    },
    close: () => db.close(),
  };
}
