// Sources and sinks in cluster mode run once, exactly, through a leader's kill -9 (real
// processes: nats-server with JetStream, a real PostgreSQL 15, a leader coordinator and a standby
// as children of the built CLI). A JetStream source feeds a stream; only the leader reads it and
// every batch goes through the input log with its stream sequence, so the standby resumes after
// the last sequence it applied. Two Postgres sinks (append-only from the stream, upsert from an
// aggregate over it) write only from the leader, their progress keyed by the input log's sequence,
// so the new leader resumes them where the old one committed; a NATS sink from the stream publishes
// with message ids every coordinator derives alike. Messages are published throughout,
// before, during and after the kill: at the end the stream holds every published message once, and
// the Postgres targets equal exactly what was published (no duplicate, none missing). The killed
// coordinator comes back as the standby (in memory: it replays the whole input log) and the second
// kill makes it the leader again.
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./free-port.js";
import { hasPostgres, startPostgres, type PgServer } from "./pg/pg-server.js";
import { sleep } from "./cluster/cli-child.js";
import { ProcessCluster, until } from "./cluster/process-cluster.js";

const MESSAGES = Number(process.env.SAGE_SRCSINK_TEST_MESSAGES ?? 4000);
const TIMING = { heartbeatMs: 300, workerTtlMs: 2000, leaderTtlMs: 3000, barrierIntervalMs: 250, takeoverGraceMs: 800 };
const PG_PORT = Number(process.env.PGPORT ?? 0);

