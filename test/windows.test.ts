// Windowed continuous queries over streams with watermarks: TUMBLE/HOP views updated as rows
// arrive, EMIT ON WINDOW CLOSE emitting each window once when the watermark passes it, late rows
// dropped and counted, and generator sources feeding views.
import { describe, expect, it } from "vitest";
import { Database, formatValue } from "../src/index.js";

async function rows(db: Database, sql: string): Promise<string[]> {
  const [r] = await db.execute(sql);
  return r.rows.map((row) => row.map((v, i) => (v === null ? "NULL" : formatValue(r.columns[i].type, v))).join("|"));
}

const STREAM = `CREATE STREAM ev (k INT, v INT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '2 seconds')`;

describe("windows and watermarks", () => {
  it("keeps a tumbling-window view equal to the batch query while rows arrive", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(STREAM);
    const q = "SELECT k, window_start, count(*) AS n, sum(v) AS s FROM TUMBLE(ev, ts, INTERVAL '10 seconds') GROUP BY k, window_start";
    await db.execute(`CREATE MATERIALIZED VIEW w AS ${q}`);
    await db.execute("INSERT INTO ev VALUES (1, 1, '2024-01-01 00:00:01'), (1, 2, '2024-01-01 00:00:09'), (2, 5, '2024-01-01 00:00:11')");
    expect((await rows(db, "SELECT * FROM w")).sort()).toEqual((await rows(db, q)).sort());
    await db.execute("INSERT INTO ev VALUES (1, 7, '2024-01-01 00:00:12')");
    expect((await rows(db, "SELECT * FROM w ORDER BY k, window_start"))).toEqual([
      "1|2024-01-01 00:00:00|2|3",
      "1|2024-01-01 00:00:10|1|7",
      "2|2024-01-01 00:00:10|1|5",
    ]);
  });

  it("emits each window once, final, on window close, and drops late rows", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(STREAM);
    await db.execute(
      "CREATE MATERIALIZED VIEW c AS SELECT window_start, window_end, count(*) AS n, max(v) AS top FROM TUMBLE(ev, ts, INTERVAL '10 seconds') GROUP BY window_start, window_end EMIT ON WINDOW CLOSE",
    );
    const [sub] = await db.execute("SUBSCRIBE c");
    const s = sub.subscription!;
    await db.execute("INSERT INTO ev VALUES (1, 1, '2024-01-01 00:00:01'), (1, 4, '2024-01-01 00:00:05')");
    expect(await rows(db, "SELECT * FROM c")).toEqual([]); // watermark 00:00:03: window [0,10) still open
    await db.execute("INSERT INTO ev VALUES (1, 2, '2024-01-01 00:00:11')");
    expect(await rows(db, "SELECT * FROM c")).toEqual([]); // watermark 00:00:09
    await db.execute("INSERT INTO ev VALUES (1, 9, '2024-01-01 00:00:13')"); // watermark 00:00:11 closes [0,10)
    expect(await rows(db, "SELECT * FROM c")).toEqual(["2024-01-01 00:00:00|2024-01-01 00:00:10|2|4"]);
    // a row for the closed window is late: dropped, counted, never merged
    const [late] = await db.execute("INSERT INTO ev VALUES (1, 100, '2024-01-01 00:00:02')");
    expect(late.notices[0]).toMatch(/behind the watermark/);
    expect(await rows(db, "SELECT late_rows FROM sage_catalog.late_rows WHERE stream = 'ev'")).toEqual(["1"]);
    await db.execute("INSERT INTO ev VALUES (1, 3, '2024-01-01 00:00:25')"); // closes [10,20)
    expect(await rows(db, "SELECT * FROM c ORDER BY window_start")).toEqual([
      "2024-01-01 00:00:00|2024-01-01 00:00:10|2|4",
      "2024-01-01 00:00:10|2024-01-01 00:00:20|2|9",
    ]);
    // the subscriber saw only inserts: each window once, final
    const seen: unknown[][] = [];
    for (;;) {
      const batch = await Promise.race([s.next(), new Promise<null>((r) => setTimeout(() => r(null), 50))]);
      if (!batch) break;
      seen.push(...batch);
    }
    expect(seen.map((r) => r[0])).toEqual(["insert", "insert"]);
    s.cancel();
  });

  it("sends late rows to another stream when asked", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE STREAM late_ev (k INT, v INT, ts TIMESTAMP)");
    await db.execute(`CREATE STREAM ev2 (k INT, v INT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1 second') WITH (late_rows = 'late_ev')`);
    await db.execute("INSERT INTO ev2 VALUES (1, 1, '2024-01-01 00:00:10'); INSERT INTO ev2 VALUES (2, 2, '2024-01-01 00:00:01')");
    expect(await rows(db, "SELECT k, v FROM late_ev")).toEqual(["2|2"]);
    expect(await rows(db, "SELECT k FROM ev2")).toEqual(["1"]);
  });

  it("feeds a view from the nexmark generator", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE STREAM bid (auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP,
      WATERMARK FOR date_time AS date_time - INTERVAL '4 seconds')
      WITH (connector = 'nexmark', nexmark.table = 'bid', nexmark.events_per_second = 0, nexmark.max_events = 5000)`);
    await db.execute("CREATE MATERIALIZED VIEW bids AS SELECT count(*) AS n, sum(price) AS total FROM bid");
    for (let i = 0; i < 200; i++) {
      const [n] = await rows(db, "SELECT n FROM bids");
      if (n === "4600") break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await rows(db, "SELECT n FROM bids")).toEqual(["4600"]); // 46 of every 50 events are bids
    await expect(db.execute("SELECT * FROM bid")).rejects.toMatchObject({ code: "0A000" });
    await db.close();
  });
});

describe("lookup (temporal) joins", () => {
  it("joins each stream row with the table as it stood when the row arrived", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE TABLE rates (cur TEXT PRIMARY KEY, rate INT);
      INSERT INTO rates VALUES ('eur', 2), ('gbp', 3);
      CREATE STREAM orders (id INT, cur TEXT, amount INT);`);
    await db.execute(`CREATE MATERIALIZED VIEW priced AS
      SELECT o.id, o.amount * r.rate AS total FROM orders o JOIN rates FOR SYSTEM_TIME AS OF PROCTIME() r ON o.cur = r.cur`);
    await db.execute(`CREATE MATERIALIZED VIEW priced_left AS
      SELECT o.id, r.rate FROM orders o LEFT JOIN rates FOR SYSTEM_TIME AS OF PROCTIME() r ON o.cur = r.cur`);
    await db.execute("INSERT INTO orders VALUES (1, 'eur', 10), (2, 'usd', 5)");
    await db.execute("UPDATE rates SET rate = 100 WHERE cur = 'eur'"); // does not revise order 1
    await db.execute("INSERT INTO rates VALUES ('usd', 7)"); // does not revise order 2
    await db.execute("INSERT INTO orders VALUES (3, 'eur', 1), (4, 'usd', 1)");
    expect((await rows(db, "SELECT * FROM priced ORDER BY id"))).toEqual(["1|20", "3|100", "4|7"]);
    expect((await rows(db, "SELECT * FROM priced_left ORDER BY id"))).toEqual(["1|2", "2|NULL", "3|100", "4|7"]);
    await expect(db.execute("CREATE MATERIALIZED VIEW bad AS SELECT * FROM rates a JOIN rates FOR SYSTEM_TIME AS OF PROCTIME() b ON a.cur = b.cur")).rejects.toMatchObject({ code: "0A000" });
  });
});

