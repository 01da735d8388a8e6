// pgoutput messages built byte by byte as the protocol documents them, decoded.
import { describe, expect, it } from "vitest";
import { UNCHANGED, decodePgOutput, formatLsn, parseLsn } from "./pgoutput-decoder.js";

const u8 = (v: number) => Buffer.from([v]);
const i16 = (v: number) => ((b) => (b.writeInt16BE(v), b))(Buffer.alloc(2));
const i32 = (v: number) => ((b) => (b.writeInt32BE(v), b))(Buffer.alloc(4));
const u64 = (v: bigint) => ((b) => (b.writeBigUInt64BE(v), b))(Buffer.alloc(8));
const cstr = (s: string) => Buffer.concat([Buffer.from(s, "utf8"), u8(0)]);
const ch = (c: string) => Buffer.from(c, "ascii");
const text = (s: string) => Buffer.concat([ch("t"), i32(Buffer.byteLength(s)), Buffer.from(s, "utf8")]);

describe("pgoutput decoder", () => {
  it("decodes begin, relation, insert, update with old key and unchanged TOAST, delete, truncate, commit", () => {
    expect(decodePgOutput(Buffer.concat([ch("B"), u64(0x16b3748n), u64(1n), i32(734)]))).toEqual({ tag: "begin", finalLsn: 0x16b3748n, xid: 734 });
    const rel = Buffer.concat([ch("R"), i32(16385), cstr("public"), cstr("orders"), ch("d"), i16(2), u8(1), cstr("id"), i32(23), i32(-1), u8(0), cstr("note"), i32(25), i32(-1)]);
    expect(decodePgOutput(rel)).toEqual({
      tag: "relation",
      relid: 16385,
      schema: "public",
      name: "orders",
      replicaIdentity: "d",
      columns: [
        { name: "id", key: true, typeOid: 23 },
        { name: "note", key: false, typeOid: 25 },
      ],
    });
    expect(decodePgOutput(Buffer.concat([ch("I"), i32(16385), ch("N"), i16(2), text("7"), text("héllo")]))).toEqual({ tag: "insert", relid: 16385, row: ["7", "héllo"] });
    expect(decodePgOutput(Buffer.concat([ch("U"), i32(16385), ch("K"), i16(2), text("7"), ch("n"), ch("N"), i16(2), text("8"), ch("u")]))).toEqual({
      tag: "update",
      relid: 16385,
      old: ["7", null],
      row: ["8", UNCHANGED],
    });
    expect(decodePgOutput(Buffer.concat([ch("U"), i32(16385), ch("N"), i16(2), text("8"), ch("n")]))).toEqual({ tag: "update", relid: 16385, old: null, row: ["8", null] });
    expect(decodePgOutput(Buffer.concat([ch("D"), i32(16385), ch("K"), i16(2), text("8"), ch("n")]))).toEqual({ tag: "delete", relid: 16385, old: ["8", null] });
    expect(decodePgOutput(Buffer.concat([ch("T"), i32(2), u8(0), i32(16385), i32(16390)]))).toEqual({ tag: "truncate", relids: [16385, 16390] });
    expect(decodePgOutput(Buffer.concat([ch("C"), u8(0), u64(0x16b3748n), u64(0x16b3778n), u64(5n)]))).toEqual({ tag: "commit", commitLsn: 0x16b3748n, endLsn: 0x16b3778n });
    expect(decodePgOutput(Buffer.concat([ch("O"), u64(1n), cstr("x")]))).toEqual({ tag: "other", code: "O" });
  });

  it("rejects an unknown tuple value kind instead of misreading the rest", () => {
    expect(() => decodePgOutput(Buffer.concat([ch("I"), i32(1), ch("N"), i16(1), ch("x")]))).toThrow(/unknown tuple value kind/);
  });

  it("formats and parses LSNs as Postgres does", () => {
    expect(formatLsn(0x16b3748n)).toBe("0/16B3748");
    expect(formatLsn((3n << 32n) | 0xabn)).toBe("3/AB");
    expect(parseLsn("3/AB")).toBe((3n << 32n) | 0xabn);
    expect(parseLsn(formatLsn(123456789012n))).toBe(123456789012n);
  });
});
