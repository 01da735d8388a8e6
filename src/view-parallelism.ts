// The parallelism of a materialized view: the partitions each of its fragments runs as in a
// cluster. WITH (parallelism = n) on CREATE MATERIALIZED VIEW, else SET streaming_parallelism.

import type * as A from "./parser/index.js";
import { checkParallelism } from "./planner/index.js";
import type { Session } from "./session.js";
import { SqlError, SqlState } from "./types/index.js";

/** WITH (parallelism = n) of a CREATE MATERIALIZED VIEW (22023 unless 1..256), else the session's streaming_parallelism. */
export function viewParallelism(session: Session, options: A.WithOptions): number {
  const given = options.find((o) => o.key.toLowerCase() === "parallelism");
  if (given === undefined) return Number(session.settings.get("streaming_parallelism"));
  const v = given.value;
  if (v.kind === "secret" || v.kind === "boolean") throw new SqlError(SqlState.InvalidParameterValue, `invalid value for parallelism: "${v.kind === "boolean" ? String(v.value) : "SECRET"}"`, { position: given.pos, hint: "Give a whole number from 1 to 256." });
  return checkParallelism(v.value, "parallelism", given.pos);
}
