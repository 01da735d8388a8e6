// Privileges as Postgres keeps them: an ACL is a list of aclitems (grantee, grantor, privilege
// letters, which of them carry the grant option). An object without an ACL has its kind's default
// (the owner has everything; a database also gives CONNECT and TEMP to PUBLIC). Role membership
// and ALTER DEFAULT PRIVILEGES live here too; the checks that use all this are in src/privileges.ts.

/** The grantee of a PUBLIC grant (Postgres prints it as an empty name). */
export const PUBLIC = "";

/** The role that owns objects created before roles existed, and the database itself. */
export const BOOTSTRAP_SUPERUSER = "sage";

export interface AclItem {
  grantee: string;
  grantor: string;
  /** privilege letters, as in aclitem: r SELECT, a INSERT, w UPDATE, d DELETE, D TRUNCATE, x REFERENCES, t TRIGGER, U USAGE, C CREATE, c CONNECT, T TEMP */
  privs: string;
  /** the letters of `privs` granted WITH GRANT OPTION */
  grantable: string;
}

export type AclObjectKind = "relation" | "schema" | "database" | "model" | "secret";

/** Every privilege an object of the kind can carry, in aclitem order. */
export const ALL_PRIVILEGES: Record<AclObjectKind, string> = { relation: "arwdDxt", schema: "UC", database: "CTc", model: "U", secret: "U" };

export const PRIVILEGE_LETTER: Record<string, string> = {
  select: "r", insert: "a", update: "w", delete: "d", truncate: "D", references: "x", trigger: "t",
  usage: "U", create: "C", connect: "c", temporary: "T", temp: "T",
};

export const PRIVILEGE_NAME: Record<string, string> = {
  r: "SELECT", a: "INSERT", w: "UPDATE", d: "DELETE", D: "TRUNCATE", x: "REFERENCES", t: "TRIGGER", U: "USAGE", C: "CREATE", c: "CONNECT", T: "TEMPORARY",
};

/** The ACL an object has before any GRANT or REVOKE (Postgres's acldefault). */
export function defaultAcl(kind: AclObjectKind, owner: string): AclItem[] {
  const all = ALL_PRIVILEGES[kind];
  const items: AclItem[] = [{ grantee: owner, grantor: owner, privs: all, grantable: "" }];
  if (kind === "database") items.push({ grantee: PUBLIC, grantor: owner, privs: "Tc", grantable: "" });
  return items;
}

/** aclitem's text form: `grantee=privs/grantor`, a `*` after each grantable letter. */
export function formatAclItem(item: AclItem, kind: AclObjectKind): string {
  const order = ALL_PRIVILEGES[kind];
  let letters = "";
  for (const l of order) if (item.privs.includes(l)) letters += l + (item.grantable.includes(l) ? "*" : "");
  const q = (n: string) => (/^[a-z_][a-z0-9_]*$/.test(n) ? n : `"${n.replace(/"/g, '""')}"`);
  return `${item.grantee === PUBLIC ? "" : q(item.grantee)}=${letters}/${q(item.grantor)}`;
}

/** A schema's owner and ACL (null: the default). */
export interface SchemaAcl {
  owner: string;
  acl: AclItem[] | null;
}

/** GRANT role TO member: `member` gets `role`'s privileges (when it inherits), may SET ROLE to it. */
export interface Membership {
  role: string;
  member: string;
  grantor: string;
  admin: boolean;
}

/** ALTER DEFAULT PRIVILEGES [FOR ROLE owner] [IN SCHEMA schema] GRANT ... ON TABLES. */
export interface DefaultPrivilege {
  owner: string;
  /** null: every schema */
  schema: string | null;
  acl: AclItem[];
}

/** The catalog's privilege state that is not attached to a relation or a model. */
export class AccessControl {
  readonly schemas = new Map<string, SchemaAcl>();
  database: SchemaAcl = { owner: BOOTSTRAP_SUPERUSER, acl: null };
  memberships: Membership[] = [];
  defaults: DefaultPrivilege[] = [];
  /** each secret's owner and ACL, by name (its value lives sealed in src/secrets.ts); USAGE lets a model or connector use it */
  readonly secrets = new Map<string, SchemaAcl>();

  /** A schema's entry; built-in schemas belong to the bootstrap superuser (`public`: USAGE for PUBLIC, as in PG15). */
  schema(name: string): SchemaAcl {
    let s = this.schemas.get(name);
    if (!s) {
      s = { owner: BOOTSTRAP_SUPERUSER, acl: null };
      if (name === "public") s.acl = [...defaultAcl("schema", BOOTSTRAP_SUPERUSER), { grantee: PUBLIC, grantor: BOOTSTRAP_SUPERUSER, privs: "U", grantable: "" }];
      else if (name === "pg_catalog" || name === "information_schema" || name === "sage_catalog") s.acl = [...defaultAcl("schema", BOOTSTRAP_SUPERUSER), { grantee: PUBLIC, grantor: BOOTSTRAP_SUPERUSER, privs: "U", grantable: "" }];
      this.schemas.set(name, s);
    }
    return s;
  }
}

/** Adds `privs` (with grant option: also to `grantable`) for grantee/grantor to `acl`. */
export function aclGrant(acl: AclItem[], grantee: string, grantor: string, privs: string, withGrantOption: boolean): void {
  let item = acl.find((i) => i.grantee === grantee && i.grantor === grantor);
  if (!item) {
    item = { grantee, grantor, privs: "", grantable: "" };
    acl.push(item);
  }
  for (const l of privs) {
    if (!item.privs.includes(l)) item.privs += l;
    if (withGrantOption && !item.grantable.includes(l)) item.grantable += l;
  }
}

/** Removes `privs` (or only their grant option) granted by grantor to grantee; drops emptied items. */
export function aclRevoke(acl: AclItem[], grantee: string, grantor: string, privs: string, grantOptionOnly: boolean): AclItem[] {
  for (const item of acl) {
    if (item.grantee !== grantee || item.grantor !== grantor) continue;
    for (const l of privs) {
      item.grantable = item.grantable.replace(l, "");
      if (!grantOptionOnly) item.privs = item.privs.replace(l, "");
    }
  }
  return acl.filter((i) => i.privs.length > 0);
}
