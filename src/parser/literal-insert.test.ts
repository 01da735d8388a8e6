// scanLiteralInsert against the parser: on every statement it accepts, the tree must equal
// parse()'s exactly (nodes, positions, text); statements it must leave to the parser return null.
import { describe, expect, it } from "vitest";
import { parse } from "./index.js";
import { scanLiteralInsert } from "./literal-insert.js";

const VALUES = ["1", "0", "-7", "2147483648", "99999999999999999999", "1.5", "-0.25", ".5", "5.", "1e3", "1E-3", "-2.5e+10", "'x'", "''", "'it''s'", "'é ü'", "'a,b)'", "'--not a comment'", "NULL", "null", "TRUE", "false", "True"];
const TABLES = ["t", "T", "s.t", "public.orders", "source", "Key.Value", '"My Table"', 'public."Orders"', "t_1", "db.s.t"];
const SPACES = [" ", "  ", "\n", "\t", " \r\n "];

function pick<T>(xs: readonly T[], r: () => number): T {
  return xs[Math.floor(r() * xs.length)];
}

/** a small deterministic PRNG (mulberry32) so a failure reproduces */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomInsert(r: () => number): string {
  const sp = () => pick(SPACES, r);
  const width = 1 + Math.floor(r() * 4);
  const cols = r() < 0.5 ? `${sp()}(${Array.from({ length: width }, (_, k) => (r() < 0.2 ? `"C${k}"` : `c${k}`)).join(`,${sp()}`)})` : "";
  const rows = Array.from({ length: 1 + Math.floor(r() * 5) }, () => `(${Array.from({ length: width }, () => pick(VALUES, r)).join(r() < 0.5 ? ", " : `${sp()},`)})`);
  const kw = (w: string) => (r() < 0.3 ? w.toLowerCase() : w);
  return `${r() < 0.3 ? sp() : ""}${kw("INSERT")}${sp()}${kw("INTO")}${sp()}${pick(TABLES, r)}${cols}${sp()}${kw("VALUES")}${sp()}${rows.join(`,${r() < 0.5 ? sp() : ""}`)}${r() < 0.3 ? `${r() < 0.5 ? sp() : ""};` : ""}${r() < 0.3 ? sp() : ""}`;
}

describe("scanLiteralInsert", () => {
  it("builds exactly the parser's tree for plain literal inserts (2,000 random statements)", () => {
    const r = rng(42);
    for (let k = 0; k < 2000; k++) {
      const sql = randomInsert(r);
      const scanned = scanLiteralInsert(sql);
      expect(scanned, sql).not.toBeNull();
      expect(scanned, sql).toEqual(parse(sql)[0]);
    }
  });

  it("leaves everything else to the parser", () => {
    const others = [
      "SELECT 1",
      "INSERT INTO t VALUES (1) RETURNING *",
      "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING",
      "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)",
      "INSERT INTO t VALUES (1 + 1)",
      "INSERT INTO t VALUES ('1'::int)",
      "INSERT INTO t VALUES (- 1)",
      "INSERT INTO t VALUES (DEFAULT)",
      "INSERT INTO t VALUES (now())",
      "INSERT INTO t VALUES ($1)",
      "INSERT INTO t VALUES (E'\\n')",
      "INSERT INTO t VALUES ('a' 'b')",
      "INSERT INTO t VALUES (1abc)",
      "INSERT INTO t VALUES (1.2.3)",
      "INSERT INTO t VALUES (1) -- trailing comment",
      "/* c */ INSERT INTO t VALUES (1)",
      "INSERT INTO select VALUES (1)",
      "INSERT INTO t (select) VALUES (1)",
      "INSERT INTO t AS x VALUES (1)",
      "INSERT INTO t SELECT 1",
      "INSERT INTO t DEFAULT VALUES",
      "INSERT INTO t VALUES (1",
      "INSERT INTO t VALUES (1),",
      "INSERT INTO t VALUES ('unterminated)",
      "INSERT INTO t VALUES ('😀', 1)",
      "INSERT INTO t VALUES (TIMESTAMP '2024-01-01')",
      `INSERT INTO ${"x".repeat(64)} VALUES (1)`,
    ];
    for (const sql of others) expect(scanLiteralInsert(sql), sql).toBeNull();
  });

});
