import { describe, expect, test } from "vitest";
import { Chunk, SqlError, Types, type DataType } from "../../types/index.js";
import { createGeneratorSource, nexmarkEventsToRows, type GeneratorSource, type SourceColumn } from "../index.js";
import { Xoshiro256PlusPlus } from "../xoshiro256pp.js";
import {
  DEFAULT_BASE_TIME_MS,
  DEFAULT_NEXMARK_MODEL,
  NEXMARK_SCHEMAS,
  NexmarkEventGenerator,
  lastAuctionId,
  lastPersonId,
  tableEventNumber,
  type NexmarkTable,
} from "./event-model.js";

const BID_COLUMNS: SourceColumn[] = [
  { name: "auction", type: Types.bigint },
  { name: "bidder", type: Types.bigint },
  { name: "price", type: Types.bigint },
  { name: "channel", type: Types.varchar },
  { name: "url", type: Types.varchar },
  { name: "date_time", type: Types.timestamp },
  { name: "extra", type: Types.varchar },
];

function source(table: NexmarkTable, options: Record<string, string> = {}, columns: SourceColumn[] = []): GeneratorSource {
  return createGeneratorSource("nexmark", { "nexmark.table": table, ...options }, columns);
}

function drain(src: GeneratorSource, chunkSize = 4096, limitRows = Infinity): unknown[][] {
  const rows: unknown[][] = [];
  for (;;) {
    const c = src.next(Math.min(chunkSize, limitRows - rows.length));
    if (c === null) break;
    rows.push(...c.rows());
    if (rows.length >= limitRows) break;
  }
  return rows;
}

function sqlError(f: () => unknown): SqlError {
  try {
    f();
  } catch (e) {
    if (e instanceof SqlError) return e;
    throw e;
  }
  throw new Error("expected an SqlError");
}

function personsWithSeedOffset(offset: bigint): unknown[] {
  const g = new NexmarkEventGenerator({ ...DEFAULT_NEXMARK_MODEL, seed: offset });
  const b = g.generate("person", 0, 1, 1, NEXMARK_SCHEMAS.person.map(() => true));
  return b.columns.map((c) => c![0]);
}

describe("nexmark: the same events as nexmark-rs", () => {
  test("event 0 is nexmark-rs's own golden person, field for field", () => {
    const [row] = drain(source("person", { "nexmark.max_events": "1" }));
    expect(row).toEqual([
      1000n,
      "vicky noris",
      "yplkvgz@qbxfg.com",
      "7878 5821 1864 2539",
      "cheyenne",
      "az",
      DEFAULT_BASE_TIME_MS * 1000,
      "lwaiyhjhrkaruidlsjilvqccyedttedeynpqmackqbwvklwuyypztnkengzgtwtjivjgrxurskpcldfohdzuwnefqymyncrksxyfaecwsbswjumzxudgoznyhakxrudomnxtmqtgshecfjgspxzpludz",
    ]);
  });

  test("persons seeded 1..17 match the rows RisingWave's docs and CDC tests took from nexmark-rs", () => {
    // (id, name, credit card, city) as printed there; those persons were generated from seeds 1..17
    const golden: [number, string, string, string, string?][] = [
      [1, "peter white", "1781 2313 8157 6974", "boise", "myckhsp@xpmpe.com"],
      [2, "sarah spencer", "3453 4987 9481 6270", "los angeles", "wipvdbm@dkaap.com"],
      [4, "julie white", "0052 8113 1582 4430", "seattle"],
      [5, "sarah smith", "4591 5419 7260 8350", "los angeles"],
      [7, "walter spencer", "5136 7504 2879 7886", "los angeles"],
      [8, "john abrams", "6064 8548 6057 2021", "redmond"],
      [10, "kate smith", "9474 6887 6463 6972", "bend"],
      [11, "vicky noris", "9959 4034 5717 6729", "boise"],
      [12, "walter jones", "8793 6517 3085 0542", "boise"],
      [13, "sarah walton", "2280 4209 8743 0735", "kent"],
      [15, "vicky jones", "3148 5012 3225 2870", "los angeles"],
      [16, "john walton", "0426 2682 6145 8371", "seattle"],
      [17, "luke jones", "9641 9352 0248 2749", "redmond"],
    ];
    for (const [seed, name, card, city, email] of golden) {
      const p = personsWithSeedOffset(BigInt(seed));
      expect([p[1], p[3], p[4]]).toEqual([name, card, city]);
      if (email !== undefined) expect(p[2]).toBe(email);
    }
  });
});

