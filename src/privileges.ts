// Privilege checks as Postgres makes them: who a role acts as (membership with INHERIT), what an
// object's ACL gives it, ownership, and the 42501 errors with Postgres's wording. The session
// calls these for every statement kind (see access-checks.ts); the ACL data is in src/catalog/acl.ts.

import { BOOTSTRAP_SUPERUSER, PUBLIC, defaultAcl, relationKindName, type AclItem, type Catalog, type ModelEntry, type RelationEntry } from "./catalog/index.js";
import { SqlError, SqlState } from "./types/index.js";

export function ownerOf(x: { owner?: string }): string {
  return x.owner ?? BOOTSTRAP_SUPERUSER;
}

export function relationAcl(rel: RelationEntry): AclItem[] {
  return rel.acl ?? defaultAcl("relation", ownerOf(rel));
}

export function modelAcl(m: ModelEntry): AclItem[] {
  if (m.acl) return m.acl;
  const acl = defaultAcl("model", ownerOf(m));
  // the built-in model is everyone's, as Postgres's built-in functions are
  if (m.definition === undefined) acl.push({ grantee: PUBLIC, grantor: ownerOf(m), privs: "U", grantable: "" });
  return acl;
}

export function schemaAcl(cat: Catalog, schema: string): AclItem[] {
  const s = cat.access.schema(schema);
  return s.acl ?? defaultAcl("schema", s.owner);
}

export function secretAcl(cat: Catalog, name: string): AclItem[] {
  const s = cat.access.secrets.get(name);
  return s?.acl ?? defaultAcl("secret", s?.owner ?? BOOTSTRAP_SUPERUSER);
}

/** The ACL of the catalog's own database, or of the database `name` (databases are shared by the cluster). */
export function databaseAcl(cat: Catalog, name?: string): AclItem[] {
  const d = (name === undefined ? undefined : cat.databases.get(name)?.access) ?? cat.access.database;
  return d.acl ?? defaultAcl("database", d.owner);
}

/** What the message names an object of this kind ("table", "view", "materialized view", ...). */
export function objectKindWord(rel: RelationEntry): string {
  return relationKindName(rel.kind);
}

export function permissionDenied(what: string, position?: number): SqlError {
  return new SqlError(SqlState.InsufficientPrivilege, `permission denied for ${what}`, { position });
}

/** A role's view of the privilege system. */
export class RoleRights {
  constructor(
    readonly cat: Catalog,
    readonly role: string,
  ) {}

  /** Superusers bypass every check (see isSuperuser). */
  get superuser(): boolean {
    return isSuperuser(this.cat, this.role);
  }

  /** The roles whose privileges this role uses: itself and, through INHERIT, the roles it is a member of; and PUBLIC. */
  privilegeRoles(): Set<string> {
    return inheritedRoles(this.cat, this.role);
  }

  /** has_privs_of_role: acts with `target`'s rights (itself, or an inherited membership). */
  hasPrivsOf(target: string): boolean {
    return this.superuser || this.privilegeRoles().has(target);
  }

  has(acl: AclItem[], letter: string, grantOption = false): boolean {
    if (this.superuser) return true;
    const roles = this.privilegeRoles();
    return acl.some((i) => roles.has(i.grantee) && (grantOption ? i.grantable : i.privs).includes(letter));
  }

  /** Table-level privilege, or (columns given) every listed column's privilege; `[]`: any column's. */
  hasRelation(rel: RelationEntry, letter: string, columns?: readonly string[]): boolean {
    if (rel.kind === "system" || this.has(relationAcl(rel), letter)) return true;
    if (columns === undefined || !rel.columnAcl) return false;
    const colHas = (c: string) => this.has(rel.columnAcl![c] ?? [], letter);
    if (columns.length === 0) return rel.columns.some((c) => colHas(c.name));
    return columns.every(colHas);
  }

  checkRelation(rel: RelationEntry, letter: string, columns?: readonly string[], position?: number): void {
    if (!this.hasRelation(rel, letter, columns)) throw permissionDenied(`${objectKindWord(rel)} ${rel.name}`, position);
  }

  /** Whether a column-level grant of `letter` exists for this role on some column (the table-level check may still pass through them). */
  hasAnyColumnPrivilege(rel: RelationEntry, letter: string): boolean {
    return this.hasRelation(rel, letter, []);
  }

  isOwner(owner: string): boolean {
    return this.hasPrivsOf(owner);
  }

  checkOwner(rel: RelationEntry, position?: number): void {
    if (!this.isOwner(ownerOf(rel))) throw new SqlError(SqlState.InsufficientPrivilege, `must be owner of ${objectKindWord(rel)} ${rel.name}`, { position });
  }

  checkSchema(schema: string, letter: "U" | "C", position?: number): void {
    if (!this.has(schemaAcl(this.cat, schema), letter)) throw permissionDenied(`schema ${schema}`, position);
  }

  checkModel(m: ModelEntry, position?: number): void {
    if (!this.has(modelAcl(m), "U")) throw permissionDenied(`model ${m.name}`, position);
  }

  /** USAGE on a secret (a name the catalog has no entry for is left to the statement: 42704 there). */
  checkSecret(name: string, position?: number): void {
    const s = this.cat.access.secrets.get(name);
    if (s && !this.has(secretAcl(this.cat, name), "U")) throw permissionDenied(`secret ${name}`, position);
  }
}

/** Names that are not roles of the catalog but that a caller vouched for as superusers (the server's configured users). */
const vouchedSuperusers = new WeakMap<Catalog, Set<string>>();

/** Records that `name`, not a role of `cat`, is a superuser (see role-login.ts). */
export function vouchForSuperuser(cat: Catalog, name: string): void {
  let s = vouchedSuperusers.get(cat);
  if (!s) vouchedSuperusers.set(cat, (s = new Set()));
  s.add(name);
}

/** The bootstrap superuser, a role with SUPERUSER, or a vouched-for name; an unknown name (a dropped role) is not. */
export function isSuperuser(cat: Catalog, role: string): boolean {
  if (role === BOOTSTRAP_SUPERUSER) return true;
  const r = cat.roles.get(role);
  return r === undefined ? vouchedSuperusers.get(cat)?.has(role) === true : r.superuser;
}

/** `role`, the roles it inherits privileges from (transitively), and PUBLIC. */
export function inheritedRoles(cat: Catalog, role: string): Set<string> {
  const out = new Set<string>([PUBLIC, role]);
  const todo = [role];
  while (todo.length > 0) {
    const r = todo.pop()!;
    if (cat.roles.get(r)?.inherit === false) continue;
    for (const m of cat.access.memberships) {
      if (m.member === r && !out.has(m.role)) {
        out.add(m.role);
        todo.push(m.role);
      }
    }
  }
  return out;
}

/** is_member_of_role: `role` reaches `target` through memberships, inheriting or not (SET ROLE). */
export function isMemberOf(cat: Catalog, role: string, target: string): boolean {
  if (role === target) return true;
  const seen = new Set<string>([role]);
  const todo = [role];
  while (todo.length > 0) {
    const r = todo.pop()!;
    for (const m of cat.access.memberships) {
      if (m.member !== r || seen.has(m.role)) continue;
      if (m.role === target) return true;
      seen.add(m.role);
      todo.push(m.role);
    }
  }
  return false;
}
