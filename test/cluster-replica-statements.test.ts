// Statements through the input log behave as on one node: two coordinators' replicas in one
// process on a real nats-server; what the leader's clients see (results, RETURNING, errors with
// their SQLSTATE, compared with one node's) and what the standby ends up holding (the SET ROLE
// role's ownership) are checked.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database, type Backbone } from "../src/index.js";
import { INPUT_SUBJECT_PREFIX, orderedInput, replicaInputScheme } from "../src/cluster/index.js";
import { NatsServer } from "./nats-server.js";
import { InProcessReplicas, until } from "./cluster/in-process-replicas.js";

describe("statements through the input log", () => {
  let nats: NatsServer;
  let replicas: InProcessReplicas;
  let backbones: Backbone[];
  let leader: Database;
  let standby: Database;
  let caughtUp: () => Promise<void>;

  beforeAll(async () => {
    nats = await NatsServer.start();
    replicas = new InProcessReplicas(nats, "stmts");
    const a = await replicas.coordinator("a:1", 10_000);
    await until("a leading", () => a.replica.status().role === "leader");
    const b = await replicas.coordinator("b:2", 10_000);
    [leader, standby] = [a.db, b.db];
    backbones = [a.backbone, b.backbone];
    caughtUp = () => until("the standby caught up", () => b.replica.status().appliedSeq === a.replica.status().appliedSeq);
  }, 30_000);

  afterAll(async () => {
    await replicas?.close();
    await nats?.destroy();
  });

  it("returns what one node returns: results, RETURNING rows and errors with their SQLSTATE", async () => {
    const statements = [
      "CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(10,2), tags text[], at timestamptz, v vector(3))",
      "INSERT INTO items VALUES (1, 'a', 1.50, ARRAY['x','y'], '2024-01-02 03:04:05+00', '[1,2,3]'), (2, 'b', 2.25, NULL, NULL, NULL) RETURNING id, price, tags, at, v",
      "INSERT INTO items SELECT g, 'g' || g, g / 3.0, NULL, NULL, NULL FROM generate_series(3, 50) AS g",
      "UPDATE items SET price = price * 2 WHERE id = 2 OR id > 40 RETURNING id, name, price",
      "DELETE FROM items WHERE id % 7 = 0 RETURNING id",
      "CREATE TABLE items (x int)", // 42P07, from the replica's execution
      "INSERT INTO items VALUES (2, 'dup', 0, NULL, NULL, NULL)", // 23505, from the write's application
      "INSERT INTO items VALUES (2, 'dup', 0, NULL, NULL, NULL), (60, 'new', 0, NULL, NULL, NULL) ON CONFLICT DO NOTHING RETURNING id",
      "CREATE MATERIALIZED VIEW priced AS SELECT count(*) AS n, sum(price) AS total FROM items",
      "UPDATE items SET name = upper(name) WHERE price > 10",
      "TRUNCATE items",
      "INSERT INTO items VALUES (100, 'after', 1, NULL, NULL, NULL)",
      "SELECT * FROM priced",
      "BEGIN; CREATE DATABASE intx", // 25001: the replica sees the leader session's transaction block
      "CREATE DATABASE shop",
      "DROP DATABASE shop",
    ];
    const single = await Database.open({ memory: true });
    try {
      for (const sql of statements) {
        const outcome = async (db: Database) =>
          db.execute(sql).then(
            ([r]) => ({ command: r.command, rowCount: r.rowCount, rows: r.rows }),
            (e: { code?: string }) => ({ error: e.code }),
          );
        const expected = await outcome(single);
        expect(await outcome(leader), sql).toEqual(expected);
      }
    } finally {
      await single.close();
    }
    await caughtUp();
    for (const q of ["SELECT * FROM items ORDER BY id", "SELECT * FROM priced"]) {
      const [onLeader] = await leader.execute(q);
      const [onStandby] = await standby.execute(q);
      expect(onStandby.rows).toEqual(onLeader.rows);
    }
  });

  it("carries the session context: the SET ROLE role owns what it creates on every replica", async () => {
    const s = leader.connect();
    await s.execute("CREATE SCHEMA app");
    await s.execute("CREATE TABLE app.widgets (w int)");
    await s.execute("INSERT INTO app.widgets VALUES (7), (8)");
    await s.execute("CREATE MATERIALIZED VIEW app.wsum AS SELECT sum(w) AS total FROM app.widgets");
    await s.execute("CREATE ROLE builder");
    await s.execute("GRANT ALL ON SCHEMA app TO builder");
    await s.execute("SET ROLE builder");
    await s.execute("CREATE TABLE app.gadgets (g int)");
    await s.execute("RESET ROLE");
    s.close();
    await caughtUp();
    const [sum] = await standby.execute("SELECT total FROM app.wsum");
    expect(sum.rows.map((r) => Number(r[0]))).toEqual([15]);
    const owner = (db: Database) => db.catalog.findRelation(["app", "gadgets"])?.owner;
    expect(owner(leader)).toBe("builder");
    expect(owner(standby)).toBe("builder");
  });

  it("carries a write larger than a NATS message through the object store", async () => {
    await leader.execute("CREATE TABLE big (id int, pad text)");
    const [r] = await leader.execute("INSERT INTO big SELECT g, repeat('x', 100) || g FROM generate_series(1, 30000) AS g");
    expect(r.rowCount).toBe(30000);
    await caughtUp();
    const q = "SELECT count(*) AS n, sum(id) AS s, sum(length(pad)) AS l FROM big";
    const [onLeader] = await leader.execute(q);
    const [onStandby] = await standby.execute(q);
    const [n, sum, length] = onLeader.rows[0].map(Number);
    expect(n).toBe(30000);
    expect(sum).toBe((30000 * 30001) / 2);
    expect(length).toBeGreaterThan(3_000_000); // over 3 MB of text: several times NATS's 1 MB payload limit
    expect(onStandby.rows).toEqual(onLeader.rows);
    const blobs = await backbones[0].objects.list("replica/");
    expect(blobs.length).toBeGreaterThan(0);
  });

  /**
   * What a worker's source reading `relationId` sees of the log after `afterSeq`: the changes, read
   * through the workers' own reader (large writes fetched from the object store), as row -> count.
   */
  async function workerSees(relationId: string, afterSeq: number): Promise<{ rows: Map<string, number>; fetched: number }> {
    const last = await backbones[0].log.lastSeq();
    const rows = new Map<string, number>();
    let fetched = 0;
    await new Promise<void>((resolve, reject) => {
      const reader = orderedInput({
        scheme: { ...replicaInputScheme, decode: (m, r) => { const e = replicaInputScheme.decode(m, r); if (e?.kind === "fetch") fetched++; return e; } },
        relations: new Set([relationId]),
        objects: backbones[0].objects,
        handle: (event, seq) => {
          if (event?.kind === "changes") for (const c of event.changes) c.rows().forEach((r, i) => { const k = JSON.stringify(r); rows.set(k, (rows.get(k) ?? 0) + c.op(i)); });
          if (seq === last) resolve();
        },
        unreadable: (_seq, e) => reject(e),
        retry: (then) => setTimeout(then, 100),
      });
      if (afterSeq >= last) return resolve();
      const f = backbones[0].log.follow(INPUT_SUBJECT_PREFIX, afterSeq + 1, (m) => { if (m.seq <= last) reader.push(m); if (m.seq >= last) f.close(); }, reject);
    });
    for (const [k, n] of rows) if (n === 0) rows.delete(k);
    return { rows, fetched };
  }

  const tableRows = async (db: Database, table: string) => {
    const [r] = await db.execute(`SELECT * FROM ${table}`);
    const out = new Map<string, number>();
    for (const row of r.rows) out.set(JSON.stringify(row), (out.get(JSON.stringify(row)) ?? 0) + 1);
    return out;
  };

  it("logs only what every replica applies, so workers read exactly the table: rejects, ON CONFLICT DO NOTHING, large writes, TRUNCATE", async () => {
    await leader.execute("CREATE TABLE wk (id int PRIMARY KEY, v text)");
    const id = leader.catalog.findRelation(["public", "wk"])!.id;
    const start = await backbones[0].log.lastSeq();
    await leader.execute("INSERT INTO wk VALUES (1, 'a'), (2, 'b')");
    // rejected when it is applied: refused before it is appended, so no worker reads it
    let seq = await backbones[0].log.lastSeq();
    await expect(leader.execute("INSERT INTO wk VALUES (3, 'c'), (2, 'dup')")).rejects.toMatchObject({ code: "23505" });
    await expect(leader.execute("UPDATE wk SET id = 1 WHERE id = 2")).rejects.toMatchObject({ code: "23505" });
    expect(await backbones[0].log.lastSeq()).toBe(seq);
    // ON CONFLICT DO NOTHING: the log holds the row it inserted, not the one it skipped
    const [skipped] = await leader.execute("INSERT INTO wk VALUES (2, 'x'), (3, 'c'), (3, 'y') ON CONFLICT DO NOTHING RETURNING id, v");
    expect(skipped.rows).toEqual([[3, "c"]]);
    // over 512 KB: through the object store, which the workers' reader fetches
    await leader.execute("INSERT INTO wk SELECT g, repeat('x', 100) || g FROM generate_series(10, 20009) AS g");
    let seen = await workerSees(id, start);
    expect(seen.fetched).toBeGreaterThan(0);
    expect(seen.rows.size).toBe(20003);
    expect(seen.rows).toEqual(await tableRows(leader, "wk"));
    // TRUNCATE: appended as the deletes of its rows
    seq = await backbones[0].log.lastSeq();
    const [t] = await leader.execute("TRUNCATE wk");
    expect(t.command).toBe("TRUNCATE TABLE");
    await leader.execute("INSERT INTO wk VALUES (5, 'e')");
    seen = await workerSees(id, start);
    expect([...seen.rows.keys()]).toEqual([JSON.stringify([5, "e"])]);
    expect(seen.rows).toEqual(await tableRows(leader, "wk"));
    await caughtUp();
    expect(await tableRows(standby, "wk")).toEqual(await tableRows(leader, "wk"));
    // from before the TRUNCATE: a -1 for each of its 20003 rows, then the +1 of (5, 'e')
    const after = [...(await workerSees(id, seq)).rows.values()];
    expect(after.filter((n) => n === -1).length).toBe(20003);
    expect(after.filter((n) => n === 1).length).toBe(1);
  });

  it("refuses what it does not replicate yet, changing nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-copy-"));
    try {
      writeFileSync(join(dir, "rows.csv"), "9,z,1,,\n");
      await expect(leader.execute(`COPY items FROM '${join(dir, "rows.csv")}' WITH (FORMAT csv)`)).rejects.toMatchObject({ code: "0A000" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const [n] = await leader.execute("SELECT count(*) AS n FROM items WHERE id = 9");
    expect(Number(n.rows[0][0])).toBe(0);
  });
});