describe("interval joins", () => {
  const STREAMS = `CREATE STREAM clicks (k INT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1 second');
    CREATE STREAM views (k INT, v INT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1 second')`;
  const Q = `SELECT c.k, c.ts AS cts, v.v, v.ts AS vts FROM clicks c JOIN views v
    ON c.k = v.k AND v.ts BETWEEN c.ts - INTERVAL '5 seconds' AND c.ts`;
  const ts = (s: number) => `'2024-01-01 00:${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}'`;
  const joinState = (db: Database): number => {
    const ops = db.streams.all().flatMap((df) => df.operators).filter((o) => o.name === "HashJoin");
    return ops.reduce((n, o) => n + (o as unknown as { stateRows: number }).stateRows, 0);
  };

  it("keeps a view equal to the ad-hoc query, drops late rows, and keeps bounded state", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(STREAMS);
    await db.execute(`CREATE MATERIALIZED VIEW j AS ${Q}`);
    const same = async () => expect((await rows(db, "SELECT * FROM j")).sort()).toEqual((await rows(db, Q)).sort());
    await db.execute(`INSERT INTO views VALUES (1, 1, ${ts(1)}), (1, 2, ${ts(4)}), (2, 3, ${ts(5)})`);
    await db.execute(`INSERT INTO clicks VALUES (1, ${ts(6)}), (2, ${ts(12)})`);
    await same();
    expect(await rows(db, "SELECT k, v FROM j ORDER BY v")).toEqual(["1|1", "1|2"]);
    await db.execute(`INSERT INTO views VALUES (2, 4, ${ts(9)}), (1, 5, ${ts(20)})`);
    await same();
    // late: behind the views watermark (00:00:19) — dropped, never joined
    await db.execute(`INSERT INTO views VALUES (2, 6, ${ts(10)})`);
    await db.execute(`INSERT INTO clicks VALUES (1, ${ts(22)}), (1, ${ts(3)})`); // the second is late
    await same();
    expect(await rows(db, "SELECT k, v, vts FROM j ORDER BY vts")).toEqual([
      "1|1|2024-01-01 00:00:01",
      "1|2|2024-01-01 00:00:04",
      "2|4|2024-01-01 00:00:09",
      "1|5|2024-01-01 00:00:20",
    ]);
    // many rows with advancing watermarks: the join's stored rows stay few
    let most = 0;
    for (let s = 30; s < 630; s += 3) {
      await db.execute(`INSERT INTO views VALUES (1, ${s}, ${ts(s)}), (2, ${s}, ${ts(s + 1)}); INSERT INTO clicks VALUES (1, ${ts(s + 2)}), (2, ${ts(s + 2)})`);
      most = Math.max(most, joinState(db));
    }
    await same();
    expect(await rows(db, "SELECT count(*) FROM j")).toEqual(["802"]); // 4 pairs per step, none for the first
    console.log(`interval join: at most ${most} stored rows while 800 rows went in`);
    expect(most).toBeLessThan(20); // 800 rows went in
    await db.close();
  });

  it("forwards watermarks so that an EOWC aggregate above an interval join closes its groups", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(STREAMS);
    const q = `SELECT cts, count(*) AS n FROM (${Q}) x GROUP BY cts`;
    await db.execute(`CREATE MATERIALIZED VIEW per_click AS ${q} EMIT ON WINDOW CLOSE`);
    await db.execute(`INSERT INTO views VALUES (1, 1, ${ts(1)}), (1, 2, ${ts(4)})`);
    await db.execute(`INSERT INTO clicks VALUES (1, ${ts(5)})`);
    expect(await rows(db, "SELECT * FROM per_click")).toEqual([]);
    await db.execute(`INSERT INTO views VALUES (1, 3, ${ts(20)})`);
    await db.execute(`INSERT INTO clicks VALUES (1, ${ts(21)})`);
    expect(await rows(db, "SELECT * FROM per_click")).toEqual(["2024-01-01 00:00:05|2"]);
    await db.close();
  });
});

