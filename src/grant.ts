// GRANT / REVOKE: privileges on tables, streams, views and materialized views (also per column),
// schemas, the database and models, and role membership (GRANT role TO role). The grantor is
// chosen as Postgres's select_best_grantor does: the owner when the current role acts as the
// owner (superusers too), else a role it inherits from that holds the grant option.

import type * as A from "./parser/index.js";
import { ALL_PRIVILEGES, PRIVILEGE_LETTER, PUBLIC, aclGrant, aclRevoke, type AclItem, type AclObjectKind, type Catalog, type RelationEntry } from "./catalog/index.js";
import { RoleRights, databaseAcl, isMemberOf, isSuperuser, modelAcl, ownerOf, permissionDenied, relationAcl, schemaAcl, secretAcl } from "./privileges.js";
import type { Session } from "./session.js";
import { SqlError, SqlState, type StatementResult } from "./types/index.js";

const RELATION_KINDS = new Set(["table", "view", "materialized view", "stream", "sequence"]);

/** One object a GRANT names: how to read and replace its ACL, its owner, and how messages name it. */
interface AclTarget {
  kind: AclObjectKind;
  owner: string;
  /** "table t", "schema s": for "permission denied for ..." */
  what: string;
  /** the name in "no privileges were granted for \"t\"" */
  name: string;
  get(): AclItem[];
  set(acl: AclItem[]): void;
  /** column-level grants: the ACL of one column */
  column?(name: string, position?: number): { get(): AclItem[]; set(acl: AclItem[]): void };
  /** the columns that have column-level grants */
  columnsWithAcl?(): string[];
}

/** `word`: what GRANT ... ON <word> named it (Postgres's messages say "table" for views too). */
function relationTarget(rel: RelationEntry, word: string): AclTarget {
  return {
    kind: "relation",
    owner: ownerOf(rel),
    what: `${word} ${rel.name}`,
    name: rel.name,
    get: () => relationAcl(rel).map((i) => ({ ...i })),
    set: (acl) => (rel.acl = acl),
    columnsWithAcl: () => Object.keys(rel.columnAcl ?? {}),
    column: (name, position) => {
      if (!rel.columns.some((c) => c.name === name)) throw new SqlError(SqlState.UndefinedColumn, `column "${name}" of relation "${rel.name}" does not exist`, { position });
      return {
        get: () => (rel.columnAcl?.[name] ?? []).map((i) => ({ ...i })),
        set: (acl) => {
          rel.columnAcl ??= {};
          if (acl.length === 0) delete rel.columnAcl[name];
          else rel.columnAcl[name] = acl;
        },
      };
    },
  };
}

/** `rights`: the granting role's, for the schema lookups (absent: a superuser or log replay). */
function targets(cat: Catalog, on: NonNullable<A.GrantStatement["on"]>, rights: RoleRights | undefined): AclTarget[] {
  const kind = on.objectKind;
  if (RELATION_KINDS.has(kind)) {
    const word = kind === "stream" || kind === "sequence" ? kind : "table";
    if (on.allInSchema) {
      const out: AclTarget[] = [];
      for (const n of on.names) {
        const schema = n.parts[n.parts.length - 1];
        if (!cat.schemas.has(schema)) throw new SqlError(SqlState.InvalidSchemaName, `schema "${schema}" does not exist`, { position: n.pos });
        if (rights) rights.checkSchema(schema, "U", n.pos);
        for (const rel of cat.listRelations()) if (rel.schema === schema && rel.kind !== "system" && rel.kind !== "sink" && rel.kind !== "source") out.push(relationTarget(rel, word));
      }
      return out;
    }
    return on.names.map((n) => {
      // a qualified name needs USAGE on its schema (checked before the name is looked up)
      if (rights && n.parts.length > 1 && cat.schemas.has(n.parts[n.parts.length - 2])) rights.checkSchema(n.parts[n.parts.length - 2], "U", n.pos);
      return relationTarget(cat.getRelation(n.parts, n.pos), word);
    });
  }
  if (kind === "schema") {
    return on.names.map((n) => {
      const name = n.parts[n.parts.length - 1];
      if (!cat.schemas.has(name)) throw new SqlError(SqlState.InvalidSchemaName, `schema "${name}" does not exist`, { position: n.pos });
      const s = cat.access.schema(name);
      return { kind: "schema", owner: s.owner, what: `schema ${name}`, name, get: () => schemaAcl(cat, name).map((i) => ({ ...i })), set: (acl) => (s.acl = acl) };
    });
  }
  if (kind === "database") {
    return on.names.map((n) => {
      const name = n.parts[n.parts.length - 1];
      const d = cat.databases.get(name)?.access;
      if (!d) throw new SqlError(SqlState.InvalidCatalogName, `database "${name}" does not exist`, { position: n.pos });
      return { kind: "database", owner: d.owner, what: `database ${name}`, name, get: () => databaseAcl(cat, name).map((i) => ({ ...i })), set: (acl) => (d.acl = acl) };
    });
  }
  if (kind === "model") {
    return on.names.map((n) => {
      const name = n.parts[n.parts.length - 1];
      const m = cat.models.get(name);
      if (!m) throw new SqlError(SqlState.UndefinedObject, `model "${name}" does not exist`, { position: n.pos });
      return { kind: "model", owner: ownerOf(m), what: `model ${name}`, name, get: () => modelAcl(m).map((i) => ({ ...i })), set: (acl) => (m.acl = acl) };
    });
  }
  if (kind === "secret") {
    return on.names.map((n) => {
      const name = n.parts[n.parts.length - 1];
      const s = cat.access.secrets.get(name);
      if (!s) throw new SqlError(SqlState.UndefinedObject, `secret "${name}" does not exist`, { position: n.pos });
      return { kind: "secret", owner: s.owner, what: `secret ${name}`, name, get: () => secretAcl(cat, name).map((i) => ({ ...i })), set: (acl) => (s.acl = acl) };
    });
  }
  throw new SqlError(SqlState.FeatureNotSupported, `GRANT ON ${kind.toUpperCase()} is not supported yet`);
}

