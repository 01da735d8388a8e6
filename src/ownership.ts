// Who owns what: a new object belongs to the role that created it (and gets the default
// privileges ALTER DEFAULT PRIVILEGES set for that role), ALTER ... OWNER TO hands it over, and a
// role that owns objects or holds privileges cannot be dropped (2BP01, as in Postgres).

import type * as A from "./parser/index.js";
import { BOOTSTRAP_SUPERUSER, defaultAcl, type AclItem, type Catalog, type RelationEntry } from "./catalog/index.js";
import { RoleRights, isMemberOf, isSuperuser, objectKindWord, ownerOf, permissionDenied } from "./privileges.js";
import type { Session } from "./session.js";
import { SqlError, SqlState, type StatementResult } from "./types/index.js";

/** The role new objects of this session belong to (undefined: the bootstrap superuser, as before roles existed). */
export function creatingRole(session: Session): string | undefined {
  const role = session.role;
  return session.db.catalog.roles.has(role) ? role : undefined;
}

/** Gives relations created since `before` (ids) to the session's role, with its default privileges. */
export function recordOwnership(session: Session, before: ReadonlySet<string>): void {
  const cat = session.db.catalog;
  const owner = creatingRole(session);
  for (const rel of cat.listRelations()) {
    if (before.has(rel.id) || rel.kind === "system") continue;
    if (owner !== undefined) rel.owner = owner;
    applyDefaultPrivileges(cat, rel);
  }
}

/** ALTER DEFAULT PRIVILEGES for the new relation's owner (global, then its schema) make its first ACL. */
function applyDefaultPrivileges(cat: Catalog, rel: RelationEntry): void {
  const owner = ownerOf(rel);
  const global = cat.access.defaults.find((d) => d.owner === owner && d.schema === null);
  const inSchema = cat.access.defaults.filter((d) => d.owner === owner && d.schema === rel.schema);
  if (!global && inSchema.length === 0) return;
  const acl: AclItem[] = (global ? global.acl : defaultAcl("relation", owner)).map((i) => ({ ...i }));
  for (const d of inSchema) {
    for (const i of d.acl) {
      const same = acl.find((x) => x.grantee === i.grantee && x.grantor === i.grantor);
      if (same) {
        for (const l of i.privs) if (!same.privs.includes(l)) same.privs += l;
        for (const l of i.grantable) if (!same.grantable.includes(l)) same.grantable += l;
      } else acl.push({ ...i });
    }
  }
  rel.acl = acl;
}

const RELATION_OWNER_KINDS = new Set(["table", "view", "materialized view", "stream", "sink", "source", "sequence"]);

/** aclnewowner: the old owner's entries (as grantee or grantor) become the new owner's. */
function newOwnerAcl(acl: AclItem[] | undefined | null, from: string, to: string): AclItem[] | undefined {
  if (!acl) return undefined;
  const out: AclItem[] = [];
  for (const i of acl) {
    const item = { ...i, grantee: i.grantee === from ? to : i.grantee, grantor: i.grantor === from ? to : i.grantor };
    const same = out.find((x) => x.grantee === item.grantee && x.grantor === item.grantor);
    if (same) {
      for (const l of item.privs) if (!same.privs.includes(l)) same.privs += l;
      for (const l of item.grantable) if (!same.grantable.includes(l)) same.grantable += l;
    } else out.push(item);
  }
  return out;
}

