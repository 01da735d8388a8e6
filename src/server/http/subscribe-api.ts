// SUBSCRIBE over HTTP: GET /api/subscribe?sql=SUBSCRIBE ...[&database=name] answers with Server-Sent Events. The
// statement runs in its own session as the request's user; the stream carries
//   event: columns  data: [{"name", "type"}, ...]     (op, ts, then the query's columns, as pgwire's SUBSCRIBE)
//   event: rows     data: [[op, ts, ...values], ...]  (one event per batch of changes)
//   event: error    data: {"code", "message"}         (then the stream ends)
// and a comment line every 15 s so a dead client is noticed. When the client goes away the
// subscription is cancelled and the session closed. Only a single SUBSCRIBE statement is run
// (this is a GET: it must not change anything).

import type { IncomingMessage, ServerResponse } from "node:http";
import { parse } from "../../parser/index.js";
import { SqlError, SqlState, toSqlError, typeName, type StatementResult } from "../../types/index.js";
import type { EngineDatabase } from "../engine.js";
import { sendJson } from "./http-io.js";
import { connectRequest, errorJson, valueJson } from "./query-api.js";

const KEEPALIVE_MS = 15_000;

export class HttpSubscriptions {
  private open = 0;

  constructor(
    private readonly db: EngineDatabase,
    /** streams open at once at most (each holds a dataflow) */
    private readonly max = 64,
  ) {}

  get active(): number {
    return this.open;
  }

  async handle(req: IncomingMessage, res: ServerResponse, user: string, superuser?: boolean): Promise<void> {
    const query = new URL(req.url ?? "/", "http://x").searchParams;
    const sql = query.get("sql");
    try {
      if (sql === null) throw new SqlError(SqlState.ProtocolViolation, "give the statement as ?sql=SUBSCRIBE ...");
      const statements = parse(sql);
      if (statements.length !== 1 || statements[0].kind !== "subscribe") throw new SqlError(SqlState.FeatureNotSupported, "/api/subscribe runs a single SUBSCRIBE statement (use /api/query for others)");
    } catch (e) {
      return sendJson(res, 400, { error: errorJson(toSqlError(e)) });
    }
    if (this.open >= this.max) return sendJson(res, 503, { error: { code: SqlState.TooManyConnections, message: `too many subscriptions over HTTP (at most ${this.max})` } });
    const session = connectRequest(this.db, user, "sage-http-subscribe", superuser, req.socket.remoteAddress, query.get("database") ?? undefined);
    if ("refused" in session) return sendJson(res, session.refused.status, { error: session.refused.error });
    const results = session.run(sql);
    let first: StatementResult | undefined;
    try {
      first = (await results.next()).value as StatementResult | undefined;
    } catch (e) {
      session.close();
      return sendJson(res, 400, { error: errorJson(toSqlError(e)) });
    }
    const sub = first?.subscription;
    if (!sub) {
      await results.return(undefined);
      session.close();
      return sendJson(res, 400, { error: { code: SqlState.FeatureNotSupported, message: "the statement did not start a subscription" } });
    }
    this.open++;
    let closed = false;
    const keepalive = setInterval(() => res.write(": keepalive\n\n"), KEEPALIVE_MS);
    const finish = () => {
      if (closed) return;
      closed = true;
      this.open--;
      clearInterval(keepalive);
      sub.cancel();
      void results.return(undefined).catch(() => {});
      session.close();
    };
    // the client went away (or the server is closing its connections)
    res.on("close", finish);
    // ...perhaps already, while the subscription was starting
    if (req.socket.destroyed) {
      finish();
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" });
    const types = sub.columns.map((c) => c.type);
    res.write(event("columns", sub.columns.map((c) => ({ name: c.name, type: typeName(c.type) }))));
    try {
      for (;;) {
        const batch = await sub.next();
        if (batch === null || closed) break;
        const ok = res.write(event("rows", batch.map((row) => row.map((v, i) => valueJson(types[i], v)))));
        // a slow reader: wait for the socket before taking more changes
        if (!ok && !closed) await drained(res);
      }
    } catch (e) {
      if (!closed) res.write(event("error", errorJson(toSqlError(e))));
    }
    finish();
    res.end();
  }
}

/** Resolves when the socket takes writes again, or closes (listeners removed either way). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
