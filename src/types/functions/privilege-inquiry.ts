// has_table_privilege, has_column_privilege, has_schema_privilege, has_database_privilege and
// pg_has_role, by name: the session answers them (through EvalContext.privileges) because only it
// knows the catalog's roles and ACLs. The one-role-fewer forms ask about current_user.

import { Types } from "../data-type.js";
import { SqlError, SqlState } from "../errors.js";
import { defineFunction, type EvalContext } from "./registry.js";

const INQUIRIES: Record<string, number> = {
  has_table_privilege: 2,
  has_column_privilege: 3,
  has_schema_privilege: 2,
  has_database_privilege: 2,
  pg_has_role: 2,
};

function ask(name: string, args: unknown[], ctx: EvalContext): unknown {
  if (!ctx.privileges) throw new SqlError(SqlState.FeatureNotSupported, `${name}() is not available here`);
  return ctx.privileges(name, args.map(String));
}

export function registerPrivilegeInquiry(): void {
  const T = Types.text;
  for (const [name, arity] of Object.entries(INQUIRIES)) {
    // with the role, and without it (current_user)
    defineFunction({ name, params: Array(arity + 1).fill(T), ret: Types.boolean, id: `${name}$role`, volatile: true, impl: (a, ctx) => ask(name, a, ctx) });
    defineFunction({ name, params: Array(arity).fill(T), ret: Types.boolean, id: name, volatile: true, impl: (a, ctx) => ask(name, [ctx.user ?? "sage", ...a], ctx) });
  }
}