/** ALTER TABLE / VIEW / MATERIALIZED VIEW / STREAM / SINK / MODEL / SCHEMA / DATABASE name OWNER TO role. */
export function alterOwner(session: Session, st: A.AlterStatement & { action: { kind: "owner_to" } }): StatementResult {
  const cat = session.db.catalog;
  const tag = `ALTER ${st.objectKind.toUpperCase()}`;
  let to = st.action.owner;
  if (to === "current_user" || to === "current_role") to = session.role;
  else if (to === "session_user") to = session.user;
  if (!cat.roles.has(to) && to !== BOOTSTRAP_SUPERUSER) throw new SqlError(SqlState.UndefinedObject, `role "${to}" does not exist`, { position: st.pos });
  const rights = new RoleRights(cat, session.role);
  const name = st.name.parts[st.name.parts.length - 1];
  // Postgres's checks for a non-superuser: owns the object, may become the new owner, and the new owner may create in the schema
  const check = (owner: string, what: string, schema: string | undefined) => {
    if (rights.superuser) return;
    if (!rights.isOwner(owner)) throw new SqlError(SqlState.InsufficientPrivilege, `must be owner of ${what}`, { position: st.pos });
    if (owner === to) return;
    if (!isMemberOf(cat, session.role, to)) throw new SqlError(SqlState.InsufficientPrivilege, `must be member of role "${to}"`, { position: st.pos });
    if (schema !== undefined && !new RoleRights(cat, to).has(schemaAclFor(cat, schema), "C")) throw permissionDenied(`schema ${schema}`, st.pos);
  };
  if (RELATION_OWNER_KINDS.has(st.objectKind)) {
    const rel = cat.findRelation(st.name.parts);
    if (!rel) {
      if (st.ifExists) return { command: tag, rowCount: 0, columns: [], rows: [], notices: [`relation "${st.name.parts.join(".")}" does not exist, skipping`] };
      throw new SqlError(SqlState.UndefinedTable, `relation "${st.name.parts.join(".")}" does not exist`, { position: st.name.pos });
    }
    if (rel.kind === "system") throw new SqlError(SqlState.InsufficientPrivilege, `permission denied: "${rel.name}" is a system catalog`, { position: st.pos });
    check(ownerOf(rel), `${objectKindWord(rel)} ${rel.name}`, rel.schema);
    const from = ownerOf(rel);
    rel.acl = newOwnerAcl(rel.acl, from, to);
    if (rel.columnAcl) for (const c of Object.keys(rel.columnAcl)) rel.columnAcl[c] = newOwnerAcl(rel.columnAcl[c], from, to)!;
    rel.owner = to;
  } else if (st.objectKind === "model") {
    const m = cat.models.get(name);
    if (!m) throw new SqlError(SqlState.UndefinedObject, `model "${name}" does not exist`, { position: st.pos });
    check(ownerOf(m), `model ${name}`, undefined);
    m.acl = newOwnerAcl(m.acl, ownerOf(m), to);
    m.owner = to;
  } else if (st.objectKind === "schema") {
    if (!cat.schemas.has(name)) throw new SqlError(SqlState.InvalidSchemaName, `schema "${name}" does not exist`, { position: st.pos });
    const s = cat.access.schema(name);
    check(s.owner, `schema ${name}`, undefined);
    s.acl = newOwnerAcl(s.acl, s.owner, to) ?? null;
    s.owner = to;
  } else {
    throw new SqlError(SqlState.FeatureNotSupported, `${tag} ... OWNER TO is not supported yet`, { position: st.pos });
  }
  cat.version++;
  return { command: tag, rowCount: 0, columns: [], rows: [], notices: [] };
}

function schemaAclFor(cat: Catalog, schema: string): AclItem[] {
  const s = cat.access.schema(schema);
  return s.acl ?? defaultAcl("schema", s.owner);
}

