// System information functions: pg_typeof, version, current_database/schema/user, num_nulls.
// pg_typeof resolves to the parametric id `pg_typeof$<type name>` (e.g. "pg_typeof$integer",
// "pg_typeof$unknown" for a bare literal), so the executor needs no type information at runtime.

import { Types } from "../data-type.js";
import { plainName } from "./resolve.js";
import { defineFunction } from "./registry.js";

export const SERVER_VERSION = "PostgreSQL 15.0 (sage-sql 0.1.0)";

export function registerMisc(): void {
  const T = Types.text;
  defineFunction({
    name: "pg_typeof", params: ["any"], ret: T, id: "pg_typeof", strict: false,
    specialize: (p) => {
      const name = plainName(p[0]);
      return () => name;
    },
  });
  defineFunction({ name: "version", params: [], ret: T, id: "version", impl: () => SERVER_VERSION });
  for (const name of ["current_database", "current_catalog"]) defineFunction({ name, params: [], ret: T, id: name, volatile: true, impl: (_, ctx) => ctx.database ?? "sage" }); // volatile: the session decides
  defineFunction({ name: "current_schema", params: [], ret: T, id: "current_schema", impl: () => "public" });
  for (const name of ["current_user", "user", "current_role"]) defineFunction({ name, params: [], ret: T, id: name, volatile: true, impl: (_, ctx) => ctx.user ?? "sage" }); // volatile: not folded at bind time, the session decides
  defineFunction({ name: "session_user", params: [], ret: T, id: "session_user", volatile: true, impl: (_, ctx) => ctx.sessionUser ?? ctx.user ?? "sage" });
  defineFunction({ name: "pg_backend_pid", params: [], ret: Types.integer, id: "pg_backend_pid", impl: () => process.pid });
  defineFunction({
    name: "num_nulls", params: ["any"], variadic: true, ret: Types.integer, id: "num_nulls", strict: false,
    impl: (a) => a.filter((v) => v === null || v === undefined).length,
  });
  defineFunction({
    name: "num_nonnulls", params: ["any"], variadic: true, ret: Types.integer, id: "num_nonnulls", strict: false,
    impl: (a) => a.filter((v) => v !== null && v !== undefined).length,
  });
}
