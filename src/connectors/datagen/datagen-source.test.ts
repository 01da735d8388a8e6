import { describe, expect, test } from "vitest";
import { Decimal, SqlError, Types, type DataType } from "../../types/index.js";
import { createGeneratorSource, type GeneratorSource, type SourceColumn } from "../index.js";
import { DatagenSource } from "./datagen-source.js";

const col = (name: string, type: DataType): SourceColumn => ({ name, type });

function datagen(columns: SourceColumn[], options: Record<string, string> = {}): GeneratorSource {
  return createGeneratorSource("datagen", options, columns);
}

function take(src: GeneratorSource, rows: number, chunk = 1000): unknown[][] {
  const out: unknown[][] = [];
  while (out.length < rows) {
    const c = src.next(Math.min(chunk, rows - out.length));
    if (c === null) break;
    out.push(...c.rows());
  }
  return out;
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

const US_PER_DAY = 86_400_000_000;

describe("datagen: sequences", () => {
  test("integer sequence from start to end inclusive, then the source is exhausted", () => {
    const src = datagen([col("v", Types.integer)], { "fields.v.kind": "sequence", "fields.v.start": "5", "fields.v.end": "9" });
    expect(src.next(3)!.rows()).toEqual([[5], [6], [7]]);
    expect(src.next(10)!.rows()).toEqual([[8], [9]]);
    expect(src.next(10)).toBeNull();
  });

  test("defaults 0..32767; the shortest sequence bounds the source; datagen.max_rows too", () => {
    const src = datagen([col("a", Types.smallint), col("b", Types.bigint)], {
      "fields.a.kind": "sequence",
      "fields.b.kind": "sequence",
      "fields.b.start": "-3",
      "fields.b.end": "2",
    });
    expect(take(src, 100)).toEqual([0, 1, 2, 3, 4, 5].map((i) => [i, BigInt(i - 3)]));
    const long = datagen([col("a", Types.integer)], { "fields.a.kind": "sequence" });
    expect(take(long, 100_000).length).toBe(32768);
    const bounded = datagen([col("a", Types.integer)], { "datagen.max_rows": "42" });
    expect(take(bounded, 100).length).toBe(42);
  });

  test("bigint beyond 2^53, doubles, numeric and text sequences", () => {
    const src = datagen(
      [col("b", Types.bigint), col("d", Types.double), col("n", Types.numeric), col("t", Types.varchar)],
      {
        "fields.b.kind": "sequence",
        "fields.b.start": "9223372036854775800",
        "fields.b.end": "9223372036854775807",
        "fields.d.kind": "sequence",
        "fields.d.start": "1.5",
        "fields.n.kind": "sequence",
        "fields.n.start": "1.56",
        "fields.t.kind": "sequence",
        "fields.t.start": "10",
      },
    );
    const rows = take(src, 100);
    expect(rows.length).toBe(8);
    expect(rows[7][0]).toBe(9223372036854775807n);
    expect(rows.map((r) => r[1])).toEqual([1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5]);
    expect((rows[1][2] as Decimal).toString()).toBe("2.56");
    expect(rows.map((r) => r[3])).toEqual(["10", "11", "12", "13", "14", "15", "16", "17"]);
  });
});

describe("datagen: random values", () => {
  test("integers in [min, max] inclusive, defaults [0, 32767], every value reachable", () => {
    const rows = take(datagen([col("a", Types.integer), col("b", Types.integer)], { "fields.b.min": "-2", "fields.b.max": "2" }), 5000);
    for (const [a, b] of rows as number[][]) {
      expect(Number.isInteger(a) && a >= 0 && a <= 32767).toBe(true);
      expect(b >= -2 && b <= 2).toBe(true);
    }
    expect(new Set(rows.map((r) => r[1])).size).toBe(5);
  });

  test("bigint ranges, including the full 64-bit range", () => {
    const rows = take(
      datagen([col("x", Types.bigint), col("y", Types.bigint)], {
        "fields.x.min": "1000000000000",
        "fields.x.max": "1000000000010",
        "fields.y.min": "-9223372036854775808",
        "fields.y.max": "9223372036854775807",
      }),
      2000,
    );
    for (const [x] of rows as bigint[][]) expect(x >= 1000000000000n && x <= 1000000000010n).toBe(true);
    expect(rows.some((r) => (r[1] as bigint) < -(2n ** 62n))).toBe(true);
    expect(rows.some((r) => (r[1] as bigint) > 2n ** 62n)).toBe(true);
  });

  test("real and double in [min, max); numeric honours its scale", () => {
    const rows = take(
      datagen([col("r", Types.real), col("d", Types.double), col("n", { id: "numeric", precision: 6, scale: 2 })], {
        "fields.r.min": "15",
        "fields.r.max": "55",
        "fields.d.min": "-1",
        "fields.d.max": "1",
        "fields.n.min": "10.5",
        "fields.n.max": "20",
      }),
      2000,
    );
    for (const [r, d, n] of rows as [number, number, Decimal][]) {
      expect(r >= 15 && r <= 55).toBe(true);
      expect(Math.fround(r)).toBe(r);
      expect(d >= -1 && d < 1).toBe(true);
      const v = Number(n.toString());
      expect(v >= 10.5 && v <= 20).toBe(true);
      expect(n.toString()).toMatch(/^\d+(\.\d{1,2})?$/);
    }
  });

  test("varchar of the given length from letters and digits; booleans take both values", () => {
    const rows = take(datagen([col("s", Types.varchar), col("t", Types.text), col("b", Types.boolean)], { "fields.s.length": "16" }), 1000);
    for (const [s, t] of rows as string[][]) {
      expect(s).toMatch(/^[A-Za-z0-9]{16}$/);
      expect(t).toMatch(/^[A-Za-z0-9]{10}$/);
    }
    expect(new Set(rows.map((r) => r[2]))).toEqual(new Set([true, false]));
    const short = take(datagen([col("s", { id: "varchar", length: 5 })]), 10);
    for (const [s] of short as string[][]) expect(s).toMatch(/^[A-Za-z0-9]{5}$/);
  });

  test("timestamps within [basetime - max_past, basetime]; dates too", () => {
    const base = Date.UTC(2023, 3, 2, 0, 39, 57) * 1000;
    const rows = take(
      datagen([col("t", Types.timestamp), col("z", Types.timestamptz), col("d", Types.date)], {
        "fields.t.max_past": "2h 37min",
        "fields.t.basetime": "2023-04-02 00:39:57",
        "fields.z.basetime": "2023-04-01T16:39:57-08:00",
        "fields.d.max_past": "10 days",
        "fields.d.basetime": "2023-04-02",
      }),
      2000,
    );
    const past = (2 * 60 + 37) * 60 * 1_000_000;
    const day = Math.floor(base / US_PER_DAY);
    for (const [t, z, d] of rows as number[][]) {
      expect(t >= base - past && t <= base).toBe(true);
      expect(z >= base - US_PER_DAY && z <= base).toBe(true); // default max_past '1 day'
      expect(d >= day - 10 && d <= day).toBe(true);
    }
    expect(new Set(rows.map((r) => r[2])).size).toBe(11);
  });

  test("absolute mode bases on the creation time and keeps it in the offset; relative uses the clock", () => {
    const created = Date.UTC(2030, 0, 1);
    const abs = new DatagenSource({ "fields.t.max_past": "1 hour" }, [col("t", Types.timestamp)], () => created);
    const first = abs.next(100)!.rows();
    for (const [t] of first as number[][]) expect(t >= (created - 3_600_000) * 1000 && t <= created * 1000).toBe(true);
    const offset = JSON.parse(JSON.stringify(abs.offset()));
    expect(offset).toEqual({ row: 100, bases: [created * 1000] });
    const rest = abs.next(50)!.rows();
    // a source created later (after a restart) continues identically from the offset
    const later = new DatagenSource({ "fields.t.max_past": "1 hour" }, [col("t", Types.timestamp)], () => created + 99_999);
    later.seek(offset);
    expect(later.next(50)!.rows()).toEqual(rest);

    const before = Date.now() * 1000;
    const rel = datagen([col("t", Types.timestamp)], { "fields.t.max_past_mode": "relative", "fields.t.max_past": "1 second" });
    const t = rel.next(10)!.rows().map((r) => r[0] as number);
    for (const v of t) expect(v >= before - 1_000_000 && v <= Date.now() * 1000).toBe(true);
    expect(rel.offset()).toEqual({ row: 10 });
  });
});

describe("datagen: determinism, seeds, offsets", () => {
  const columns = [col("i", Types.integer), col("s", Types.varchar), col("d", Types.double), col("b", Types.bigint)];

  test("the same options give the same rows whatever the chunk sizes", () => {
    expect(take(datagen(columns), 3000, 7)).toEqual(take(datagen(columns), 3000, 1000));
  });

  test("seeds: datagen.seed changes every column; equal column seeds give equal values", () => {
    const a = take(datagen(columns), 200);
    const b = take(datagen(columns, { "datagen.seed": "1" }), 200);
    expect(b.filter((r, i) => r[1] === a[i][1]).length).toBeLessThan(5);
    const same = take(
      datagen([col("x", Types.integer), col("y", Types.integer), col("z", Types.integer)], {
        "fields.x.seed": "3",
        "fields.y.seed": "3",
      }),
      100,
    );
    expect(same.map((r) => r[0])).toEqual(same.map((r) => r[1]));
    expect(same.map((r) => r[0])).not.toEqual(same.map((r) => r[2]));
  });

  test("seek(offset) reproduces the continuation", () => {
    const src = datagen(columns);
    src.next(123);
    const offset = JSON.parse(JSON.stringify(src.offset()));
    expect(offset).toEqual({ row: 123 });
    const rest = take(src, 500);
    const again = datagen(columns);
    again.seek(offset);
    expect(take(again, 500, 33)).toEqual(rest);
    expect(() => again.seek({ row: "x" })).toThrow(SqlError);
  });

  test("rowsPerSecond: datagen.rows.per.second, default 10 as RisingWave", () => {
    expect(datagen(columns).rowsPerSecond).toBe(10);
    expect(datagen(columns, { "datagen.rows.per.second": "5000" }).rowsPerSecond).toBe(5000);
    expect(datagen(columns, { "datagen.rows_per_second": "0" }).rowsPerSecond).toBe(0);
  });

  test("next() returns at most what it is asked for, and never an unbounded chunk", () => {
    const src = datagen([col("i", Types.integer)]);
    expect(src.next(0)!.length).toBe(0);
    expect(src.next(Infinity)!.length).toBe(1 << 20);
    expect(src.offset()).toEqual({ row: 1 << 20 });
  });

  test("chunks are columnar", () => {
    const c = datagen([col("i", Types.integer), col("b", Types.bigint), col("t", Types.timestamp), col("x", Types.boolean)]).next(10)!;
    expect(c.columns[0].data).toBeInstanceOf(Int32Array);
    expect(c.columns[1].data).toBeInstanceOf(BigInt64Array);
    expect(c.columns[2].data).toBeInstanceOf(Float64Array);
    expect(c.columns[3].data).toBeInstanceOf(Uint8Array);
  });
});

describe("datagen: errors", () => {
  test("bad option values are 22023 naming the option", () => {
    const cases: [SourceColumn[], Record<string, string>, string][] = [
      [[col("v", Types.integer)], { "fields.v.kind": "constant" }, "fields.v.kind"],
      [[col("v", Types.integer)], { "fields.v.min": "10", "fields.v.max": "1" }, "fields.v.min"],
      [[col("v", Types.integer)], { "fields.v.kind": "sequence", "fields.v.start": "x" }, "fields.v.start"],
      [[col("v", Types.smallint)], { "fields.v.max": "40000" }, "fields.v.max"],
      [[col("v", Types.integer)], { "fields.v.length": "3" }, "fields.v.length"],
      [[col("v", Types.integer)], { "fields.w.kind": "random" }, "fields.w.kind"],
      [[col("t", Types.timestamp)], { "fields.t.kind": "sequence" }, "fields.t.kind"],
      [[col("t", Types.timestamp)], { "fields.t.max_past": "soon" }, "fields.t.max_past"],
      [[col("t", Types.timestamp)], { "fields.t.max_past_mode": "sometimes" }, "fields.t.max_past_mode"],
      [[col("s", { id: "varchar", length: 5 })], { "fields.s.length": "10" }, "fields.s.length"],
      [[col("v", Types.integer)], { "datagen.rows.per.second": "-1" }, "datagen.rows.per.second"],
      [[col("v", Types.integer)], { "datagen.rows": "1" }, "datagen.rows"],
    ];
    for (const [columns, options, name] of cases) {
      const e = sqlError(() => datagen(columns, options));
      expect(e.code, name).toBe("22023");
      expect(e.message, name).toContain(name);
    }
  });

  test("a type datagen cannot produce is 0A000 naming the column", () => {
    const e = sqlError(() => datagen([col("j", Types.jsonb)]));
    expect(e.code).toBe("0A000");
    expect(e.message).toBe('datagen cannot generate column "j" of type jsonb');
  });
});
