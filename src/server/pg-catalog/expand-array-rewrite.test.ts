import { describe, expect, it } from "vitest";
import { rewriteExpandArray } from "./expand-array-rewrite.js";

// pgjdbc 42's DatabaseMetaData.getPrimaryKeys query for table 'jk'
const PGJDBC_PRIMARY_KEYS =
  "SELECT result.TABLE_CAT, result.TABLE_SCHEM, result.TABLE_NAME, result.COLUMN_NAME, result.KEY_SEQ, result.PK_NAME FROM " +
  "(SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM,   ct.relname AS TABLE_NAME, a.attname AS COLUMN_NAME,   " +
  "(information_schema._pg_expandarray(i.indkey)).n AS KEY_SEQ, ci.relname AS PK_NAME,   " +
  "information_schema._pg_expandarray(i.indkey) AS KEYS, a.attnum AS A_ATTNUM FROM pg_catalog.pg_class ct   " +
  "JOIN pg_catalog.pg_attribute a ON (ct.oid = a.attrelid)   JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)   " +
  "JOIN pg_catalog.pg_index i ON ( a.attrelid = i.indrelid)   JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid) " +
  "WHERE true  AND ct.relname = E'jk' AND i.indisprimary  ) result where  result.A_ATTNUM = (result.KEYS).x  " +
  "ORDER BY result.table_name, result.pk_name, result.key_seq";

describe("rewriteExpandArray", () => {
  it("turns pgjdbc's _pg_expandarray field selections into a lateral unnest WITH ORDINALITY", () => {
    const out = rewriteExpandArray(PGJDBC_PRIMARY_KEYS);
    expect(out).not.toMatch(/_pg_expandarray/);
    expect(out).toContain("sage_expand.n AS KEY_SEQ");
    expect(out).toContain("sage_expand.x AS KEYS");
    expect(out).toContain(
      "(ci.oid = i.indexrelid)  JOIN LATERAL (SELECT sage_u.x, sage_u.n FROM unnest(i.indkey) WITH ORDINALITY AS sage_u(x, n)) sage_expand ON true WHERE true",
    );
    expect(out).toContain("result.A_ATTNUM = result.KEYS  ORDER BY");
  });

  it("leaves other queries alone, and calls over different arrays", () => {
    const plain = "SELECT (t.a).x FROM t";
    expect(rewriteExpandArray(plain)).toBe(plain);
    const mixed = "SELECT information_schema._pg_expandarray(a.k), information_schema._pg_expandarray(b.k) FROM a, b";
    expect(rewriteExpandArray(mixed)).toBe(mixed);
  });
});
