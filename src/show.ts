// SHOW: session settings (SHOW name, SHOW ALL) and catalog listings (SHOW TABLES, SHOW COLUMNS
// FROM t, SHOW CREATE ...), each as an ordinary result set.

import type * as A from "./parser/index.js";
import type { RelationKind } from "./catalog/index.js";
import type { Session } from "./session.js";
import { rowsResult } from "./session.js";
import { showSecrets } from "./secrets.js";
import { showJobs } from "./job-statements.js";
import { SessionSettings, displayName } from "./settings.js";
import type { StatementResult } from "./types/index.js";
import { SqlError, SqlState, Types, typeName } from "./types/index.js";

const LISTINGS: Record<string, RelationKind> = {
  tables: "table",
  streams: "stream",
  views: "view",
  "materialized views": "materialized_view",
  sources: "source",
  sinks: "sink",
};

export function showStatement(session: Session, st: A.ShowStatement): StatementResult {
  const what = st.what.toLowerCase();
  const cat = session.db.catalog;
  const text = Types.text;
  if (what in LISTINGS) {
    const rels = cat.listRelations(LISTINGS[what]).filter((r) => r.schema === "public");
    return rowsResult("SHOW", [{ name: "Name", type: text }], rels.map((r) => [r.name]));
  }
  if (what === "indexes") {
    const rel = st.target ? cat.getRelation(st.target.parts, st.target.pos) : undefined;
    const ixs = cat.listIndexes(rel?.id);
    return rowsResult(
      "SHOW",
      [{ name: "Name", type: text }, { name: "On", type: text }, { name: "Method", type: text }, { name: "Key", type: text }],
      ixs.map((ix) => [ix.name, cat.relationById(ix.relation)?.name ?? "", ix.method, ix.columns.join(", ")]),
    );
  }
  if (what === "models") {
    const described = new Map(session.db.models.runtime.describe().map((d) => [d.name, d]));
    return rowsResult(
      "SHOW",
      [{ name: "Name", type: text }, { name: "Task", type: text }, { name: "Provider", type: text }, { name: "Model", type: text }, { name: "Dimensions", type: Types.integer }, { name: "Endpoint", type: text }, { name: "Default", type: Types.boolean }],
      [...cat.models.values()].map((m) => {
        const d = described.get(m.name);
        return [m.name, m.task, m.provider, d?.model ?? m.name, m.dimensions ?? d?.dimensions ?? null, d?.endpoint ?? null, m.isDefault ?? false];
      }),
    );
  }
  if (what === "secrets") return showSecrets(session);
  if (what === "databases") {
    return rowsResult(
      "SHOW",
      [{ name: "Name", type: text }, { name: "Owner", type: text }, { name: "Connection Limit", type: Types.integer }],
      cat.databases.list().map((d) => [d.name, d.access.owner, d.connectionLimit]),
    );
  }
  if (what === "jobs") return showJobs(session);
  if (what === "functions") return session.db.functions.show();
  if (what === "create function" && st.target) return session.db.functions.showCreate(st.target.parts[st.target.parts.length - 1], st.target.pos);
  if (what === "columns") {
    if (!st.target) throw new SqlError(SqlState.SyntaxError, "SHOW COLUMNS needs FROM <relation>", { position: st.pos });
    const rel = cat.getRelation(st.target.parts, st.target.pos);
    return rowsResult(
      "SHOW",
      [{ name: "Name", type: text }, { name: "Type", type: text }, { name: "Nullable", type: Types.boolean }, { name: "Primary Key", type: Types.boolean }],
      rel.columns.map((c, i) => [c.name, typeName(c.type), !c.notNull, rel.primaryKey?.includes(i) ?? false]),
    );
  }
  if (what.startsWith("create")) {
    if (!st.target) throw new SqlError(SqlState.SyntaxError, "SHOW CREATE needs an object name", { position: st.pos });
    const rel = cat.getRelation(st.target.parts, st.target.pos);
    return rowsResult("SHOW", [{ name: "Name", type: text }, { name: "Create Sql", type: text }], [[rel.name, rel.definition ?? ""]]);
  }
  if (what === "all") {
    return rowsResult(
      "SHOW",
      [{ name: "name", type: text }, { name: "setting", type: text }, { name: "description", type: text }],
      session.settings.all().map((s) => [s.name, s.setting, s.description]),
    );
  }
  const name = SessionSettings.normalizeName(what);
  return rowsResult("SHOW", [{ name: displayName(name), type: text }], [[session.settings.get(name)]]);
}