describe("session windows", () => {
  const SQ = "SELECT k, window_start, window_end, count(*) AS n, sum(v) AS s FROM SESSION(ev, ts, INTERVAL '5 seconds', k) GROUP BY k, window_start, window_end";
  const at = (s: number) => `'2024-01-01 00:00:${String(s).padStart(2, "0")}'`;

  it("keeps a session view equal to the ad-hoc query through in-order, out-of-order and bridging rows", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE STREAM ev (k INT, v INT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '20 seconds')`);
    await db.execute(`CREATE MATERIALIZED VIEW sess AS ${SQ}`);
    const same = async () => expect((await rows(db, "SELECT * FROM sess")).sort()).toEqual((await rows(db, SQ)).sort());
    await db.execute(`INSERT INTO ev VALUES (1, 1, ${at(1)}), (1, 2, ${at(3)}), (2, 10, ${at(2)})`);
    await same();
    await db.execute(`INSERT INTO ev VALUES (1, 3, ${at(19)})`); // a second session for k = 1
    await same();
    expect(await rows(db, "SELECT k, window_start, window_end, n FROM sess WHERE k = 1 ORDER BY window_start")).toEqual([
      "1|2024-01-01 00:00:01|2024-01-01 00:00:08|2",
      "1|2024-01-01 00:00:19|2024-01-01 00:00:24|1",
    ]);
    // out of order: 00:00:11 and 00:00:15 bridge the two sessions of k = 1 into one
    await db.execute(`INSERT INTO ev VALUES (1, 4, ${at(15)})`);
    await db.execute(`INSERT INTO ev VALUES (1, 5, ${at(11)})`);
    await db.execute(`INSERT INTO ev VALUES (1, 6, ${at(7)})`);
    await same();
    expect(await rows(db, "SELECT k, window_start, window_end, n, s FROM sess ORDER BY k")).toEqual([
      "1|2024-01-01 00:00:01|2024-01-01 00:00:24|6|21",
      "2|2024-01-01 00:00:02|2024-01-01 00:00:07|1|10",
    ]);
    // without partition keys, sessions span the whole stream
    expect(await rows(db, "SELECT window_start, window_end, count(*) FROM SESSION(ev, ts, INTERVAL '5 seconds') GROUP BY 1, 2")).toEqual([
      "2024-01-01 00:00:01|2024-01-01 00:00:24|7",
    ]);
    await db.close();
  });

  it("with EMIT ON WINDOW CLOSE emits each session once, final, drops late rows, and keeps bounded state", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE STREAM ev (k INT, v INT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '2 seconds')`);
    await db.execute(`CREATE MATERIALIZED VIEW sc AS ${SQ} EMIT ON WINDOW CLOSE`);
    const [sub] = await db.execute("SUBSCRIBE sc");
    const s = sub.subscription!;
    await db.execute(`INSERT INTO ev VALUES (1, 1, ${at(1)}), (1, 2, ${at(4)}), (2, 5, ${at(3)})`);
    expect(await rows(db, "SELECT * FROM sc")).toEqual([]); // watermark 00:00:02
    await db.execute(`INSERT INTO ev VALUES (1, 3, ${at(10)})`); // watermark 00:00:08 closes k=2's [3, 8)
    expect(await rows(db, "SELECT * FROM sc")).toEqual(["2|2024-01-01 00:00:03|2024-01-01 00:00:08|1|5"]);
    await db.execute(`INSERT INTO ev VALUES (1, 4, ${at(8)})`); // on time (not behind 00:00:08): bridges [1, 9) and [10, 15)
    await db.execute(`INSERT INTO ev VALUES (1, 100, ${at(5)})`); // late (watermark 00:00:08)
    expect(await rows(db, "SELECT late_rows FROM sage_catalog.late_rows WHERE stream = 'ev'")).toEqual(["1"]);
    await db.execute(`INSERT INTO ev VALUES (3, 1, ${at(30)})`); // watermark 00:00:28 closes [1, 15)
    expect(await rows(db, "SELECT * FROM sc ORDER BY k")).toEqual([
      "1|2024-01-01 00:00:01|2024-01-01 00:00:15|4|10",
      "2|2024-01-01 00:00:03|2024-01-01 00:00:08|1|5",
    ]);
    // the same as the ad-hoc query over closed sessions
    expect(await rows(db, `SELECT * FROM (${SQ}) x WHERE window_end <= '2024-01-01 00:00:28' ORDER BY k`)).toEqual(await rows(db, "SELECT * FROM sc ORDER BY k"));
    const seen: unknown[][] = [];
    for (;;) {
      const batch = await Promise.race([s.next(), new Promise<null>((r) => setTimeout(() => r(null), 50))]);
      if (!batch) break;
      seen.push(...batch);
    }
    expect(seen.map((r) => r[0])).toEqual(["insert", "insert"]);
    s.cancel();
    // state: only the open session's row is kept
    const op = db.streams.all().flatMap((d) => d.operators).find((o) => o.name === "SessionWindow") as unknown as { storedRows: number };
    expect(op.storedRows).toBe(1);
    await db.close();
  });

  it("stays equal to the ad-hoc query under random inserts, updates and deletes of a table", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE t (id INT PRIMARY KEY, k INT, v INT, ts TIMESTAMP)");
    const q1 = "SELECT k, window_start, window_end, count(*) AS n, sum(v) AS s FROM SESSION(t, ts, INTERVAL '3 seconds', k) GROUP BY k, window_start, window_end";
    const q2 = "SELECT v, window_start, window_end FROM SESSION(t, ts, INTERVAL '2 seconds')";
    await db.execute(`CREATE MATERIALIZED VIEW m1 AS ${q1}`);
    await db.execute(`CREATE MATERIALIZED VIEW m2 AS ${q2}`);
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let nextId = 0;
    const ids: number[] = [];
    for (let step = 0; step < 40; step++) {
      const sql: string[] = [];
      for (let i = 0; i < 1 + rand(4); i++) {
        const r = rand(10);
        const ts = `'2024-01-01 00:00:${String(rand(60)).padStart(2, "0")}'`;
        if (r < 6 || ids.length === 0) {
          ids.push(nextId);
          sql.push(`INSERT INTO t VALUES (${nextId++}, ${rand(3)}, ${rand(10)}, ${rand(20) === 0 ? "NULL" : ts})`);
        } else if (r < 8) {
          sql.push(`UPDATE t SET ts = ${ts} WHERE id = ${ids[rand(ids.length)]}`);
        } else {
          sql.push(`DELETE FROM t WHERE id = ${ids.splice(rand(ids.length), 1)[0]}`);
        }
      }
      await db.execute(sql.join("; "));
      expect((await rows(db, "SELECT * FROM m1")).sort()).toEqual((await rows(db, q1)).sort());
      expect((await rows(db, "SELECT * FROM m2")).sort()).toEqual((await rows(db, q2)).sort());
    }
    await db.close();
  });

  it("refuses bad SESSION calls with SQLSTATEs", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE STREAM ev (k INT, v INT, ts TIMESTAMP)");
    await expect(db.execute("SELECT * FROM SESSION(ev, ts)")).rejects.toMatchObject({ code: "42883" });
    await expect(db.execute("SELECT * FROM SESSION(ev, ts, INTERVAL '0 seconds')")).rejects.toMatchObject({ code: "22023" });
    await expect(db.execute("SELECT * FROM SESSION(ev, ts, INTERVAL '1 month')")).rejects.toMatchObject({ code: "22023" });
    await expect(db.execute("SELECT * FROM SESSION(ev, k, INTERVAL '1 second')")).rejects.toMatchObject({ code: "42804" });
    await expect(db.execute("SELECT * FROM SESSION(ev, ts, INTERVAL '1 second', k + 1)")).rejects.toMatchObject({ code: "0A000" });
    // EOWC needs a watermark on the session's time column
    await expect(db.execute("CREATE MATERIALIZED VIEW x AS SELECT window_start, count(*) FROM SESSION(ev, ts, INTERVAL '1 second') GROUP BY 1 EMIT ON WINDOW CLOSE")).rejects.toMatchObject({ code: "0A000" });
    await db.close();
  });
});

