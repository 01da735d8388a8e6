// AI budgets per role: ai.max_calls_per_minute and ai.max_tokens_per_day (ALTER ROLE r SET ...,
// or SET in a session, which may lower its role's limit but never raise it: the smaller non-zero
// value wins). They are charged to the session's login role (SET ROLE does not change whose
// budget pays). A call is one input a remote model must compute (cache hits and NULLs are free;
// so is the built-in embedded model, which runs in-process). Tokens are what the model reports
// (the usage figures model_usage adds up); a request that starts under the daily limit may end
// past it, and the next one is refused. Over budget, the rows fail with 53400 by the model's error
// policy: NULL and a row in sage_catalog.model_errors, or a statement error with on_error = 'fail'.
// Each role's tokens of the day are kept in the data directory (ai/role-usage.json, rewritten
// after each request that reported tokens), so a restart does not reset the daily budget; the
// calls of the last minute are kept in memory only. An in-memory database keeps both in memory.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CallBudget } from "./ai/index.js";
import type { Database } from "./database.js";
import type { SessionSettings } from "./settings.js";

const OVER_BUDGET = "53400"; // configuration_limit_exceeded

interface RoleUsage {
  /** the UTC day (YYYY-MM-DD) `tokens` counts */
  day: string;
  tokens: number;
  /** the times (ms) of the calls made in the last minute, oldest first */
  calls: number[];
}

const usageByDb = new WeakMap<Database, Map<string, RoleUsage>>();

/** Where `db` keeps the roles' daily tokens (null: in memory only). */
function usageFile(db: Database): string | null {
  return db.options.memory || !db.options.dataDir ? null : join(db.options.dataDir, "ai", "role-usage.json");
}

/** The roles' daily tokens as the data directory has them (a damaged file counts from zero). */
function loadUsage(db: Database): Map<string, RoleUsage> {
  const out = new Map<string, RoleUsage>();
  const file = usageFile(db);
  if (file === null || !existsSync(file)) return out;
  try {
    const saved = JSON.parse(readFileSync(file, "utf8")) as Record<string, { day: string; tokens: number }>;
    for (const [role, u] of Object.entries(saved)) if (typeof u?.day === "string" && Number.isFinite(u.tokens)) out.set(role, { day: u.day, tokens: u.tokens, calls: [] });
  } catch {
    // unreadable: the budget starts over rather than keeping the database from working
  }
  return out;
}

function saveUsage(db: Database, byRole: Map<string, RoleUsage>): void {
  const file = usageFile(db);
  if (file === null) return;
  const out: Record<string, { day: string; tokens: number }> = {};
  for (const [role, u] of byRole) if (u.tokens > 0) out[role] = { day: u.day, tokens: u.tokens };
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(out));
    renameSync(`${file}.tmp`, file); // whole or not at all
  } catch {
    // a full disk: the count stays right in memory
  }
}

/** `role`'s usage on `db` (counters roll over at UTC midnight). */
export function roleAiUsage(db: Database, role: string, now = Date.now()): RoleUsage {
  let byRole = usageByDb.get(db);
  if (!byRole) usageByDb.set(db, (byRole = loadUsage(db)));
  const day = new Date(now).toISOString().slice(0, 10);
  let u = byRole.get(role);
  if (!u || u.day !== day) byRole.set(role, (u = { day, tokens: 0, calls: u?.calls ?? [] }));
  while (u.calls.length > 0 && u.calls[0] <= now - 60_000) u.calls.shift();
  return u;
}

/** The smaller of two limits where 0 means none. */
function tighter(a: number, b: number): number {
  if (a <= 0) return b;
  if (b <= 0) return a;
  return Math.min(a, b);
}

function limit(db: Database, role: string, settings: SessionSettings, name: string): number {
  const own = Number(db.catalog.roles.get(role)?.settings?.[name] ?? 0);
  return tighter(Number(settings.get(name)), own);
}

/**
 * The budget a session's model calls are charged to (its usage is counted even without limits).
 * Limits are read at each call, so an ALTER ROLE applies to running views and open sessions.
 */
export function sessionAiBudget(db: Database, role: string, settings: SessionSettings): CallBudget {
  const limits = () => ({ calls: limit(db, role, settings, "ai.max_calls_per_minute"), tokens: limit(db, role, settings, "ai.max_tokens_per_day") });
  return {
    take(n: number) {
      const { calls, tokens } = limits();
      const now = Date.now();
      const u = roleAiUsage(db, role, now);
      if (tokens > 0 && u.tokens >= tokens) {
        return { granted: 0, refusal: { code: OVER_BUDGET, message: `role "${role}" is over its AI budget: used ${u.tokens} of ai.max_tokens_per_day = ${tokens} tokens today (UTC)` } };
      }
      const granted = calls > 0 ? Math.max(0, Math.min(n, calls - u.calls.length)) : n;
      for (let i = 0; i < granted; i++) u.calls.push(now);
      if (granted === n) return { granted };
      return { granted, refusal: { code: OVER_BUDGET, message: `role "${role}" is over its AI budget: ai.max_calls_per_minute = ${calls}` } };
    },
    used(n: number) {
      if (n <= 0) return;
      roleAiUsage(db, role).tokens += n;
      saveUsage(db, usageByDb.get(db)!);
    },
  };
}
