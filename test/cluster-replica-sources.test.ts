// Sources in cluster mode read on the leader only, and their batches reach every replica through
// the input log with the source's position: two coordinators' replicas in one process on a real
// nats-server. A datagen and a nexmark stream and a file-fed table end up with the same rows on
// both (the standby never reads: the file is gone before it could), the standby's runners hold
// the leader's positions, and when the leader stops mid-stream the standby resumes each generator
// after the last batch in the log: every row once, in order. A durable JetStream consumer is
// acked only for batches the log holds, and the new leader skips what its redelivery repeats.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "@nats-io/transport-node";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Database } from "../src/index.js";
import { NatsServer } from "./nats-server.js";
import { InProcessReplicas, until, type InProcessCoordinator } from "./cluster/in-process-replicas.js";

async function rows(db: Database, sql: string): Promise<string[]> {
  const [r] = await db.execute(sql);
  return r.rows.map((row) => JSON.stringify(row, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
}

async function produced(db: Database, name: string): Promise<number> {
  const [r] = await db.execute(`SELECT rows_produced FROM sage_catalog.sources WHERE stream = '${name}'`);
  return r.rows.length === 0 ? -1 : Number(r.rows[0][0]);
}

describe("sources through the input log", () => {
  let nats: NatsServer;
  let replicas: InProcessReplicas;
  let a: InProcessCoordinator;
  let b: InProcessCoordinator;
  const caughtUp = () => until("the standby caught up", () => b.replica.status().appliedSeq === a.replica.status().appliedSeq);

  beforeAll(async () => {
    nats = await NatsServer.start();
    replicas = new InProcessReplicas(nats, "sources");
    a = await replicas.coordinator("a:1", 2000);
    await until("a leading", () => a.replica.status().role === "leader");
    b = await replicas.coordinator("b:2", 2000);
  }, 30_000);

  afterAll(async () => {
    await replicas?.close();
    await nats?.stop();
  });

  it("generators and a file source: read once on the leader, the same rows and positions on the standby", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-replica-file-"));
    try {
      const csv = join(dir, "rows.csv");
      writeFileSync(csv, "id,name\n" + Array.from({ length: 300 }, (_, i) => `${i},n${i}`).join("\n") + "\n");
      await a.db.execute(`CREATE STREAM g (id BIGINT, x INT) WITH (connector = 'datagen', fields.id.kind = 'sequence', fields.id.start = '1', fields.id.end = '20000', datagen.rows.per.second = '0', retention = 'all')`);
      await a.db.execute(`CREATE STREAM bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, date_time TIMESTAMP, extra VARCHAR) WITH (connector = 'nexmark', nexmark.table = 'bid', nexmark.events_per_second = '0', nexmark.max_events = '3000', retention = 'all')`);
      await a.db.execute(`CREATE TABLE f (id INT, name TEXT) WITH (connector = 'file', path = '${csv}', format = 'csv')`);
      for (const [name, n] of [["g", 20000], ["f", 300]] as const) {
        await until(`${name}'s rows`, () => a.db.relation(a.db.catalog.findRelation(["public", name])!.id).store.size === n, 30_000);
      }
      rmSync(csv); // the standby has never read it and never will
      await until("nexmark exhausted on the leader", () => a.db.sourceRunners().get(a.db.catalog.findRelation(["public", "bid"])!.id)!.exhausted, 30_000);
      await caughtUp();
      for (const sql of ["SELECT count(*), count(DISTINCT id), min(id), max(id), sum(x) FROM g", "SELECT * FROM bid ORDER BY date_time, auction, bidder, price", "SELECT * FROM f ORDER BY id"]) {
        const mine = await rows(a.db, sql);
        expect(mine.length).toBeGreaterThan(0);
        expect(await rows(b.db, sql), sql).toEqual(mine);
      }
      expect(await rows(a.db, "SELECT count(*), count(DISTINCT id) FROM g")).toEqual([JSON.stringify(["20000", "20000"])]);
      // the standby's runners hold the positions that came with the batches
      for (const name of ["g", "bid", "f"]) expect(await produced(b.db, name), name).toBe(await produced(a.db, name));
      expect(await produced(b.db, "f")).toBe(300);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a durable JetStream consumer: the leader acks what the log holds, the standby holds the same rows", async () => {
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: "DUR", subjects: ["dur.in"] });
      await jsm.consumers.add("DUR", { durable_name: "sage", ack_policy: AckPolicy.Explicit, filter_subject: "dur.in", ack_wait: 2_000_000_000 });
      const js = jetstream(nc);
      for (let n = 1; n <= 500; n++) await js.publish("dur.in", JSON.stringify({ n }));
      await a.db.execute(`CREATE STREAM d (n INT) WITH (connector = 'nats', servers = '${nats.url}', subject = 'dur.in', stream = 'DUR', consumer = 'sage', retention = 'all') FORMAT JSON`);
      const count = (db: Database) => db.relation(db.catalog.findRelation(["public", "d"])!.id).store.size;
      await until("the leader's rows", () => count(a.db) === 500, 20_000);
      await caughtUp();
      expect(count(b.db)).toBe(500);
      // every message acked, and only once the batch was applied from the log (the standby has it)
      let info = await jsm.consumers.info("DUR", "sage");
      for (let i = 0; i < 100 && info.ack_floor.stream_seq < 500; i++) {
        await new Promise((r) => setTimeout(r, 50));
        info = await jsm.consumers.info("DUR", "sage");
      }
      expect([info.ack_floor.stream_seq, info.num_ack_pending]).toEqual([500, 0]);
      expect(await rows(b.db, "SELECT count(*), count(DISTINCT n), sum(n) FROM d")).toEqual([JSON.stringify(["500", "500", "125250"])]);
    } finally {
      await nc.close();
    }
  });

  it("a standby that takes over resumes a generator after the last batch in the log: every row once", async () => {
    await a.db.execute(`CREATE STREAM slow (id BIGINT) WITH (connector = 'datagen', fields.id.kind = 'sequence', fields.id.start = '1', fields.id.end = '6000', datagen.rows.per.second = '1500', retention = 'all')`);
    await until("some rows", () => a.db.relation(a.db.catalog.findRelation(["public", "slow"])!.id).store.size > 500, 20_000);
    await a.replica.close(); // the leader goes away mid-stream
    const before = a.db.relation(a.db.catalog.findRelation(["public", "slow"])!.id).store.size;
    expect(before).toBeLessThan(6000);
    await until("b leading", () => b.replica.status().role === "leader", 20_000);
    const slow = () => b.db.relation(b.db.catalog.findRelation(["public", "slow"])!.id).store.size;
    await until("every row on the new leader", () => slow() >= 6000, 30_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(await rows(b.db, "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM slow")).toEqual([JSON.stringify(["6000", "6000", "1", "6000"])]);
  });
});