describe("temporal filters", () => {
  it("keeps a sliding view: rows enter and age out as the (injected) clock moves, state stays bounded", async () => {
    const db = await Database.open({ memory: true });
    let clock = Date.UTC(2024, 0, 1, 12, 0, 0);
    db.streams.clock = () => clock;
    await db.execute("SET TimeZone = 'UTC'");
    await db.execute("CREATE TABLE ev (id INT, ts TIMESTAMP)");
    const q = "SELECT id FROM ev WHERE ts > now() - INTERVAL '1 hour' AND ts <= now()";
    await db.execute(`CREATE MATERIALIZED VIEW recent AS ${q}`);
    const [sub] = await db.execute("SUBSCRIBE recent");
    const s = sub.subscription!;
    await db.execute("INSERT INTO ev VALUES (1, '2024-01-01 10:30:00'), (2, '2024-01-01 11:30:00'), (3, '2024-01-01 12:20:00')");
    const same = async () => expect(await rows(db, "SELECT * FROM recent ORDER BY id")).toEqual(await rows(db, `${q} ORDER BY id`));
    expect(await rows(db, "SELECT * FROM recent")).toEqual(["2"]);
    await same();
    clock = Date.UTC(2024, 0, 1, 12, 25, 0); // 3 enters
    db.streams.tick();
    expect(await rows(db, "SELECT * FROM recent ORDER BY id")).toEqual(["2", "3"]);
    await same();
    clock = Date.UTC(2024, 0, 1, 12, 30, 0); // 2 leaves (ts > now - 1h no longer holds at exactly 11:30)
    db.streams.tick();
    expect(await rows(db, "SELECT * FROM recent")).toEqual(["3"]);
    await same();
    const changes: string[] = [];
    for (;;) {
      const batch = await Promise.race([s.next(), new Promise<null>((r) => setTimeout(() => r(null), 50))]);
      if (!batch) break;
      for (const r of batch) changes.push(`${String(r[0])} ${String(r[2])}`);
    }
    expect(changes).toEqual(["insert 2", "insert 3", "delete 2"]);
    s.cancel();
    // a deleted row leaves at once; rows that have aged out are not kept
    await db.execute("DELETE FROM ev WHERE id = 3");
    expect(await rows(db, "SELECT * FROM recent")).toEqual([]);
    const op = () => db.streams.all().flatMap((d) => d.operators).find((o) => o.name === "TemporalFilter") as unknown as { storedRows: number };
    for (let i = 0; i < 50; i++) {
      await db.execute(`INSERT INTO ev VALUES (${100 + i}, '${new Date(clock).toISOString().replace("T", " ").slice(0, 19)}')`);
      clock += 10 * 60_000; // 10 minutes a row: about 6 visible at a time
      db.streams.tick();
    }
    expect(op().storedRows).toBeLessThanOrEqual(7);
    await same();
    await db.close();
  });

  it("moves with the runtime's own clock ticks, without writes, and stops ticking when the view is dropped", async () => {
    const db = await Database.open({ memory: true });
    let clock = Date.UTC(2024, 0, 1, 12, 0, 0);
    db.streams.clock = () => clock;
    db.streams.tickMillis = 10;
    await db.execute("SET TimeZone = 'UTC'");
    await db.execute("CREATE TABLE ev (id INT, ts TIMESTAMPTZ)");
    await db.execute("INSERT INTO ev VALUES (1, '2024-01-01 11:59:30+00')");
    await db.execute("CREATE MATERIALIZED VIEW last_minute AS SELECT id FROM ev WHERE ts > now() - INTERVAL '1 minute'");
    expect(await rows(db, "SELECT * FROM last_minute")).toEqual(["1"]);
    const epoch = db.streams.epoch;
    clock += 31_000;
    await new Promise((r) => setTimeout(r, 100));
    expect(await rows(db, "SELECT * FROM last_minute")).toEqual([]);
    await db.execute("DROP MATERIALIZED VIEW last_minute");
    const after = db.streams.epoch;
    expect(after).toBeGreaterThan(epoch);
    clock += 60_000;
    await new Promise((r) => setTimeout(r, 60));
    expect(db.streams.epoch).toBe(after); // no dataflow reads the clock: no more ticks
    await db.close();
  });

  it("works with BETWEEN, in aggregates and in SUBSCRIBE queries, and refuses other uses of now()", async () => {
    const db = await Database.open({ memory: true });
    let clock = Date.UTC(2024, 0, 1, 12, 0, 0);
    db.streams.clock = () => clock;
    await db.execute("SET TimeZone = 'UTC'");
    await db.execute("CREATE TABLE ev (id INT, ts TIMESTAMPTZ)");
    await db.execute("INSERT INTO ev VALUES (1, '2024-01-01 11:00:00+00'), (2, '2024-01-01 11:50:00+00'), (3, '2024-01-01 12:05:00+00')");
    const q = "SELECT count(*) AS n FROM ev WHERE ts BETWEEN now() - INTERVAL '30 minutes' AND now() + INTERVAL '10 minutes'";
    await db.execute(`CREATE MATERIALIZED VIEW c AS ${q}`);
    expect(await rows(db, "SELECT * FROM c")).toEqual(["2"]);
    clock = Date.UTC(2024, 0, 1, 12, 21, 0); // 2 is now 31 minutes old
    db.streams.tick();
    expect(await rows(db, "SELECT * FROM c")).toEqual(["1"]);
    expect(await rows(db, q)).toEqual(["1"]);
    // the age form: rows appear once they are an hour old
    await db.execute("CREATE MATERIALIZED VIEW old AS SELECT id FROM ev WHERE now() - ts > INTERVAL '1 hour'");
    expect(await rows(db, "SELECT * FROM old")).toEqual(["1"]);
    clock = Date.UTC(2024, 0, 1, 12, 50, 0, 1); // 11:50 is now just over an hour old
    db.streams.tick();
    expect(await rows(db, "SELECT * FROM old ORDER BY id")).toEqual(["1", "2"]);
    expect(await rows(db, "SELECT id FROM ev WHERE now() - ts > INTERVAL '1 hour' ORDER BY id")).toEqual(["1", "2"]);
    clock = Date.UTC(2024, 0, 1, 12, 55, 0);
    const [sub] = await db.execute("SUBSCRIBE (SELECT id FROM ev WHERE now() < ts + INTERVAL '1 hour')");
    const first = await sub.subscription!.next();
    expect(first!.map((r) => r[2])).toEqual([3]); // at 12:55 only 12:05 is less than an hour old
    sub.subscription!.cancel();
    await expect(db.execute("CREATE MATERIALIZED VIEW bad AS SELECT id, now() FROM ev")).rejects.toMatchObject({ code: "0A000" });
    await expect(db.execute("CREATE MATERIALIZED VIEW bad AS SELECT id FROM ev WHERE ts > now() - INTERVAL '1 month'")).rejects.toMatchObject({ code: "0A000" });
    await expect(db.execute("CREATE MATERIALIZED VIEW bad AS SELECT id FROM ev WHERE ts > now() OR id = 1")).rejects.toMatchObject({ code: "0A000" });
    await db.close();
  });
});

