import { describe, expect, it } from "vitest";
import { Decimal, Interval, Jsonb, Types, type DataType } from "../types/index.js";
import { decodeNumericBinary, encodeNumericBinary } from "./numeric-binary.js";
import { decodeBinary } from "./value-decoding.js";
import { encodeBinary, encodeText } from "./value-encoding.js";
import { typeForOid, typeOid, wireType } from "./type-oids.js";

function numericFields(b: Buffer) {
  const digits: number[] = [];
  for (let i = 0; i < b.readInt16BE(0); i++) digits.push(b.readInt16BE(8 + 2 * i));
  return { ndigits: b.readInt16BE(0), weight: b.readInt16BE(2), sign: b.readUInt16BE(4), dscale: b.readInt16BE(6), digits };
}

describe("numeric binary format", () => {
  it("matches Postgres's numeric_send layout", () => {
    expect(numericFields(encodeNumericBinary(Decimal.parse("12.50")))).toEqual({ ndigits: 2, weight: 0, sign: 0, dscale: 2, digits: [12, 5000] });
    expect(numericFields(encodeNumericBinary(Decimal.parse("0.0001")))).toEqual({ ndigits: 1, weight: -1, sign: 0, dscale: 4, digits: [1] });
    expect(numericFields(encodeNumericBinary(Decimal.parse("10000")))).toEqual({ ndigits: 1, weight: 1, sign: 0, dscale: 0, digits: [1] });
    expect(numericFields(encodeNumericBinary(Decimal.parse("-1.5")))).toEqual({ ndigits: 2, weight: 0, sign: 0x4000, dscale: 1, digits: [1, 5000] });
    expect(numericFields(encodeNumericBinary(Decimal.parse("0.000")))).toEqual({ ndigits: 0, weight: 0, sign: 0, dscale: 3, digits: [] });
    expect(numericFields(encodeNumericBinary(Decimal.NaN)).sign).toBe(0xc000);
    expect(numericFields(encodeNumericBinary(Decimal.POSITIVE_INFINITY)).sign).toBe(0xd000);
  });

  it("round-trips", () => {
    for (const s of ["0", "1", "-1", "12.50", "0.0001", "123456789012345678901234567890.123456789", "-0.5", "100000000", "9999.9999", "NaN", "Infinity", "-Infinity", "1.000"]) {
      expect(decodeNumericBinary(encodeNumericBinary(Decimal.parse(s))).toString()).toBe(Decimal.parse(s).toString());
    }
  });
});

describe("binary values", () => {
  const cases: [DataType, unknown][] = [
    [Types.boolean, true],
    [Types.smallint, -12],
    [Types.integer, 2147483647],
    [Types.bigint, -9223372036854775808n],
    [Types.real, 1.5],
    [Types.double, Math.PI],
    [Types.text, "héllo"],
    [Types.bytea, new Uint8Array([0, 1, 255])],
    [Types.date, 19_000],
    [Types.time, 3_600_000_001],
    [Types.timestamp, 1_700_000_000_123_456],
    [Types.timestamptz, -1_000_000],
    [Types.timestamptz, Infinity],
    [Types.interval, new Interval(14, -3, 5_000_001)],
    [Types.vector(3), new Float32Array([1, -2.5, 3])],
    [Types.array(Types.integer), [1, null, 3]],
    [Types.array(Types.integer), [[1, 2], [3, 4]]],
    [Types.array(Types.text), []],
  ];
  for (const [type, value] of cases) {
    it(`round-trips ${JSON.stringify(type)}`, () => {
      expect(decodeBinary(type, encodeBinary(type, value))).toEqual(value);
    });
  }

  it("uses Postgres's epochs and jsonb version byte", () => {
    expect(encodeBinary(Types.timestamp, 946_684_800_000_000).readBigInt64BE(0)).toBe(0n);
    expect(encodeBinary(Types.date, 10_957).readInt32BE(0)).toBe(0);
    const j = encodeBinary(Types.jsonb, Jsonb.parse('{"a": 1}'));
    expect(j[0]).toBe(1);
    expect(j.subarray(1).toString()).toBe('{"a": 1}');
    const arr = encodeBinary(Types.array(Types.integer), [1, 2]);
    expect([arr.readInt32BE(0), arr.readInt32BE(4), arr.readInt32BE(8), arr.readInt32BE(12), arr.readInt32BE(16)]).toEqual([1, 0, 23, 2, 1]);
  });

  it("rejects malformed binary parameters with 22P03", () => {
    expect(() => decodeBinary(Types.integer, Buffer.from([1, 2]))).toThrow(expect.objectContaining({ code: "22P03" }));
    expect(() => decodeBinary(Types.jsonb, Buffer.from([2, 123, 125]))).toThrow(expect.objectContaining({ code: "22P03" }));
    expect(() => decodeBinary(Types.array(Types.integer), Buffer.alloc(12))).not.toThrow();
    const bad = Buffer.alloc(20);
    bad.writeInt32BE(1, 0);
    bad.writeInt32BE(23, 8);
    bad.writeInt32BE(1_000_000, 12);
    expect(() => decodeBinary(Types.array(Types.integer), bad)).toThrow(expect.objectContaining({ code: "22P03" }));
  });
});

describe("text values and type OIDs", () => {
  it("prints as Postgres's output functions do", () => {
    const tz = { timeZone: "UTC" };
    expect(encodeText(Types.boolean, false, tz).toString()).toBe("f");
    expect(encodeText(Types.numeric, Decimal.parse("1.50"), tz).toString()).toBe("1.50");
    expect(encodeText(Types.bytea, new Uint8Array([222, 173]), tz).toString()).toBe("\\xdead");
    expect(encodeText(Types.array(Types.text), ["a b", null], tz).toString()).toBe('{"a b",NULL}');
    expect(encodeText(Types.unknown, "x", tz).toString()).toBe("x");
  });

  it("maps types to OIDs, sizes and modifiers", () => {
    expect(wireType({ id: "numeric", precision: 10, scale: 2 })).toEqual({ oid: 1700, size: -1, modifier: (10 << 16 | 2) + 4 });
    expect(wireType({ id: "varchar", length: 20 })).toEqual({ oid: 1043, size: -1, modifier: 24 });
    expect(wireType(Types.vector(3))).toEqual({ oid: 16385, size: -1, modifier: 3 });
    expect(wireType(Types.interval)).toEqual({ oid: 1186, size: 16, modifier: -1 });
    expect(typeOid(Types.array(Types.bigint))).toBe(1016);
    expect(typeOid(Types.unknown)).toBe(25);
    expect(typeForOid(1231)).toEqual(Types.array(Types.numeric));
    expect(typeForOid(12345)).toBeUndefined();
  });
});
