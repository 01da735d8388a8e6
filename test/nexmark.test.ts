// Nexmark q0–q8 (q6 included) as materialized views over nexmark generator streams, checked against DuckDB
// running the same logic over the same events (nexmarkEventsToRows) once the sources are
// exhausted: the view's rows and DuckDB's must be equal as multisets of rendered rows.
//
// The view SQL is RisingWave's (e2e_test/streaming/nexmark/views/q*.slt.part), unchanged but for
// the view names. In DuckDB, times are kept as microseconds since the epoch (BIGINT) and the
// windows are computed with integer arithmetic, so that nothing of the engine under test (its
// TUMBLE/HOP, its timestamp or numeric formatting) is used to produce the expected rows: they are
// rendered here, the Postgres way, from DuckDB's integers and decimals.
//
// q6 is RisingWave's q6_group_top1: AVG(...) OVER (PARTITION BY ... ORDER BY ... ROWS BETWEEN 10
// PRECEDING AND CURRENT ROW) over a per-auction top-1, maintained by IncrementalWindow. Its
// ROW_NUMBER() orders by B.price, B.date_time (RisingWave's by B.price only): a few auctions have
// two lowest bids of one price, and which one is kept moves the seller's frames.
//
//   SAGE_NEXMARK_EVENTS=<n>   events of all kinds (default 20000)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { Database, formatValue } from "../src/index.js";
import { nexmarkEventsToRows } from "../src/connectors/index.js";

const EVENTS = Number(process.env.SAGE_NEXMARK_EVENTS ?? 20000);
/** event time advances 1/rate s per event: 20000 events span 40 s, so windows of 2–10 s are many */
const OPTIONS: Record<string, string> = {
  "nexmark.events_per_second": "0",
  "nexmark.max_events": String(EVENTS),
  "nexmark.first_event_rate": "500",
};

const SCHEMAS = {
  person: "id BIGINT, name VARCHAR, email_address VARCHAR, credit_card VARCHAR, city VARCHAR, state VARCHAR, date_time TIMESTAMP, extra VARCHAR",
  auction:
    "id BIGINT, item_name VARCHAR, description VARCHAR, initial_bid BIGINT, reserve BIGINT, date_time TIMESTAMP, expires TIMESTAMP, seller BIGINT, category BIGINT, extra VARCHAR",
  bid: "auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, date_time TIMESTAMP, extra VARCHAR",
} as const;
type Table = keyof typeof SCHEMAS;

