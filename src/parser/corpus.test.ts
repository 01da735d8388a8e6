// Whole-corpus checks: the SQL of the sqllogictest corpus in ../shared (where present) and the
// examples of DESIGN.md must parse. SQLite-only statements are listed and expected to fail.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "./index.js";

const SHARED = new URL("../../../shared/", import.meta.url).pathname;
const CORPUS = `${SHARED}sqllogictest/`;

interface Rec {
  file: string;
  line: number;
  sql: string;
  otherEngine: boolean;
}

function records(file: string): Rec[] {
  const lines = readFileSync(CORPUS + file, "utf8").split("\n");
  const out: Rec[] = [];
  let cond: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^(onlyif|skipif)\s/.test(l)) {
      cond.push(l);
      continue;
    }
    if (/^(statement|query)\b/.test(l)) {
      const sql: string[] = [];
      let j = i + 1;
      for (; j < lines.length && lines[j].trim() !== "----" && lines[j].trim() !== ""; j++) sql.push(lines[j]);
      const otherEngine = cond.some((c) => /^onlyif\s+(?!postgresql)/.test(c) || /^skipif\s+postgresql/.test(c));
      out.push({ file, line: i + 1, sql: sql.join("\n"), otherEngine });
      cond = [];
      i = j;
      continue;
    }
    if (l.trim() === "") cond = [];
  }
  return out;
}

// SQLite syntax we do not support (Postgres does not either).
const SQLITE_ONLY = [
  /^CREATE TRIGGER/i, /^DROP TRIGGER/i, /^REINDEX/i, /^INSERT OR REPLACE/i, /^REPLACE INTO/i,
  /\bNOT INDEXED\b/i, // index hints
  /count\(DISTINCT \*\)/i, // a `statement error` record in SQLite too
  /WHERE \w+ NOT NULL\b/i, // SQLite's postfix NOT NULL (Postgres: IS NOT NULL / NOTNULL)
];

describe.skipIf(!existsSync(CORPUS))("sqllogictest corpus", () => {
  const files = [
    "select1.test", "select2.test", "select3.test", "select4.test", "select5.test",
    ...readdirSync(`${CORPUS}evidence`).filter((f) => f.endsWith(".test")).map((f) => `evidence/${f}`),
  ];
  it("parses every record meant for Postgres-like engines", () => {
    const failures: string[] = [];
    let total = 0;
    for (const f of files) {
      for (const r of records(f)) {
        if (r.otherEngine) continue;
        total++;
        try {
          parse(r.sql);
        } catch (e) {
          if (!SQLITE_ONLY.some((re) => re.test(r.sql))) failures.push(`${r.file}:${r.line}: ${(e as Error).message}: ${r.sql}`);
        }
      }
    }
    expect(total).toBeGreaterThan(10000);
    expect(failures).toEqual([]);
  }, 120_000);
});

describe.skipIf(!existsSync(`${SHARED}DESIGN.md`))("DESIGN.md examples", () => {
  it("parses every SQL block", () => {
    const md = readFileSync(`${SHARED}DESIGN.md`, "utf8");
    const blocks = [...md.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) expect(parse(b).length).toBeGreaterThan(0);
    // and the inline pgvector form it quotes
    expect(parse("SELECT * FROM q JOIN LATERAL (SELECT * FROM docs ORDER BY docs.emb <=> EMBED(q.text) LIMIT 3) d ON true")).toHaveLength(1);
  });
});