describe.skipIf(!hasPostgres)("sources and sinks in cluster mode through a leader kill -9", () => {
  let cluster: ProcessCluster;
  let postgres: PgServer;
  let nc: NatsConnection;
  const context = (): string => cluster.context();
  const query = (sql: string): Promise<string[][]> => cluster.query(sql);

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ timing: TIMING });
    postgres = startPostgres(PG_PORT || (await freePort()));
    nc = await connect({ servers: cluster.nats.url });
    await (await jetstreamManager(nc)).streams.add({ name: "EV", subjects: ["ev.in"] });
    await cluster.startCoordinator("coordinator A");
    await cluster.startCoordinator("coordinator B");
  }, 120_000);

  afterAll(async () => {
    await nc?.close().catch(() => undefined);
    await cluster?.stop();
    postgres?.destroy();
  });

  it("a JetStream source and Postgres sinks: every published message once in the stream and in Postgres across kill -9 of the leader", async () => {
    const pgConn = `connector = 'postgres', hostname = '127.0.0.1', port = '${postgres.port}', username = 'postgres', database = 'postgres', flush_interval_ms = '100'`;
    await query(`CREATE STREAM ev (id BIGINT, v BIGINT) WITH (connector = 'nats', servers = '${cluster.nats.url}', subject = 'ev.in', stream = 'EV', retention = 'all') FORMAT JSON`);
    await query("CREATE MATERIALIZED VIEW ev_sum AS SELECT id % 7 AS k, count(*) AS n, sum(v) AS s FROM ev GROUP BY id % 7");
    await query(`CREATE SINK ev_out FROM ev WITH (${pgConn}, table = 'public.ev_out', type = 'append-only')`);
    await query(`CREATE SINK ev_sum_out FROM ev_sum WITH (${pgConn}, table = 'public.ev_sum_out', type = 'upsert', primary_key = 'k')`);
    await query(`CREATE SINK ev_nats FROM ev WITH (connector = 'nats', servers = '${cluster.nats.url}', subject = 'ev.out', stream = 'EVOUT') FORMAT JSON`);

    // publishing runs on its own, before, through and after the leader's death
    const js = jetstream(nc);
    let published = 0;
    // about 150 messages a second: publishing spans both kills
    const publishing = (async () => {
      for (let id = 1; id <= MESSAGES; id++) {
        await js.publish("ev.in", JSON.stringify({ id, v: id * 3 }));
        published = id;
        if (id % 10 === 0) await sleep(60);
      }
    })();
    let publishFailure: unknown = null;
    void publishing.catch((e) => (publishFailure = e));
    // the sink creates its table with its first batch
    const inPostgres = async () => Number((await postgres.query("SELECT count(*) AS n FROM ev_out").catch((e: { code?: string }) => (e.code === "42P01" ? { rows: [{ n: 0 }] } : Promise.reject(e)))).rows[0].n);

    for (const kill of [1, 2]) {
      // the leader has read and written some of it
      const before = await inPostgres();
      await until(`rows in Postgres before kill ${kill}`, async () => (await inPostgres()) >= before + MESSAGES / 10, 60_000, context).catch(async (e: Error) => {
        // what the leader says of its source and sinks
        const status = await query("SELECT * FROM sage_catalog.sink_status").catch((q: Error) => q.message);
        const sources = await query("SELECT * FROM sage_catalog.sources").catch((q: Error) => q.message);
        throw new Error(`${e.message}\nsink_status: ${JSON.stringify(status)}\nsources: ${JSON.stringify(sources)}`);
      });
      const port = await cluster.leaderPort();
      const old = cluster.coordinators.find((c) => c.port === port)!;
      await old.child.kill9();
      cluster.dropClient();
      cluster.coordinators.splice(cluster.coordinators.indexOf(old), 1);
      expect(published, `kill ${kill} came while messages were still being published`).toBeLessThan(MESSAGES);
      // the standby takes over and resumes the source and the sinks
      expect(await cluster.leaderPort(30_000)).not.toBe(port);
      // the killed one comes back as the standby (replaying the input log from its start)
      if (kill === 1) await cluster.startCoordinator("coordinator A again");
    }
    await publishing;
    expect(publishFailure).toBeNull();

    // the stream on the new leader: every message once
    await until("every message in the stream", async () => Number((await query("SELECT count(*) FROM ev"))[0][0]) >= MESSAGES, 60_000, context);
    await query("FLUSH");
    const [[n, distinct, sum]] = await query("SELECT count(*), count(DISTINCT id), sum(v) FROM ev");
    const expectedSum = (3 * MESSAGES * (MESSAGES + 1)) / 2;
    expect([Number(n), Number(distinct), Number(sum)]).toEqual([MESSAGES, MESSAGES, expectedSum]);

    // Postgres: the append-only target holds each message exactly once
    await until("every message in Postgres", async () => Number((await postgres.query("SELECT count(*) AS n FROM ev_out")).rows[0].n) >= MESSAGES, 60_000, context);
    await sleep(500); // a duplicate written late would show now
    const out = (await postgres.query("SELECT count(*) AS n, count(DISTINCT id) AS d, sum(v) AS s, min(id) AS lo, max(id) AS hi FROM ev_out")).rows[0];
    expect([Number(out.n), Number(out.d), Number(out.s), Number(out.lo), Number(out.hi)]).toEqual([MESSAGES, MESSAGES, expectedSum, 1, MESSAGES]);

    // the upsert target equals the aggregate of what was published
    const expected: string[] = [];
    for (let k = 0; k < 7; k++) {
      let count = 0;
      let s = 0;
      for (let id = 1; id <= MESSAGES; id++) if (id % 7 === k) (count++, (s += id * 3));
      expected.push(`${k}|${count}|${s}`);
    }
    await until("the aggregate in Postgres", async () => JSON.stringify(await postgres.textRows("SELECT k, n, s FROM ev_sum_out ORDER BY k")) === JSON.stringify(expected), 30_000, context).catch(async (e) => {
      expect(await postgres.textRows("SELECT k, n, s FROM ev_sum_out ORDER BY k")).toEqual(expected);
      throw e;
    });
    // the NATS sink: each message published once on its subject (ids de-duplicated across leaders)
    const jsm = await jetstreamManager(nc);
    await until("every message on the sink's subject", async () => (await jsm.streams.info("EVOUT")).state.messages >= MESSAGES, 30_000, context);
    await sleep(500);
    const total = (await jsm.streams.info("EVOUT")).state.messages;
    const ids: number[] = [];
    const consumer = await js.consumers.get("EVOUT");
    for await (const m of await consumer.fetch({ max_messages: total, expires: 5000 })) {
      ids.push((JSON.parse(m.string()) as { id: number }).id);
      if (ids.length === total) break;
    }
    expect([total, ids.length, new Set(ids).size, Math.min(...ids), Math.max(...ids)]).toEqual([MESSAGES, MESSAGES, MESSAGES, 1, MESSAGES]);

    // the progress rows name the instance every coordinator agrees on, at a position of the input log
    const progress = await postgres.textRows("SELECT sink, writer FROM sage_sink_progress ORDER BY sink");
    expect(progress.map((r) => r.split("|")[0])).toEqual(["ev_out", "ev_sum_out"]);
    for (const r of progress) expect(r).toMatch(/\|sage-sink-instance c[0-9a-z]+$/);
  }, 180_000);
});