describe("session windows: EXPLAIN and bounded state", () => {
  it("EXPLAIN CREATE MATERIALIZED VIEW shows the SessionWindow and TemporalFilter operators and their state", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE STREAM ev (k INT, v INT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '2 seconds')`);
    const plan = (await rows(db, `EXPLAIN CREATE MATERIALIZED VIEW x AS SELECT k, window_start, count(*) FROM SESSION(ev, ts, INTERVAL '30 seconds', k) GROUP BY k, window_start EMIT ON WINDOW CLOSE`)).join("\n");
    expect(plan).toMatch(/SessionWindow \(gap 30 s, emit on window close\)/);
    expect(plan).toMatch(/Partition By: #0/);
    expect(plan).toMatch(/State: per partition \(#0\), its open sessions' rows/);
    const tf = (await rows(db, `EXPLAIN CREATE MATERIALIZED VIEW y AS SELECT k FROM ev WHERE ts > now() - INTERVAL '1 hour'`)).join("\n");
    expect(tf).toMatch(/TemporalFilter/);
    expect(tf).toMatch(/Visible Until: now\(\) < /);
    expect(tf).toMatch(/State: rows visible now or later/);
    await db.close();
  });

  it("keeps only open sessions in state while 100k rows flow through an EOWC session view", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE STREAM ev (k INT, v INT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1 second')`);
    await db.execute(`CREATE MATERIALIZED VIEW sc AS SELECT k, window_start, window_end, count(*) AS n FROM SESSION(ev, ts, INTERVAL '2 seconds', k) GROUP BY k, window_start, window_end EMIT ON WINDOW CLOSE`);
    const op = db.streams.all().flatMap((d) => d.operators).find((o) => o.name === "SessionWindow") as unknown as { storedRows: number; partitionCount: number };
    const base = Date.UTC(2024, 0, 1) * 1000;
    let most = 0;
    let t = 0; // ms
    for (let batch = 0; batch < 200; batch++) {
      const values: string[] = [];
      for (let i = 0; i < 500; i++) {
        t += 10; // 100 rows a second over 50 keys (one every 0.5 s per key: within the 2 s gap)
        const k = (batch * 500 + i) % 50;
        // every 10 s of event time all keys pause for 3 s, which ends every session
        const ms = t + Math.floor(t / 10_000) * 3_000;
        values.push(`(${k}, 1, '${new Date(base / 1000 + ms).toISOString().replace("T", " ").slice(0, 23)}')`);
      }
      await db.execute(`INSERT INTO ev VALUES ${values.join(", ")}`);
      most = Math.max(most, op.storedRows);
    }
    const [closed] = await rows(db, "SELECT sum(n) FROM sc");
    console.log(`session windows: at most ${most} stored rows while 100000 rows went in; ${closed} rows in closed sessions`);
    expect(Number(closed)).toBeGreaterThan(90_000);
    expect(most).toBeLessThanOrEqual(1_100); // at most one 10-second cycle (1000 rows) of open sessions
    expect(op.partitionCount).toBeLessThanOrEqual(50);
    await db.close();
  });
});
