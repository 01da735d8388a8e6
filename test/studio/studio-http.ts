// The HTTP port of `sage-sql serve` for Studio tests: a real PgServer (for its users and HBA
// rules) and HttpServer (the Studio's files, login, /api/query, /api/subscribe) over an
// in-memory Database (or one in a temporary data directory), on free loopback ports.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "../../src/index.js";
import { HttpServer, PgServer, ServerMetrics, type HbaRule, type UserConfig } from "../../src/server/index.js";

export interface StudioHttp {
  url: string;
  db: Database;
  close(): Promise<void>;
}

export async function startStudioHttp(auth: { users?: UserConfig[]; hba?: HbaRule[]; dataDir?: boolean } = {}): Promise<StudioHttp> {
  // a data directory when the test needs checkpoints (periodic ones off: only CHECKPOINT takes one)
  const dir = auth.dataDir ? mkdtempSync(join(tmpdir(), "sage-studio-")) : undefined;
  const db = await Database.open(dir ? { dataDir: dir, checkpointInterval: 0 } : { memory: true });
  let pg: PgServer | undefined;
  const metrics = new ServerMetrics(db, () => pg?.sessionCount ?? 0);
  pg = await PgServer.start({ db, host: "127.0.0.1", port: 0, users: auth.users, hba: auth.hba });
  const http = await HttpServer.start({ db, port: 0, hba: pg.hba, users: pg.users, defaultUser: "sage", metrics });
  return {
    url: `http://127.0.0.1:${http.port}/`,
    db,
    async close() {
      await http.close();
      await pg.close();
      metrics.close();
      await db.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