describe("nexmark: the event model", () => {
  test("the WebAssembly kernel and the JavaScript generator produce the same events", () => {
    for (const table of ["person", "auction", "bid"] as const) {
      const want = NEXMARK_SCHEMAS[table].map(() => true);
      for (const seed of [0n, 99n]) {
        const model = { ...DEFAULT_NEXMARK_MODEL, seed };
        const a = new NexmarkEventGenerator(model).generate(table, 0, 3000, 1000, want);
        const b = new NexmarkEventGenerator(model, new Xoshiro256PlusPlus()).generate(table, 0, 3000, 1000, want);
        expect(a).toEqual(b);
      }
    }
  });

  test("over 50 000 events the tables get exactly 1 000 : 3 000 : 46 000 rows", () => {
    const counts = (["person", "auction", "bid"] as const).map(
      (t) => drain(source(t, { "nexmark.max_events": "50000" }, [{ name: "date_time", type: Types.timestamp }])).length,
    );
    expect(counts).toEqual([1000, 3000, 46000]);
  });

  test("max_events counts events of all kinds; the source then reports exhaustion", () => {
    const src = source("person", { "nexmark.max_events": "101" });
    expect(src.next(10)!.length).toBe(3); // persons are events 0, 50, 100
    expect(src.next(10)).toBeNull();
    const bids = source("bid", { "nexmark.max_events": "55" });
    expect(drain(bids, 7).length).toBe(46 + 1); // events 4..49 and 54
  });

  test("ids: persons and auctions from 1000, categories 10..14, in event order", () => {
    const persons = drain(source("person", { "nexmark.max_events": "5000" }, [{ name: "id", type: Types.bigint }]));
    expect(persons.map((r) => r[0])).toEqual(Array.from({ length: 100 }, (_, i) => BigInt(1000 + i)));
    const auctions = drain(
      source("auction", { "nexmark.max_events": "5000" }, [
        { name: "id", type: Types.bigint },
        { name: "category", type: Types.bigint },
        { name: "seller", type: Types.bigint },
      ]),
    );
    expect(auctions.map((r) => r[0])).toEqual(Array.from({ length: 300 }, (_, i) => BigInt(1000 + i)));
    const categories = new Set(auctions.map((r) => r[1]));
    expect([...categories].sort()).toEqual([10n, 11n, 12n, 13n, 14n]);
    auctions.forEach((r, k) => {
      const n = tableEventNumber("auction", k);
      const seller = Number(r[2]) - 1000;
      expect(seller).toBeGreaterThanOrEqual(0);
      expect(seller).toBeLessThanOrEqual(lastPersonId(n) + DEFAULT_NEXMARK_MODEL.personIdLead);
    });
  });

  test("bids go to auctions within the in-flight window (and at most auction_id_lead ahead)", () => {
    const rows = drain(
      source("bid", { "nexmark.max_events": "100000" }, [
        { name: "auction", type: Types.bigint },
        { name: "bidder", type: Types.bigint },
      ]),
    );
    expect(rows.length).toBe(92000);
    let hot = 0;
    const outside: unknown[] = [];
    const { inFlightAuctions, auctionIdLead, personIdLead } = DEFAULT_NEXMARK_MODEL;
    rows.forEach((r, k) => {
      const n = tableEventNumber("bid", k);
      const a = Number(r[0]) - 1000;
      const b = Number(r[1]) - 1000;
      const last = lastAuctionId(n);
      if (a < Math.max(0, last - inFlightAuctions) || a > last + auctionIdLead) outside.push(["auction", n, a]);
      if (b < 0 || b > lastPersonId(n) + personIdLead) outside.push(["bidder", n, b]);
      if (a === Math.floor(last / 100) * 100) hot++;
    });
    expect(outside).toEqual([]);
    // hot_auction_ratio 2: at least half the bids go to the hot auction of the last 100
    // (a uniform choice over ~110 in-flight auctions would give about 1%)
    expect(hot / rows.length).toBeGreaterThan(0.45);
    expect(hot / rows.length).toBeLessThan(0.6);
  });

  test("event time is base_time + n × (1 / rate), independent of the wall clock", () => {
    const rows = drain(
      source("bid", { "nexmark.events_per_second": "1000", "nexmark.max_events": "5000" }, [
        { name: "date_time", type: Types.timestamp },
      ]),
    );
    let prev = -Infinity;
    const wrong: unknown[] = [];
    rows.forEach((r, k) => {
      const t = r[0] as number;
      if (t !== (DEFAULT_BASE_TIME_MS + tableEventNumber("bid", k)) * 1000 || t < prev) wrong.push([k, t]); // 1 ms per event
      prev = t;
    });
    expect(wrong).toEqual([]);
    const fast = drain(source("auction", { "nexmark.events_per_second": "100000", "nexmark.max_events": "200000" }, [
      { name: "date_time", type: Types.timestamp },
    ]));
    // 10 µs per event, rounded to the millisecond as nexmark does
    const off = fast.filter((r, k) => r[0] !== (DEFAULT_BASE_TIME_MS + Math.round(tableEventNumber("auction", k) / 100)) * 1000);
    expect(off).toEqual([]);
    expect((fast[fast.length - 1][0] as number) - (fast[0][0] as number)).toBe(2_000_000); // ≈ 2 s
    const based = drain(source("person", { "nexmark.base_time": "2024-01-01 00:00:00", "nexmark.max_events": "1" }, [
      { name: "date_time", type: Types.timestamp },
    ]));
    expect(based[0][0]).toBe(Date.UTC(2024, 0, 1) * 1000);
  });

  test("auctions expire after they start; reserve ≥ initial bid; extra pads rows to the average sizes", () => {
    const rows = drain(source("auction", { "nexmark.max_events": "20000" }));
    for (const r of rows) {
      expect(r[6] as number).toBeGreaterThan(r[5] as number);
      expect(r[4] as bigint).toBeGreaterThanOrEqual(r[3] as bigint);
      expect((r[1] as string).length).toBe(20);
      expect((r[2] as string).length).toBe(100);
    }
    const avgExtra = rows.reduce((s, r) => s + (r[9] as string).length, 0) / rows.length;
    expect(avgExtra).toBeGreaterThan(300); // avg_auction_byte_size 500 − 168 bytes of other fields
    expect(avgExtra).toBeLessThan(365);
    const bids = drain(source("bid", { "nexmark.max_events": "5000" }));
    const channels = new Set(bids.map((r) => r[3]));
    for (const c of ["Google", "Facebook", "Baidu", "Apple"]) expect(channels.has(c)).toBe(true);
    for (const r of bids) {
      expect(r[4] as string).toMatch(/^https:\/\/www\.nexmark\.com\/[a-z_]+\/[a-z_]+\/[a-z_]+\/item\.htm\?query=1/);
      expect(r[2] as bigint).toBeGreaterThanOrEqual(100n);
      expect(r[2] as bigint).toBeLessThanOrEqual(100_000_000n);
    }
  });
});