// RisingWave's e2e_test/streaming/nexmark/views/q*.slt.part
const VIEWS: Record<string, string> = {
  q0: `CREATE MATERIALIZED VIEW nexmark_q0
AS
SELECT auction, bidder, price, date_time FROM bid`,
  q1: `CREATE MATERIALIZED VIEW nexmark_q1
AS
SELECT
    auction,
    bidder,
    0.908 * price as price,
    date_time
FROM bid`,
  q2: `CREATE MATERIALIZED VIEW nexmark_q2
AS
SELECT auction, price FROM bid
WHERE auction = 1007 OR auction = 1020 OR auction = 2001 OR auction = 2019 OR auction = 2087`,
  q3: `CREATE MATERIALIZED VIEW nexmark_q3
AS
SELECT
    P.name, P.city, P.state, A.id
FROM
    auction AS A INNER JOIN person AS P on A.seller = P.id
WHERE
    A.category = 10 and (P.state = 'or' OR P.state = 'id' OR P.state = 'ca')`,
  q4: `CREATE MATERIALIZED VIEW nexmark_q4
AS
SELECT
    Q.category,
    AVG(Q.final) as avg
FROM (
    SELECT
        MAX(B.price) AS final, A.category
    FROM
        auction A,
        bid B
    WHERE
        A.id = B.auction AND
        B.date_time BETWEEN A.date_time AND A.expires
    GROUP BY
        A.id, A.category
    ) Q
GROUP BY
    Q.category`,
  q5: `CREATE MATERIALIZED VIEW nexmark_q5
AS
SELECT
    AuctionBids.auction, AuctionBids.num
FROM (
    SELECT
        bid.auction,
        count(*) AS num,
        window_start AS starttime
    FROM
        HOP(bid, date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND)
    GROUP BY
        window_start,
        bid.auction
) AS AuctionBids
JOIN (
    SELECT
        max(CountBids.num) AS maxn,
        CountBids.starttime_c
    FROM (
        SELECT
            count(*) AS num,
            window_start AS starttime_c
        FROM HOP(bid, date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND)
        GROUP BY
            bid.auction,
            window_start
        ) AS CountBids
    GROUP BY
        CountBids.starttime_c
    ) AS MaxBids
ON
    AuctionBids.starttime = MaxBids.starttime_c AND
    AuctionBids.num >= MaxBids.maxn`,
  q6: `CREATE MATERIALIZED VIEW nexmark_q6
AS
SELECT
    Q.seller,
    AVG(Q.final) OVER
        (PARTITION BY Q.seller ORDER BY Q.date_time ROWS BETWEEN 10 PRECEDING AND CURRENT ROW)
    as avg
FROM (
    SELECT ROW_NUMBER() OVER (PARTITION BY A.id, A.seller ORDER BY B.price, B.date_time) as rank,
        A.seller,
        B.price as final,
        B.date_time
    FROM auction AS A,
        bid AS B
    WHERE A.id = B.auction and B.date_time between A.date_time and A.expires
) AS Q
WHERE
    Q.rank <= 1`,
  q7: `CREATE MATERIALIZED VIEW nexmark_q7
AS
SELECT
    B.auction,
    B.price,
    B.bidder,
    B.date_time
from
    bid B
    JOIN (
        SELECT
            MAX(price) AS maxprice,
            window_end as date_time
        FROM
            TUMBLE(bid, date_time, INTERVAL '10' SECOND)
        GROUP BY
            window_end
    ) B1 ON B.price = B1.maxprice
WHERE
    B.date_time BETWEEN B1.date_time - INTERVAL '10' SECOND
    AND B1.date_time`,
  q8: `CREATE MATERIALIZED VIEW nexmark_q8
AS
SELECT
    P.id,
    P.name,
    P.starttime
FROM
    (
        SELECT
            id,
            name,
            window_start AS starttime,
            window_end AS endtime
        FROM
            TUMBLE(person, date_time, INTERVAL '10' SECOND)
        GROUP BY
            id,
            name,
            window_start,
            window_end
    ) P
    JOIN (
        SELECT
            seller,
            window_start AS starttime,
            window_end AS endtime
        FROM
            TUMBLE(auction, date_time, INTERVAL '10' SECOND)
        GROUP BY
            seller,
            window_start,
            window_end
    ) A ON P.id = A.seller
    AND P.starttime = A.starttime
    AND P.endtime = A.endtime`,
};

// The same logic in DuckDB over microsecond times (window start = floor(t / size) * size).
const S = 1_000_000;
const HOP_BIDS = `(SELECT b.*, ((b.date_time // ${2 * S}) - k) * ${2 * S} AS window_start FROM bid b, range(0, 5) r(k))`;
const DUCK: Record<string, string> = {
  q0: "SELECT auction, bidder, price, date_time AS ts_date_time FROM bid",
  q1: "SELECT auction, bidder, CAST(0.908 * price AS VARCHAR), date_time AS ts_date_time FROM bid",
  q2: "SELECT auction, price FROM bid WHERE auction IN (1007, 1020, 2001, 2019, 2087)",
  q3: `SELECT P.name, P.city, P.state, A.id FROM auction A JOIN person P ON A.seller = P.id
       WHERE A.category = 10 AND P.state IN ('or', 'id', 'ca')`,
  // sum and count, exactly: the quotient is rendered as Postgres's numeric division (pgNumericDiv)
  q4: `SELECT category, CAST(sum(final) AS VARCHAR), CAST(count(final) AS VARCHAR) FROM (
         SELECT max(B.price) AS final, A.category FROM auction A JOIN bid B ON A.id = B.auction
         WHERE B.date_time BETWEEN A.date_time AND A.expires GROUP BY A.id, A.category) Q
       GROUP BY category`,
  q5: `WITH hb AS ${HOP_BIDS},
         auction_bids AS (SELECT auction, count(*) AS num, window_start AS starttime FROM hb GROUP BY window_start, auction),
         max_bids AS (SELECT max(num) AS maxn, starttime_c FROM
           (SELECT count(*) AS num, window_start AS starttime_c FROM hb GROUP BY auction, window_start) c GROUP BY starttime_c)
       SELECT auction, num FROM auction_bids JOIN max_bids ON starttime = starttime_c AND num >= maxn`,
  // sum and count over the frame, exactly (the average is rendered by pgNumericDiv)
  q6: `SELECT seller, CAST(sum(final) OVER w AS VARCHAR), CAST(count(final) OVER w AS VARCHAR) FROM (
         SELECT A.seller, B.price AS final, B.date_time,
                row_number() OVER (PARTITION BY A.id, A.seller ORDER BY B.price, B.date_time) AS rank
         FROM auction A JOIN bid B ON A.id = B.auction WHERE B.date_time BETWEEN A.date_time AND A.expires) Q
       WHERE rank <= 1
       WINDOW w AS (PARTITION BY seller ORDER BY date_time ROWS BETWEEN 10 PRECEDING AND CURRENT ROW)`,
  q7: `WITH b1 AS (SELECT max(price) AS maxprice, (date_time // ${10 * S}) * ${10 * S} + ${10 * S} AS window_end FROM bid GROUP BY 2)
       SELECT B.auction, B.price, B.bidder, B.date_time AS ts_date_time FROM bid B JOIN b1 ON B.price = b1.maxprice
       WHERE B.date_time BETWEEN b1.window_end - ${10 * S} AND b1.window_end`,
  q8: `WITH p AS (SELECT id, name, (date_time // ${10 * S}) * ${10 * S} AS starttime FROM person GROUP BY ALL),
         a AS (SELECT seller, (date_time // ${10 * S}) * ${10 * S} AS starttime FROM auction GROUP BY ALL)
       SELECT p.id, p.name, p.starttime AS ts_starttime FROM p JOIN a ON p.id = a.seller AND p.starttime = a.starttime`,
};