/** What keeps `role` from being dropped: the objects it owns, the privileges granted to or by it (Postgres's DETAIL lines). */
export function roleDependencies(cat: Catalog, role: string): string[] {
  const owns: string[] = [];
  const privs: string[] = [];
  const mentions = (acl: AclItem[] | null | undefined) => acl?.some((i) => i.grantee === role || i.grantor === role) === true;
  for (const rel of cat.listRelations()) {
    if (rel.kind === "system") continue;
    const what = `${objectKindWord(rel)} ${rel.name}`;
    if (ownerOf(rel) === role) owns.push(`owner of ${what}`);
    else if (mentions(rel.acl)) privs.push(`privileges for ${what}`);
    if (ownerOf(rel) !== role) for (const [c, acl] of Object.entries(rel.columnAcl ?? {})) if (mentions(acl)) privs.push(`privileges for column ${c} of ${what}`);
  }
  for (const m of cat.models.values()) {
    if (ownerOf(m) === role) owns.push(`owner of model ${m.name}`);
    else if (mentions(m.acl)) privs.push(`privileges for model ${m.name}`);
  }
  for (const schema of cat.schemas) {
    const s = cat.access.schema(schema);
    if (s.owner === role) owns.push(`owner of schema ${schema}`);
    else if (mentions(s.acl)) privs.push(`privileges for schema ${schema}`);
  }
  for (const [name, s] of cat.access.secrets) {
    if (s.owner === role) owns.push(`owner of secret ${name}`);
    else if (mentions(s.acl)) privs.push(`privileges for secret ${name}`);
  }
  // this catalog's own database (each database's catalog answers for its own)
  const own = cat.access.database;
  const dbName = cat.databases.list().find((e) => e.access === own)?.name ?? "sage";
  if (own.owner === role) owns.push(`owner of database ${dbName}`);
  else if (mentions(own.acl)) privs.push(`privileges for database ${dbName}`);
  for (const d of cat.access.defaults) if (d.owner === role || mentions(d.acl)) privs.push(`owner of default privileges on new relations belonging to role ${d.owner}${d.schema ? ` in schema ${d.schema}` : ""}`);
  return [...owns, ...privs];
}

/** DROP ROLE: refused while objects depend on it; its memberships go with it. */
export function checkRoleDroppable(cat: Catalog, role: string, position?: number): void {
  const deps = roleDependencies(cat, role);
  if (deps.length > 0) {
    throw new SqlError(SqlState.DependentObjectsStillExist, `role "${role}" cannot be dropped because some objects depend on it`, { position, detail: deps.join("\n") });
  }
}

export function forgetRole(cat: Catalog, role: string): void {
  cat.access.memberships = cat.access.memberships.filter((m) => m.role !== role && m.member !== role);
}

/** ALTER ROLE ... RENAME TO: owners, ACL entries and memberships follow the new name. */
export function renameRoleReferences(cat: Catalog, from: string, to: string, shared = true): void {
  const fix = (acl: AclItem[] | null | undefined) => {
    for (const i of acl ?? []) {
      if (i.grantee === from) i.grantee = to;
      if (i.grantor === from) i.grantor = to;
    }
  };
  for (const rel of cat.listRelations()) {
    if (rel.owner === from) rel.owner = to;
    fix(rel.acl);
    for (const acl of Object.values(rel.columnAcl ?? {})) fix(acl);
  }
  for (const m of cat.models.values()) {
    if (m.owner === from) m.owner = to;
    fix(m.acl);
  }
  for (const s of [...cat.access.schemas.values(), ...cat.access.secrets.values()]) {
    if (s.owner === from) s.owner = to;
    fix(s.acl);
  }
  for (const d of cat.access.defaults) {
    if (d.owner === from) d.owner = to;
    fix(d.acl);
  }
  // `shared` false: only this database's own objects (another database replaying a rename in its log)
  if (!shared) return;
  // the cluster's databases (shared by every database's catalog: renaming twice finds nothing the second time)
  for (const d of cat.databases.list()) {
    if (d.access.owner === from) d.access.owner = to;
    fix(d.access.acl);
  }
  for (const m of cat.access.memberships) {
    if (m.role === from) m.role = to;
    if (m.member === from) m.member = to;
    if (m.grantor === from) m.grantor = to;
  }
}

/** SET ROLE r: the session user must be a member of r (superusers may take any role); NONE goes back. */
export function setRole(session: Session, value: string | undefined): string | undefined {
  const cat = session.db.catalog;
  if (value === undefined || value.toLowerCase() === "none") return undefined;
  if (!cat.roles.has(value) && value !== BOOTSTRAP_SUPERUSER) throw new SqlError(SqlState.InvalidParameterValue, `role "${value}" does not exist`);
  if (!isSuperuser(cat, session.user) && !isMemberOf(cat, session.user, value)) {
    throw new SqlError(SqlState.InsufficientPrivilege, `permission denied to set role "${value}"`);
  }
  return value;
}