describe("nexmark: determinism, seeds, offsets", () => {
  test("the same options give the same chunks; another seed gives other values with the same ids", () => {
    const a = drain(source("bid", { "nexmark.max_events": "3000" }), 333);
    const b = drain(source("bid", { "nexmark.max_events": "3000" }), 1000);
    expect(a).toEqual(b);
    const c = drain(source("bid", { "nexmark.max_events": "3000", "nexmark.seed": "7" }), 1000);
    expect(c.length).toBe(a.length);
    expect(c.map((r) => r[5])).toEqual(a.map((r) => r[5])); // event times are not random
    const differ = c.filter((r, i) => r[2] !== a[i][2] || r[6] !== a[i][6]).length;
    expect(differ).toBeGreaterThan(a.length * 0.9);
    const d = drain(source("bid", { "nexmark.max_events": "3000", "nexmark.seed": "7" }), 77);
    expect(d).toEqual(c);
  });

  test("seek(offset) continues exactly where the offset was taken", () => {
    for (const table of ["person", "auction", "bid"] as const) {
      const src = source(table, { "nexmark.max_events": "20000" });
      const first = src.next(57)!;
      const offset = JSON.parse(JSON.stringify(src.offset()));
      const rest = drain(src, 100);
      const resumed = source(table, { "nexmark.max_events": "20000" });
      resumed.seek(offset);
      expect(drain(resumed, 313)).toEqual(rest);
      expect(first.length).toBe(table === "person" ? 57 : 57);
      const again = source(table, { "nexmark.max_events": "20000" });
      again.seek({ event: 0 });
      expect(again.next(57)!.rows()).toEqual(first.rows());
    }
    expect(() => source("bid").seek({ event: -1 })).toThrow(SqlError);
    expect(() => source("bid").seek("x")).toThrow(SqlError);
  });

  test("nexmarkEventsToRows gives the source's rows for the same event range", () => {
    const viaSource = drain(source("auction", { "nexmark.max_events": "1000", "nexmark.seed": "3" }));
    expect(nexmarkEventsToRows("auction", 0, 1000, { "nexmark.seed": "3" })).toEqual(viaSource);
    const tail = nexmarkEventsToRows("bid", 990, 20); // bids are events 990..999 and 1004..1009
    expect(tail).toEqual(drain(source("bid", { "nexmark.max_events": "1010" })).slice(-16));
  });
});

