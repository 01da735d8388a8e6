// ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA s] GRANT|REVOKE ... ON TABLES: the ACL the
// role's future tables, views and materialized views start with (applied by ownership.ts when
// one is created). As in Postgres, the entry for all schemas replaces the built-in default (so
// REVOKE there can take even the owner's privileges away), and a schema's entry only adds to it.

import type * as A from "./parser/index.js";
import { ALL_PRIVILEGES, PRIVILEGE_LETTER, PUBLIC, aclGrant, aclRevoke, defaultAcl, type AclItem, type DefaultPrivilege } from "./catalog/index.js";
import { RoleRights } from "./privileges.js";
import type { Session } from "./session.js";
import { SqlError, SqlState, type StatementResult } from "./types/index.js";

function letters(privileges: A.GrantStatement["privileges"], position?: number): string {
  let out = "";
  for (const p of privileges) {
    if (p.columns) throw new SqlError(SqlState.InvalidGrantOperation, "column privileges are only valid for relations", { position });
    const l = p.name === "all" ? ALL_PRIVILEGES.relation : PRIVILEGE_LETTER[p.name];
    if (!l || ![...l].every((x) => ALL_PRIVILEGES.relation.includes(x))) throw new SqlError(SqlState.InvalidGrantOperation, `invalid privilege type ${p.name.toUpperCase()} for table`, { position });
    out += l;
  }
  return out;
}

function sameAcl(a: AclItem[], b: AclItem[]): boolean {
  const key = (acl: AclItem[]) => acl.map((i) => `${i.grantee}=${[...i.privs].sort().join("")}*${[...i.grantable].sort().join("")}/${i.grantor}`).sort().join(",");
  return key(a) === key(b);
}

export function alterDefaultPrivileges(session: Session, st: A.AlterDefaultPrivilegesStatement): StatementResult {
  const cat = session.db.catalog;
  const g = st.action;
  const on = g.on;
  if (!on || on.allInSchema || on.names.length !== 1 || on.names[0].parts.join(".") !== "tables") {
    throw new SqlError(SqlState.FeatureNotSupported, "ALTER DEFAULT PRIVILEGES supports ON TABLES only", { position: st.pos });
  }
  const privs = letters(g.privileges, st.pos);
  const grantOptionOnly = g.revoke && /\brevoke\s+grant\s+option\s+for\b/i.test(st.text ?? "");
  const rights = new RoleRights(cat, session.role);
  const owners = st.roles.length > 0 ? st.roles : [session.role];
  for (const owner of owners) {
    if (!cat.roles.has(owner) && owner !== "sage") throw new SqlError(SqlState.UndefinedObject, `role "${owner}" does not exist`, { position: st.pos });
    if (!session.db.isReplaying && !rights.hasPrivsOf(owner)) throw new SqlError(SqlState.InsufficientPrivilege, "permission denied to change default privileges", { position: st.pos });
  }
  for (const s of st.schemas) if (!cat.schemas.has(s)) throw new SqlError(SqlState.InvalidSchemaName, `schema "${s}" does not exist`, { position: st.pos });
  const grantees = g.grantees.map((n) => {
    if (n === "public") return PUBLIC;
    if (!cat.roles.has(n) && n !== "sage") throw new SqlError(SqlState.UndefinedObject, `role "${n}" does not exist`, { position: st.pos });
    return n;
  });
  for (const owner of owners) {
    for (const schema of st.schemas.length > 0 ? st.schemas : [null]) {
      const existing = cat.access.defaults.find((d) => d.owner === owner && d.schema === schema);
      const base = schema === null ? defaultAcl("relation", owner) : [];
      let acl: AclItem[] = (existing?.acl ?? base).map((i) => ({ ...i }));
      for (const grantee of grantees) {
        if (g.revoke) acl = aclRevoke(acl, grantee, owner, privs, grantOptionOnly);
        else aclGrant(acl, grantee, owner, privs, g.withGrantOption);
      }
      cat.access.defaults = cat.access.defaults.filter((d) => d !== existing);
      // an entry that says no more than the built-in default is removed, as Postgres removes the pg_default_acl row
      if (!sameAcl(acl, base)) cat.access.defaults.push({ owner, schema, acl } satisfies DefaultPrivilege);
    }
  }
  cat.version++;
  return { command: "ALTER DEFAULT PRIVILEGES", rowCount: 0, columns: [], rows: [], notices: [] };
}
