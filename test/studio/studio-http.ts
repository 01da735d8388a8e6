// A stand-in for the HTTP port of `sage-sql serve` in Studio tests: the Studio's files through
// serveStudio, and POST /api/query answered by an in-process Database in the shape of
// src/server/http/query-api.ts ({results: [...], error?: {code, message, position, line, column}}).

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Database, SqlError, formatValue, typeName } from "../../src/index.js";
import { serveStudio } from "../../src/server/index.js";

export interface StudioHttp {
  url: string;
  db: Database;
  close(): Promise<void>;
}

function json(v: unknown, type: Parameters<typeof formatValue>[0]): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") return v;
  if (typeof v === "number" && Number.isFinite(v) && ["smallint", "integer", "real", "double"].includes(type.id)) return v;
  return formatValue(type, v);
}

export async function startStudioHttp(): Promise<StudioHttp> {
  const db = await Database.open({ memory: true });
  const server: Server = createServer((req, res) => {
    if (serveStudio(req, res)) return;
    if (req.url !== "/api/query" || req.method !== "POST") {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "404", message: "no such endpoint" } }));
      return;
    }
    const parts: Buffer[] = [];
    req.on("data", (b: Buffer) => parts.push(b));
    req.on("end", async () => {
      const { sql } = JSON.parse(Buffer.concat(parts).toString("utf8")) as { sql: string };
      let status = 200;
      let body: unknown;
      try {
        const rs = await db.connect().execute(sql);
        body = {
          results: rs.map((r) => ({
            command: r.command,
            rowCount: r.rowCount,
            columns: r.columns.map((c) => ({ name: c.name, type: typeName(c.type) })),
            rows: r.rows.map((row) => row.map((v, i) => json(v, r.columns[i].type))),
            notices: r.notices,
          })),
        };
      } catch (e) {
        if (!(e instanceof SqlError)) throw e;
        status = 400;
        body = { results: [], error: { code: e.code, message: e.message, position: e.position, line: e.line, column: e.column, hint: e.hint } };
      }
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    db,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}