describe("nexmark: declared columns", () => {
  test("a subset in any order, text or varchar, timestamp or timestamptz; values equal the full rows", () => {
    const full = drain(source("bid", { "nexmark.max_events": "2000" }, BID_COLUMNS));
    const cols: SourceColumn[] = [
      { name: "extra", type: Types.text },
      { name: "price", type: Types.bigint },
      { name: "DATE_TIME", type: Types.timestamptz },
    ];
    const some = drain(source("bid", { "nexmark.max_events": "2000" }, cols));
    expect(some).toEqual(full.map((r) => [r[6], r[2], r[5]]));
    // each column alone (the generator skips the random draws of fields nobody wants)
    for (const table of ["person", "auction", "bid"] as const) {
      const all = drain(source(table, { "nexmark.max_events": "600" }));
      NEXMARK_SCHEMAS[table].forEach((f, i) => {
        const type: DataType = f.kind === "bigint" ? Types.bigint : f.kind === "text" ? Types.text : Types.timestamp;
        const alone = drain(source(table, { "nexmark.max_events": "600" }, [{ name: f.name, type }]));
        expect(alone).toEqual(all.map((r) => [r[i]]));
      });
    }
  });

  test("chunks are columnar: bigint in BigInt64Array, timestamps in Float64Array", () => {
    const c: Chunk = source("bid", {}, BID_COLUMNS).next(100)!;
    expect(c.length).toBe(100);
    expect(c.columns[0].data).toBeInstanceOf(BigInt64Array);
    expect(c.columns[5].data).toBeInstanceOf(Float64Array);
    expect(c.columns[3].type).toBe(Types.varchar);
    expect(c.ops).toBeNull();
  });

  test("next() returns at most what it is asked for, and never an unbounded chunk", () => {
    const src = source("bid", {}, [{ name: "price", type: Types.bigint }]);
    expect(src.next(0)!.length).toBe(0);
    expect(src.next(Infinity)!.length).toBe(1 << 20);
  });

  test("an empty column list means the table's full schema", () => {
    const src = source("person");
    expect(src.columns.map((c) => c.name)).toEqual(NEXMARK_SCHEMAS.person.map((f) => f.name));
    expect(src.columns.map((c) => c.type.id)).toEqual(["bigint", "varchar", "varchar", "varchar", "varchar", "varchar", "timestamp", "varchar"]);
  });
});

