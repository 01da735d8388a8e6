// The table formatter against what real psql 15 printed for the same tables (fixtures captured with
// `psql -X -c <query>` and `psql -X -x -c <query>` from a PostgreSQL 15 server; NULL cells are null).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { formatAligned, formatExpanded, type Align } from "./table-format.js";

interface Fixture {
  name: string;
  title?: string;
  headers: string[];
  aligns: Align[];
  rows: (string | null)[][];
  expanded: boolean;
  psql: string;
}

const fixtures = JSON.parse(
  readFileSync(new URL("./table-format.fixtures.json", import.meta.url), "utf8"),
) as Fixture[];

describe("psql aligned and expanded output", () => {
  for (const f of fixtures) {
    it(`${f.name}${f.expanded ? " (expanded)" : ""}`, () => {
      const table = {
        title: f.title,
        headers: f.headers,
        aligns: f.aligns,
        rows: f.rows.map((r) => r.map((v) => v ?? "")),
      };
      const text = f.expanded ? formatExpanded(table) : formatAligned(table);
      expect(text).toBe(f.psql);
    });
  }
});
