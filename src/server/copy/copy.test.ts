import { describe, expect, it } from "vitest";
import { Types } from "../../types/index.js";
import { CopyBinaryDecoder, copyBinaryHeader, copyBinaryTrailer, encodeCopyBinaryRow } from "./copy-binary-format.js";
import { parseCopyStatement, type CopyOptions } from "./copy-statement.js";
import { CopyTextDecoder, encodeCopyRow } from "./copy-text-format.js";

const TEXT: CopyOptions = { format: "text", delimiter: "\t", null: "\\N", header: false, quote: '"', escape: '"', forceQuote: [] };
const CSV: CopyOptions = { ...TEXT, format: "csv", delimiter: ",", null: "" };

describe("parseCopyStatement", () => {
  it("reads tables, columns, queries and both option styles", () => {
    expect(parseCopyStatement("COPY t FROM STDIN")).toMatchObject({ direction: "in", table: ["t"], options: TEXT });
    expect(parseCopyStatement(`copy public."My T" (a, "B") from stdin with (format csv, header true, delimiter ';')`)).toMatchObject({
      direction: "in",
      table: ["public", "My T"],
      columns: ["a", "B"],
      options: { format: "csv", header: true, delimiter: ";", null: "" },
    });
    expect(parseCopyStatement("COPY (select 1, ')') TO STDOUT WITH CSV HEADER")).toMatchObject({ direction: "out", query: "select 1, ')'", options: { format: "csv", header: true } });
    expect(parseCopyStatement("copy t to stdout (format binary)")).toMatchObject({ options: { format: "binary" } });
    expect(parseCopyStatement("copy t to stdout delimiter as '|' null as 'NULL'")).toMatchObject({ options: { delimiter: "|", null: "NULL" } });
    expect(parseCopyStatement("copy t from '/tmp/x.csv'")).toBeUndefined();
    expect(parseCopyStatement("select 1")).toBeUndefined();
    expect(() => parseCopyStatement("copy t from stdin (format xml)")).toThrow(expect.objectContaining({ code: "22023" }));
    expect(() => parseCopyStatement("copy t from stdin (bogus 1)")).toThrow(expect.objectContaining({ code: "42601" }));
  });
});

describe("COPY text and CSV data", () => {
  it("splits text rows across arbitrary chunk boundaries, with escapes and NULL", () => {
    const data = Buffer.from("1\ta\\tb\t\\N\n2\tli\\\\ne\\n2\té\n3\t\\101\t\\x41\n\\.\nignored\n");
    for (let cut = 1; cut < data.length; cut++) {
      const d = new CopyTextDecoder(TEXT);
      const rows = [...d.push(data.subarray(0, cut)), ...d.push(data.subarray(cut)), ...d.end()];
      expect(rows.map((r) => r.line)).toEqual([1, 2, 3]);
      expect(rows.map((r) => r.fields)).toEqual([
        ["1", "a\tb", null],
        ["2", "li\\ne\n2", "é"],
        ["3", "A", "A"],
      ]);
    }
  });

  it("parses CSV with quotes, embedded newlines and a header", () => {
    const data = Buffer.from('id,name\r\n1,"a,b"\r\n2,"say ""hi""\nthere"\n3,\n4,""\n');
    for (let cut = 1; cut < data.length; cut++) {
      const d = new CopyTextDecoder({ ...CSV, header: true });
      const rows = [...d.push(data.subarray(0, cut)), ...d.push(data.subarray(cut)), ...d.end()];
      expect(rows.map((r) => r.fields)).toEqual([["1", "a,b"], ["2", 'say "hi"\nthere'], ["3", null], ["4", ""]]);
      expect(rows.map((r) => r.line)).toEqual([2, 4, 5, 6]);
    }
    expect(() => {
      const d = new CopyTextDecoder(CSV);
      d.push(Buffer.from('1,"open'));
      d.end();
    }).toThrow(/unterminated CSV/);
  });

  it("spells rows as Postgres does", () => {
    expect(encodeCopyRow(["a\tb", null, "back\\slash", "l1\nl2"], TEXT)).toBe("a\\tb\t\\N\tback\\\\slash\tl1\\nl2\n");
    expect(encodeCopyRow(["a,b", null, "", 'q"q', "plain"], CSV)).toBe('"a,b",,"","q""q",plain\n');
    expect(encodeCopyRow(["x"], CSV, [true])).toBe('"x"\n');
  });
});

describe("COPY binary data", () => {
  it("round-trips rows across chunk boundaries", () => {
    const types = [Types.integer, Types.text, Types.double];
    const rows = [[1, "one", 1.5], [2, null, -0.25]];
    const data = Buffer.concat([copyBinaryHeader(), ...rows.map((r) => encodeCopyBinaryRow(types, r)), copyBinaryTrailer()]);
    for (let cut = 1; cut < data.length; cut += 3) {
      const d = new CopyBinaryDecoder(types);
      expect([...d.push(data.subarray(0, cut)), ...d.push(data.subarray(cut)), ...d.end()]).toEqual(rows);
    }
    expect(() => new CopyBinaryDecoder(types).push(Buffer.from("NOTPGCOPY\n\n\n\n\n\n\n\n\n\n"))).toThrow(/signature/);
    expect(() => new CopyBinaryDecoder(types).end()).toThrow(/unexpected EOF/);
  });
});
