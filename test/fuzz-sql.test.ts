// Random and malformed SQL never crashes or hangs the engine: each statement gives a result or
// an SqlError with a SQLSTATE — and never an internal error (XX000), which would be a bug.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Database, SqlError } from "../src/index.js";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** SQL statements from the regression suites, to mutate. */
function corpus(): string[] {
  const root = fileURLToPath(new URL("../sqltests/", import.meta.url));
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith(".slt")) {
        const lines = readFileSync(join(dir, e.name), "utf8").split("\n");
        for (let i = 0; i < lines.length; i++) {
          if (/^(query|statement)\b/.test(lines[i])) {
            const sql: string[] = [];
            for (let j = i + 1; j < lines.length && lines[j] !== "----" && lines[j].trim() !== ""; j++) sql.push(lines[j]);
            if (sql.length) out.push(sql.join("\n"));
          }
        }
      }
    }
  };
  walk(root);
  return out;
}

const TOKENS = ["SELECT", "FROM", "WHERE", "GROUP BY", "ORDER BY", "(", ")", ",", "*", "+", "-", "/", "=", "<>", "AND", "OR", "NOT", "NULL", "1", "0", "-2147483648", "9223372036854775807", "1.5e308", "'x'", "''", "t", "t.a", "a", "b", "count(*)", "sum(a)", "CASE WHEN", "THEN", "END", "CAST(", "AS INT)", "::text", "IN", "EXISTS", "(SELECT", "UNION", "JOIN", "ON", "LEFT", "LIMIT", "OFFSET", "DISTINCT", "OVER (", "PARTITION BY", "INTERVAL '1 day'", "TIMESTAMP '2024-01-01'", "now()", "'[1,2]'::vector(2)", "$1", ";", "VALUES", "INSERT INTO t", "UPDATE t SET a =", "DELETE FROM t", "CREATE TABLE", "DROP TABLE", "WITH x AS", "/*", "--", "\"Q\"", "E'\\\\x'", "$$", "ARRAY[", "]", "[1]"];

describe("fuzzed SQL", () => {
  it("answers thousands of random and mutated statements with results or SQLSTATE errors", async () => {
    const seed = Number(process.env.SAGE_SEED ?? 20261125);
    const rand = rng(seed);
    const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const base = corpus();
    expect(base.length).toBeGreaterThan(500);
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE t (a INT, b TEXT, c DOUBLE PRECISION); INSERT INTO t VALUES (1, 'x', 1.5), (2, NULL, NULL), (NULL, 'y', -0.0)");
    const session = db.connect();
    const internal: string[] = [];
    let ok = 0;
    let errors = 0;
    for (let i = 0; i < 3000; i++) {
      let sql: string;
      const mode = rand();
      if (mode < 0.4) {
        sql = Array.from({ length: 1 + Math.floor(rand() * 14) }, () => pick(TOKENS)).join(" ");
      } else {
        const s = pick(base);
        const cut = Math.floor(rand() * s.length);
        if (mode < 0.6) sql = s.slice(0, cut); // truncated
        else if (mode < 0.8) sql = s.slice(0, cut) + pick(TOKENS) + s.slice(cut); // token inserted
        else sql = s.slice(0, cut) + s.slice(Math.min(s.length, cut + 1 + Math.floor(rand() * 6))); // chars deleted
      }
      try {
        await session.execute(sql);
        ok++;
      } catch (e) {
        expect(e, `not an SqlError for: ${sql}`).toBeInstanceOf(SqlError);
        const err = e as SqlError;
        expect(err.code).toMatch(/^[0-9A-Z]{5}$/);
        if (err.code === "XX000") internal.push(`${err.message} <- ${sql}`);
        errors++;
      }
      // the database stays usable (a fuzzed DROP TABLE t may have removed t: then it is made again)
      if (i % 500 === 0) {
        const [, counted] = await db.execute("CREATE TABLE IF NOT EXISTS t (a INT, b TEXT, c DOUBLE PRECISION); SELECT count(*) FROM t");
        expect(counted.rows.length).toBe(1);
      }
    }
    console.log(`fuzzed SQL (seed ${seed}): ${ok} ran, ${errors} SQL errors, ${internal.length} internal errors`);
    expect(internal, `internal errors (seed ${seed}):\n${internal.slice(0, 10).join("\n")}`).toEqual([]);
  });
});
