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