/** The letters a privilege list names for an object kind (0LP01 for one the kind does not have). */
function privilegeLetters(kind: AclObjectKind, privileges: A.GrantStatement["privileges"], position?: number): { letters: string; columns?: string[] }[] {
  return privileges.map((p) => {
    if (p.name === "all") return { letters: p.columns ? "arwx" : ALL_PRIVILEGES[kind], columns: p.columns };
    const l = PRIVILEGE_LETTER[p.name];
    const kindWord = kind === "relation" ? "table" : kind;
    if (!l || !ALL_PRIVILEGES[kind].includes(l) || (p.columns && !"arwx".includes(l))) {
      throw new SqlError(SqlState.InvalidGrantOperation, `invalid privilege type ${p.name.toUpperCase()} for ${p.columns ? "column" : kindWord}`, { position });
    }
    return { letters: l, columns: p.columns };
  });
}

function granteeName(cat: Catalog, session: Session, name: string, position?: number): string {
  if (name === "public") return PUBLIC;
  if (name === "current_user" || name === "current_role") return session.role;
  if (name === "session_user") return session.user;
  if (!cat.roles.has(name) && name !== "sage") throw new SqlError(SqlState.UndefinedObject, `role "${name}" does not exist`, { position });
  return name;
}

/** Runs GRANT or REVOKE. */
export function executeGrant(session: Session, st: A.GrantStatement): StatementResult {
  const cat = session.db.catalog;
  const tag = st.revoke ? "REVOKE" : "GRANT";
  if (!st.on) return grantRoles(session, st);
  // Postgres 15 accepts GRANTED BY only naming the current role
  if (st.grantedBy !== undefined && !["current_user", "current_role", session.role].includes(st.grantedBy)) {
    throw new SqlError(SqlState.FeatureNotSupported, "grantor must be current user", { position: st.pos });
  }
  const notices: string[] = [];
  const rights = new RoleRights(cat, session.role);
  // REVOKE GRANT OPTION FOR: the parser keeps it in the statement text only
  const grantOptionOnly = st.revoke && /^\s*revoke\s+grant\s+option\s+for\b/i.test(st.text ?? "");
  const grantees = st.grantees.map((g) => granteeName(cat, session, g, st.pos));
  for (const t of targets(cat, st.on, session.enforcesPrivileges ? rights : undefined)) {
    const privs = privilegeLetters(t.kind, st.privileges, st.pos);
    const all = privs.map((p) => p.letters).join("");
    // the grantor: the owner when we act as it, else the first inherited role holding grant options
    let grantor: string;
    let options: string;
    const acl = t.get();
    if (rights.isOwner(t.owner)) {
      grantor = t.owner;
      options = ALL_PRIVILEGES[t.kind];
    } else {
      const roles = rights.privilegeRoles();
      const holders = acl.filter((i) => roles.has(i.grantee) && i.grantee !== PUBLIC && i.grantable.length > 0);
      const best = holders.find((i) => [...all].every((l) => i.grantable.includes(l))) ?? holders[0];
      grantor = best?.grantee ?? session.role;
      options = best?.grantable ?? "";
      if (options === "") {
        const anyColumn = t.column && privs.some((p) => p.columns);
        if (!acl.some((i) => roles.has(i.grantee) && i.privs.length > 0) && !anyColumn) throw permissionDenied(t.what, st.pos);
      }
    }
    const granted = [...new Set(all)].filter((l) => options.includes(l));
    if (granted.length === 0) notices.push(`no privileges ${st.revoke ? "could be revoked" : "were granted"} for "${t.name}"`);
    else if (granted.length < new Set(all).size) notices.push(`not all privileges ${st.revoke ? "could be revoked" : "were granted"} for "${t.name}"`);
    for (const p of privs) {
      const letters = [...p.letters].filter((l) => options.includes(l)).join("");
      if (letters === "") continue;
      const slots = p.columns ? p.columns.map((c) => t.column!(c, st.pos)) : [t];
      for (const slot of slots) {
        let a = slot.get();
        for (const g of grantees) {
          if (st.revoke) a = revokeWithDependents(a, g, grantor, letters, grantOptionOnly, st.cascade === true, t.name);
          else aclGrant(a, g, grantor, letters, st.withGrantOption);
        }
        slot.set(a);
      }
      // REVOKE on a table also takes the privilege away from every column (as Postgres does)
      if (st.revoke && !p.columns && t.column && t.columnsWithAcl) {
        for (const c of t.columnsWithAcl()) {
          const slot = t.column(c);
          let a = slot.get();
          for (const g of grantees) a = aclRevoke(a, g, grantor, letters, grantOptionOnly);
          slot.set(a);
        }
      }
    }
  }
  cat.version++;
  return { command: tag, rowCount: 0, columns: [], rows: [], notices };
}

