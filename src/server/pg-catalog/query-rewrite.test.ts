import { describe, expect, it } from "vitest";
import type { CatalogModel } from "./catalog-model.js";
import { referencedSystemRelations } from "./catalog-snapshot.js";
import { rewriteCatalogQuery, usesCatalogFunctions } from "./query-rewrite.js";

const model: CatalogModel = {
  namespaces: [{ oid: 2200, name: "public" }],
  functions: [],
  relations: [
    {
      oid: 16400,
      name: "t",
      schema: "public",
      namespaceOid: 2200,
      relkind: "r",
      kindName: "table",
      columns: [{ name: "a", num: 1, type: { id: "varchar", length: 5 }, typeOid: 1043, typmod: 9, typlen: -1, typeText: "character varying(5)", notNull: false }],
      indexes: [],
      amOid: 2,
    },
  ],
  byOid: new Map(),
  owner: "sage",
  memberships: [],
};

describe("rewriteCatalogQuery", () => {
  it("turns catalog functions into subqueries and constants", () => {
    const sql = "SELECT pg_catalog.pg_get_userbyid(c.relowner), pg_catalog.obj_description(c.oid, 'pg_class') FROM pg_catalog.pg_class c WHERE pg_catalog.pg_table_is_visible(c.oid)";
    const out = rewriteCatalogQuery(sql, model);
    expect(out).toContain("(SELECT sage_r.rolname FROM pg_catalog.pg_roles sage_r WHERE sage_r.oid = (c.relowner))");
    expect(out).toContain("NULL::text");
    expect(out).toContain("((c.oid) IN (SELECT sage_c.oid FROM pg_catalog.pg_class sage_c WHERE sage_c.relnamespace IN (2200, 11)))");
    expect(out).not.toMatch(/pg_get_userbyid|obj_description|pg_table_is_visible/);
  });

  it("rewrites format_type with the typmods in use, and reg* casts", () => {
    const out = rewriteCatalogQuery("select format_type(a.atttypid, a.atttypmod) from pg_attribute a", model);
    expect(out).toContain("WHEN (a.atttypid) = 1043 AND (a.atttypmod) = 9 THEN 'character varying(5)'");
    expect(out).toContain("WHEN (a.atttypid) = 1043 THEN 'character varying'");
    expect(rewriteCatalogQuery("select 't'::regclass, 'pg_catalog.pg_class'::pg_catalog.regclass, '16400'::pg_catalog.oid", model)).toBe("select 16400, 1259, '16400'::int4");
    expect(rewriteCatalogQuery("select c.conrelid::pg_catalog.regclass from x c", model)).toBe(
      "select (SELECT sage_c.relname FROM pg_catalog.pg_class sage_c WHERE sage_c.oid = c.conrelid) from x c",
    );
  });

  it("leaves literals, comments and other functions alone", () => {
    const sql = "select 'pg_get_userbyid(1)', lower(x) -- format_type(1, 2)\nfrom t";
    expect(rewriteCatalogQuery(sql, model)).toBe(sql);
  });

  it("detects statements that need the catalog", () => {
    expect(usesCatalogFunctions("SELECT pg_catalog.pg_get_viewdef('1'::pg_catalog.oid, true)")).toBe(true);
    expect(usesCatalogFunctions("select 1")).toBe(false);
    expect(referencedSystemRelations("select * from pg_type t join information_schema.columns c on true").map((r) => r.name)).toEqual(["pg_type", "columns"]);
    expect(referencedSystemRelations("select 'pg_class' from t")).toEqual([]);
  });
});