// ---- rendering the Postgres way, independently of the engine under test

function two(n: number): string {
  return String(n).padStart(2, "0");
}

/** A timestamp (µs since the epoch) as Postgres prints it: fractional seconds without trailing zeros. */
export function pgTimestamp(us: bigint): string {
  const ms = Number(us / 1000n);
  const d = new Date(ms);
  let s = `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  const frac = ((us % 1_000_000n) + 1_000_000n) % 1_000_000n;
  if (frac !== 0n) s += "." + frac.toString().padStart(6, "0").replace(/0+$/, "");
  return s;
}

/**
 * Postgres's numeric division of two integers (numeric.c: select_div_scale, then div_var rounding
 * half away from zero): at least 16 significant digits, scale from the operands' weights in base
 * 10000 and their leading base-10000 digits.
 */
export function pgNumericDiv(num: bigint, den: bigint): string {
  const base = (v: bigint): { weight: number; first: number } => {
    let a = v < 0n ? -v : v;
    if (a === 0n) return { weight: 0, first: 0 };
    let weight = 0;
    while (a >= 10000n) {
      a /= 10000n;
      weight++;
    }
    return { weight, first: Number(a) };
  };
  const x = base(num);
  const y = base(den);
  let qweight = x.weight - y.weight;
  if (x.first <= y.first) qweight--;
  const rscale = Math.min(Math.max(16 - qweight * 4, 0), 1000);
  const scale = 10n ** BigInt(rscale);
  const neg = num < 0n !== den < 0n && num !== 0n;
  const n = (num < 0n ? -num : num) * scale;
  const d = den < 0n ? -den : den;
  let q = n / d;
  if ((n % d) * 2n >= d) q += 1n; // half away from zero
  const digits = q.toString().padStart(rscale + 1, "0");
  const text = rscale === 0 ? digits : `${digits.slice(0, digits.length - rscale)}.${digits.slice(digits.length - rscale)}`;
  return (neg ? "-" : "") + text;
}

function render(v: unknown): string {
  return v === null || v === undefined ? "NULL" : String(v);
}

// ---- setup

let db: Database;
let duck: DuckDBConnection;
let duckInstance: DuckDBInstance;
const counts: Record<Table, number> = { person: 0, auction: 0, bid: 0 };

async function loadDuck(): Promise<void> {
  duckInstance = await DuckDBInstance.create(":memory:");
  duck = await duckInstance.connect();
  for (const table of Object.keys(SCHEMAS) as Table[]) {
    // same columns; TIMESTAMP columns hold µs since the epoch
    const cols = SCHEMAS[table].split(", ").map((c) => c.replace("TIMESTAMP", "BIGINT"));
    await duck.run(`CREATE TABLE ${table} (${cols.join(", ")})`);
    const types = SCHEMAS[table].split(", ").map((c) => c.split(" ")[1]);
    const rows = nexmarkEventsToRows(table, 0, EVENTS, OPTIONS);
    counts[table] = rows.length;
    const app = await duck.createAppender(table);
    for (const row of rows) {
      row.forEach((v, i) => {
        if (v === null) app.appendNull();
        else if (types[i] === "VARCHAR") app.appendVarchar(v as string);
        else app.appendBigInt(BigInt(v as number | bigint));
      });
      app.endRow();
    }
    app.closeSync();
  }
}

/** DuckDB's rows for query q, rendered; columns named ts_* hold µs since the epoch, printed as timestamps. */
async function duckRows(q: string): Promise<string[]> {
  const result = await duck.run(DUCK[q]);
  const isTs = result.columnNames().map((n) => n.startsWith("ts_"));
  const rows = (await result.getRowsJS()) as unknown[][];
  return rows
    .map((r) => {
      if (q === "q6") return `${render(r[0])}|${pgNumericDiv(BigInt(r[1] as string), BigInt(r[2] as string))}`;
      if (q === "q4") return `${render(r[0])}|${pgNumericDiv(BigInt(r[1] as string), BigInt(r[2] as string))}`;
      return r.map((v, i) => (isTs[i] && v !== null ? pgTimestamp(BigInt(v as bigint)) : render(v))).join("|");
    })
    .sort();
}

async function viewRows(view: string): Promise<string[]> {
  const [r] = await db.execute(`SELECT * FROM ${view}`);
  return r.rows.map((row) => row.map((v, i) => (v === null ? "NULL" : formatValue(r.columns[i].type, v))).join("|")).sort();
}

async function scalar(sql: string): Promise<number> {
  const [r] = await db.execute(sql);
  return Number(r.rows[0][0]);
}

describe(`Nexmark q0–q8 as materialized views vs DuckDB (${EVENTS} events)`, () => {
  beforeAll(async () => {
    await loadDuck();
    db = await Database.open({ memory: true });
    const withOpts = (table: Table) =>
      `WITH (connector = 'nexmark', nexmark.table = '${table}', ${Object.entries(OPTIONS)
        .map(([k, v]) => `${k} = '${v}'`)
        .join(", ")})`;
    // streams and views in one call: the sources start producing only after every view exists
    // (the streams keep no rows, so a view created later would start from that moment)
    await db.execute(
      [
        ...(Object.keys(SCHEMAS) as Table[]).map((t) => `CREATE STREAM ${t} (${SCHEMAS[t]}) ${withOpts(t)}`),
        ...Object.values(VIEWS),
        "CREATE MATERIALIZED VIEW nx_person_count AS SELECT count(*) AS n FROM person",
        "CREATE MATERIALIZED VIEW nx_auction_count AS SELECT count(*) AS n FROM auction",
        "CREATE MATERIALIZED VIEW nx_bid_count AS SELECT count(*) AS n FROM bid",
      ].join(";\n"),
    );
    // wait until every source is exhausted: the counts reach the number of events of each kind
    const started = Date.now();
    for (;;) {
      const got = {
        person: await scalar("SELECT n FROM nx_person_count"),
        auction: await scalar("SELECT n FROM nx_auction_count"),
        bid: await scalar("SELECT n FROM nx_bid_count"),
      };
      if (got.person === counts.person && got.auction === counts.auction && got.bid === counts.bid) break;
      if (Date.now() - started > 50_000) throw new Error(`sources not exhausted after 50 s: ${JSON.stringify(got)} of ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    console.log(`nexmark: ${counts.person} persons, ${counts.auction} auctions, ${counts.bid} bids ingested in ${Date.now() - started} ms`);
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    duck?.closeSync();
  });

  for (const q of Object.keys(VIEWS)) {
    it(`${q} equals DuckDB`, async () => {
      const view = await viewRows(`nexmark_${q}`);
      const expected = await duckRows(q);
      console.log(`nexmark ${q}: ${view.length} rows in the view, ${expected.length} from DuckDB`);
      expect(view.length).toBe(expected.length);
      expect(view).toEqual(expected);
    });
  }

  it("the expected-row helpers render as Postgres does", () => {
    expect(pgNumericDiv(7n, 3n)).toBe("2.3333333333333333");
    expect(pgNumericDiv(2n, 2n)).toBe("1.00000000000000000000");
    expect(pgNumericDiv(10n, 2n)).toBe("5.0000000000000000");
    expect(pgNumericDiv(20000n, 3n)).toBe("6666.6666666666666667");
    expect(pgTimestamp(1436918400500000n)).toBe("2015-07-15 00:00:00.5");
    expect(pgTimestamp(1436918400000000n)).toBe("2015-07-15 00:00:00");
  });
});
