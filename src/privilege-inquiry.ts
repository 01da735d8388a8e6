// The answers to has_table_privilege(role, table, 'SELECT, INSERT [WITH GRANT OPTION]') and its
// family, as Postgres gives them: true when the role holds any of the listed privileges
// (superusers: all); unknown roles, objects and privilege names are errors.

import { BOOTSTRAP_SUPERUSER, PRIVILEGE_LETTER, type AclItem, type Catalog } from "./catalog/index.js";
import { RoleRights, databaseAcl, isMemberOf, schemaAcl } from "./privileges.js";
import { SqlError, SqlState } from "./types/index.js";

/** 'SELECT, UPDATE WITH GRANT OPTION' → [letter, grant option?] pairs, limited to the object's privileges. */
function privilegeList(text: string, allowed: Record<string, string>): [string, boolean][] {
  return text.split(",").map((p) => {
    const words = p.trim().toLowerCase().replace(/\s+/g, " ");
    const withOption = words.endsWith(" with grant option");
    const name = withOption ? words.slice(0, -" with grant option".length) : words;
    const letter = allowed[name];
    if (!letter) throw new SqlError(SqlState.InvalidParameterValue, `unrecognized privilege type: "${p.trim()}"`);
    return [letter, withOption];
  });
}

function pick(names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) out[n] = PRIVILEGE_LETTER[n];
  return out;
}

const TABLE = pick(["select", "insert", "update", "delete", "truncate", "references", "trigger"]);
const COLUMN = pick(["select", "insert", "update", "references"]);
const SCHEMA = pick(["usage", "create"]);
const DATABASE = pick(["connect", "create", "temporary", "temp"]);

function rolePart(cat: Catalog, name: string): RoleRights {
  if (name !== BOOTSTRAP_SUPERUSER && !cat.roles.has(name) && name !== "public") throw new SqlError(SqlState.UndefinedObject, `role "${name}" does not exist`);
  return new RoleRights(cat, name === "public" ? "" : name);
}

/** A relation name as a regclass input: `t`, `s.t`, `"T"`. */
function relationParts(text: string): string[] {
  return text.split(".").map((p) => (p.startsWith('"') && p.endsWith('"') ? p.slice(1, -1).replace(/""/g, '"') : p.toLowerCase()));
}

/** `caller`: current_user, who must be able to look the object's name up (USAGE on a named schema). */
export function privilegeInquiry(cat: Catalog, caller: string, fn: string, args: string[]): boolean {
  const rights = rolePart(cat, args[0]);
  const anyOf = (acl: AclItem[], list: [string, boolean][]) => list.some(([l, g]) => rights.has(acl, l, g));
  switch (fn) {
    case "has_table_privilege":
    case "has_column_privilege": {
      const parts = relationParts(args[1]);
      if (parts.length > 1 && cat.schemas.has(parts[parts.length - 2])) new RoleRights(cat, caller).checkSchema(parts[parts.length - 2], "U");
      const rel = cat.getRelation(parts);
      if (fn === "has_table_privilege") return privilegeList(args[2], TABLE).some(([l, g]) => (g ? rights.has(rel.acl ?? [], l, true) || rights.isOwner(rel.owner ?? BOOTSTRAP_SUPERUSER) : rights.hasRelation(rel, l)));
      const column = args[2];
      if (!rel.columns.some((c) => c.name === column)) throw new SqlError(SqlState.UndefinedColumn, `column "${column}" of relation "${rel.name}" does not exist`);
      return privilegeList(args[3], COLUMN).some(([l]) => rights.hasRelation(rel, l, [column]));
    }
    case "has_schema_privilege": {
      if (!cat.schemas.has(args[1])) throw new SqlError(SqlState.InvalidSchemaName, `schema "${args[1]}" does not exist`);
      return anyOf(schemaAcl(cat, args[1]), privilegeList(args[2], SCHEMA));
    }
    case "has_database_privilege": {
      if (!cat.databases.get(args[1])) throw new SqlError(SqlState.InvalidCatalogName, `database "${args[1]}" does not exist`);
      return anyOf(databaseAcl(cat, args[1]), privilegeList(args[2], DATABASE));
    }
    case "pg_has_role": {
      const target = args[1];
      if (target !== BOOTSTRAP_SUPERUSER && !cat.roles.has(target)) throw new SqlError(SqlState.UndefinedObject, `role "${target}" does not exist`);
      return args[2].split(",").some((p) => {
        const mode = p.trim().toLowerCase();
        if (mode === "member") return rights.superuser || isMemberOf(cat, rights.role, target);
        if (mode === "usage") return rights.hasPrivsOf(target);
        if (mode === "member with admin option" || mode === "usage with admin option" || mode === "member with grant option" || mode === "usage with grant option") {
          return rights.superuser || cat.access.memberships.some((m) => m.role === target && m.admin && isMemberOf(cat, rights.role, m.member));
        }
        throw new SqlError(SqlState.InvalidParameterValue, `unrecognized privilege type: "${p.trim()}"`);
      });
    }
    default:
      throw new SqlError(SqlState.UndefinedFunction, `function ${fn} does not exist`);
  }
}