describe("nexmark: options and errors", () => {
  test("rowsPerSecond is the table's share of events_per_second", () => {
    expect(source("bid", { "nexmark.events_per_second": "50000" }).rowsPerSecond).toBe(46000);
    expect(source("auction", { "nexmark.events_per_second": "50000" }).rowsPerSecond).toBe(3000);
    expect(source("person").rowsPerSecond).toBe(200); // default 10 000 events/s
    expect(source("bid", { "nexmark.events_per_second": "0" }).rowsPerSecond).toBe(0);
    expect(source("bid", { "nexmark.min.event.gap.in.ns": "20000" }).rowsPerSecond).toBe(46000);
    // RisingWave's spellings
    const rw = createGeneratorSource("nexmark", { "nexmark.table.type": "Bid", "nexmark.event.num": "100" }, []);
    expect(drain(rw).length).toBe(92);
  });

  test("option errors are 22023 and name the option and the allowed values", () => {
    let e = sqlError(() => createGeneratorSource("nexmark", {}, []));
    expect(e.code).toBe("22023");
    expect(e.message).toContain("nexmark.table");
    expect(e.hint).toContain("'person', 'auction', 'bid'");
    e = sqlError(() => source("bids" as NexmarkTable));
    expect(e.code).toBe("22023");
    expect(e.message).toContain('"bids"');
    expect(e.hint).toContain("'bid'");
    e = sqlError(() => source("bid", { "nexmark.events_per_second": "fast" }));
    expect(e.code).toBe("22023");
    expect(e.message).toContain("nexmark.events_per_second");
    e = sqlError(() => source("bid", { "nexmark.max_events": "-5" }));
    expect(e.code).toBe("22023");
    e = sqlError(() => source("bid", { "nexmark.hot_auction_ratio": "0" }));
    expect(e.code).toBe("22023");
    e = sqlError(() => source("bid", { "nexmark.tabel": "bid" }));
    expect(e.code).toBe("22023");
    expect(e.message).toContain("nexmark.tabel");
    // options outside the namespace are not ours to judge
    expect(() => source("bid", { connector: "nexmark", "watermark.idle_timeout": "5s" })).not.toThrow();
    e = sqlError(() => createGeneratorSource("kafka", {}, []));
    expect(e.code).toBe("22023");
  });

  test("a column the table does not have is 42P16; a wrong type is 42804", () => {
    let e = sqlError(() => source("bid", {}, [{ name: "seller", type: Types.bigint }]));
    expect(e.code).toBe("42P16");
    expect(e.message).toContain('"seller"');
    expect(e.hint).toContain("auction bigint");
    e = sqlError(() => source("bid", {}, [{ name: "price", type: Types.integer }]));
    expect(e.code).toBe("42804");
    expect(e.message).toBe('column "price" of the nexmark bid source must be bigint, not integer');
    e = sqlError(() => source("person", {}, [{ name: "date_time", type: Types.date }]));
    expect(e.code).toBe("42804");
    e = sqlError(() => source("person", {}, [{ name: "name", type: Types.bigint }]));
    expect(e.code).toBe("42804");
    expect(e.message).toContain("varchar");
  });
});