/** Removes the privileges and, when they were grantable, what the grantee granted on with them. */
function revokeWithDependents(acl: AclItem[], grantee: string, grantor: string, letters: string, grantOptionOnly: boolean, cascade: boolean, name: string): AclItem[] {
  const item = acl.find((i) => i.grantee === grantee && i.grantor === grantor);
  const lostOptions = item ? [...letters].filter((l) => item.grantable.includes(l)).join("") : "";
  let out = aclRevoke(acl, grantee, grantor, letters, grantOptionOnly);
  if (lostOptions !== "" && grantee !== grantor) {
    const dependents = out.filter((i) => i.grantor === grantee && [...lostOptions].some((l) => i.privs.includes(l)));
    if (dependents.length > 0 && !cascade) {
      throw new SqlError(SqlState.DependentObjectsStillExist, "dependent privileges exist", { hint: "Use CASCADE to revoke them too." });
    }
    for (const d of dependents) out = revokeWithDependents(out, d.grantee, grantee, lostOptions, false, true, name);
  }
  return out;
}

/** GRANT role TO member [WITH ADMIN OPTION] / REVOKE [ADMIN OPTION FOR] role FROM member. */
function grantRoles(session: Session, st: A.GrantStatement): StatementResult {
  const cat = session.db.catalog;
  const notices: string[] = [];
  const actor = session.role;
  for (const p of st.privileges) {
    const role = p.name;
    if (p.columns || (!cat.roles.has(role) && role !== "sage")) throw new SqlError(SqlState.UndefinedObject, `role "${role}" does not exist`, { position: st.pos });
    // who may grant it: superusers; CREATEROLE roles (not for superuser roles); holders of ADMIN OPTION
    const target = cat.roles.get(role);
    if (!isSuperuser(cat, actor)) {
      if (target?.superuser || role === "sage") throw new SqlError(SqlState.InsufficientPrivilege, "must be superuser to alter superusers", { position: st.pos });
      const admin = cat.roles.get(actor)?.createrole === true || cat.access.memberships.some((m) => m.role === role && m.admin && isMemberOf(cat, actor, m.member) && new RoleRights(cat, actor).privilegeRoles().has(m.member));
      if (!admin) throw new SqlError(SqlState.InsufficientPrivilege, `must have admin option on role "${role}"`, { position: st.pos });
    }
    for (const g of st.grantees) {
      const member = granteeName(cat, session, g, st.pos);
      if (member === PUBLIC) throw new SqlError(SqlState.UndefinedObject, `role "public" does not exist`, { position: st.pos });
      const existing = cat.access.memberships.find((m) => m.role === role && m.member === member);
      if (st.revoke) {
        if (!existing) notices.push(`role "${member}" is not a member of role "${role}"`);
        else if (/^\s*revoke\s+admin\s+option\s+for\b/i.test(st.text ?? "")) existing.admin = false;
        else cat.access.memberships = cat.access.memberships.filter((m) => m !== existing);
        continue;
      }
      if (existing) {
        if (st.withGrantOption && !existing.admin) existing.admin = true;
        else notices.push(`role "${member}" is already a member of role "${role}"`);
        continue;
      }
      if (member === role || isMemberOf(cat, role, member)) {
        throw new SqlError(SqlState.InvalidGrantOperation, `role "${role}" is a member of role "${member}"`, { position: st.pos });
      }
      cat.access.memberships.push({ role, member, grantor: actor, admin: st.withGrantOption });
    }
  }
  cat.version++;
  return { command: st.revoke ? "REVOKE ROLE" : "GRANT ROLE", rowCount: 0, columns: [], rows: [], notices };
}
