// Random and malformed inputs: every one must either parse or throw SqlError 42601/54001, quickly.

import { describe, it } from "vitest";
import { KEYWORDS, parse, splitStatements } from "./index.js";
import { SqlError } from "../types/errors.js";

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 0x100000000;
  };
}

const VOCAB = [
  ...KEYWORDS, "(", ")", "[", "]", ",", ";", ".", "::", ":", "*", "+", "-", "/", "%", "^", "=", "<>", "<", ">=", "||",
  "->>", "<=>", "~", "@", "|/", "a", "b", "t", "x", "1", "2.5", "'s'", "$1", "$$d$$", "E'\\n'", '"Q"', "--c\n", "/*c*/",
  "?", "#", "&", "'", '"', "$", "\\", "😀", "é",
];

const SEEDS = [
  "SELECT a, b + 1 AS c FROM t JOIN u ON t.id = u.id WHERE x BETWEEN 1 AND 2 GROUP BY a HAVING count(*) > 1 ORDER BY a DESC NULLS LAST LIMIT 10",
  "CREATE STREAM s (a int, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH (connector = 'nexmark', nexmark.table = 'bid')",
  "INSERT INTO t (a, b) VALUES (1, 'x'), (2, DEFAULT) ON CONFLICT (a) DO UPDATE SET b = 'y' RETURNING *",
  "SELECT CASE WHEN a THEN ARRAY[1,2][1] ELSE CAST(b AS numeric(10,2)) END, EXTRACT(YEAR FROM ts), sum(x) OVER (PARTITION BY y ORDER BY z ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM TUMBLE(bid, ts, INTERVAL '10' SECOND)",
  "WITH r AS (SELECT 1) SELECT * FROM r UNION ALL (SELECT 2 INTERSECT SELECT 3) ORDER BY 1",
  "SELECT * FROM q VECTOR JOIN d ON EMBED(d.b) <=> EMBED(q.t) TOP 3",
  "COPY t FROM STDIN WITH (FORMAT csv, HEADER true)",
  "GRANT SELECT ON ALL TABLES IN SCHEMA public TO bob WITH GRANT OPTION",
  "CREATE OR REPLACE FUNCTION f(a int) RETURNS TABLE (x int) LANGUAGE sql AS $$ SELECT 1; $$",
  "ALTER ROLE r WITH LOGIN PASSWORD 'x'; SET TIME ZONE 'UTC'; SHOW CREATE MATERIALIZED VIEW v",
];

const TIME_BOUND_MS = 2000;

function check(sql: string): void {
  const start = performance.now();
  try {
    parse(sql);
  } catch (e) {
    if (!(e instanceof SqlError) || (e.code !== "42601" && e.code !== "54001")) {
      throw new Error(`unexpected failure for ${JSON.stringify(sql)}: ${String(e)}`);
    }
    if (e.code === "42601" && (typeof e.position !== "number" || e.position < 1)) {
      throw new Error(`no position for ${JSON.stringify(sql)}: ${e.message}`);
    }
  }
  splitStatements(sql);
  const ms = performance.now() - start;
  if (ms > TIME_BOUND_MS) throw new Error(`took ${ms.toFixed(0)} ms: ${JSON.stringify(sql)}`);
}

// generous per-test timeouts: these loops run thousands of parses and CI machines are shared
const TIMEOUT = 120_000;

describe("fuzz", () => {
  parse("SELECT 1"); // build the parser outside the timed checks

  it("survives random token soup", () => {
    const rnd = prng(42);
    for (let i = 0; i < 2500; i++) {
      const len = 1 + Math.floor(rnd() * 40);
      const sep = rnd() < 0.5 ? " " : "";
      check(Array.from({ length: len }, () => VOCAB[Math.floor(rnd() * VOCAB.length)]).join(sep));
    }
  }, TIMEOUT);

  it("survives every truncation of valid statements", () => {
    for (const s of SEEDS) for (let i = 0; i <= s.length; i++) check(s.slice(0, i));
  }, TIMEOUT);

  it("survives character and token mutations", () => {
    const rnd = prng(7);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
    for (let i = 0; i < 1500; i++) {
      const chars = pick(SEEDS).split("");
      for (let k = 1 + Math.floor(rnd() * 4); k > 0; k--) {
        const p = Math.floor(rnd() * chars.length);
        const r = rnd();
        if (r < 0.33) chars.splice(p, 1);
        else if (r < 0.66) chars.splice(p, 0, pick(["(", ")", "'", '"', "$", ";", ",", " ", "*", "-", "/", "E", "é", "😀"]));
        else chars[p] = pick(VOCAB);
      }
      check(chars.join(""));
      const toks = pick(SEEDS).split(/\s+/);
      for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) {
        const p = Math.floor(rnd() * toks.length);
        if (rnd() < 0.5) toks.splice(p, 1);
        else toks.splice(p, 0, pick(VOCAB));
      }
      check(toks.join(" "));
    }
  }, TIMEOUT);

  it("survives deep and long inputs", () => {
    const rnd = prng(99);
    const openers = ["(", "ARRAY[", "(SELECT ", "f(", "NOT ", "- ", "CASE WHEN true THEN ", "x IN (", "EXISTS ("];
    for (let i = 0; i < 60; i++) {
      const depth = [10, 100, 400, 1500, 20000][i % 5];
      const o = openers[Math.floor(rnd() * openers.length)];
      check("SELECT " + o.repeat(depth) + "1" + (rnd() < 0.5 ? ")".repeat(depth) : ""));
    }
  }, TIMEOUT);
});
