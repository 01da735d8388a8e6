// Connectors: Postgres sink throughput. A table of N rows (id INT, k INT, note TEXT) is delivered
// to a fresh Postgres table by CREATE SINK ... WITH (connector = 'postgres', type = 'append-only')
// then FLUSH (every row committed in Postgres, with the sink's progress row: exactly-once), timed
// from CREATE SINK to FLUSH's return. Peer: the same rows sent by a plain COPY ... FROM STDIN
// through `pg` (pg-copy-streams) into a fresh table, the fastest way in. Figure: rows/s; ratio =
// sink / COPY. Both checks read count and sum(id) back from Postgres. Starts its own PostgreSQL 15
// (test/pg/pg-server.ts) on a free port; skips when the binaries are missing.

import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { Database } from "../../src/index.js";
import { freePort } from "../../test/free-port.js";
import { hasPostgres, startPostgres, type PgServer } from "../../test/pg/pg-server.js";
import { type BenchCase, type Contender, measure, probe, resultRow } from "../lib/harness.js";

async function targetCheck(server: PgServer, table: string): Promise<string> {
  const r = await server.query(`SELECT count(*)::text AS n, sum(id)::text AS s FROM ${table}`);
  return `${r.rows[0].n}/${r.rows[0].s}`;
}

function sinkContender(server: PgServer, n: number): Contender {
  let run = 0;
  return {
    name: "pg-sink",
    async run() {
      const table = `sink_out_${run++}`;
      const db = await Database.open({ memory: true });
      try {
        await db.execute(`CREATE TABLE src (id INT, k INT, note TEXT); INSERT INTO src SELECT g, g % 1000, 'row ' || g FROM generate_series(1, ${n}) g`);
        const t0 = performance.now();
        await db.execute(`CREATE SINK out FROM src WITH (connector = 'postgres', hostname = '127.0.0.1', port = '${server.port}', username = 'postgres', database = 'postgres', table = 'public.${table}', type = 'append-only'); FLUSH`);
        const seconds = (performance.now() - t0) / 1000;
        probe();
        const check = await targetCheck(server, table);
        await server.query(`DROP TABLE ${table}`);
        return { value: n / seconds, check };
      } finally {
        await db.close();
      }
    },
  };
}

function copyContender(server: PgServer, n: number): Contender {
  let run = 0;
  return {
    name: "pg-copy",
    async run() {
      const table = `copy_out_${run++}`;
      const client = new pg.Client(server.config);
      await client.connect();
      try {
        await client.query(`CREATE TABLE ${table} (id integer, k integer, note text)`);
        // the rows as COPY's text format, produced as they are sent (as a client streaming its data would)
        const lines = function* () {
          const BATCH = 5000;
          for (let i = 1; i <= n; i += BATCH) {
            let s = "";
            for (let g = i; g < Math.min(n + 1, i + BATCH); g++) s += `${g}\t${g % 1000}\trow ${g}\n`;
            yield s;
          }
        };
        const t0 = performance.now();
        await pipeline(Readable.from(lines()), client.query(copyFrom(`COPY ${table} FROM STDIN`)));
        const seconds = (performance.now() - t0) / 1000;
        probe();
        const check = await targetCheck(server, table);
        await client.query(`DROP TABLE ${table}`);
        return { value: n / seconds, check };
      } finally {
        await client.end();
      }
    },
  };
}

export const pgSinkCase: BenchCase = {
  name: "connectors-pg-sink",
  async run(ctx) {
    if (!hasPostgres) {
      ctx.log("  connectors-pg-sink: SKIPPED: no PostgreSQL binaries (set PGBIN; Debian package postgresql-15)");
      return [];
    }
    const n = ctx.quick ? 20_000 : 200_000;
    const server = startPostgres(await freePort());
    try {
      const m = await measure({ name: "connectors-pg-sink", contenders: [sinkContender(server, n), copyContender(server, n)], runs: ctx.quick ? 3 : 5, warmups: 1, ctx });
      return [
        resultRow(m, {
          name: "connectors/pg-sink",
          unit: "rows/s",
          higherIsBetter: true,
          sage: "pg-sink",
          peers: ["pg-copy"],
          notes: `${n.toLocaleString("en")} rows (int, int, text) from a table into a fresh Postgres table: CREATE SINK (append-only, one transaction with its progress row) + FLUSH vs COPY FROM STDIN via pg-copy-streams; Postgres 15 on loopback, fsync off; ratio = sink/COPY`,
        }),
      ];
    } finally {
      server.destroy();
    }
  },
};
