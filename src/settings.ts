// Session settings (SET / SHOW / RESET): the ones Postgres clients read or send, with their
// defaults, plus sage-sql's own.

import { SqlError, SqlState } from "./types/index.js";

interface SettingDef {
  default: string;
  description: string;
  /** normalises and validates a new value; throws SqlError 22023 when invalid */
  check?: (value: string) => string;
}

function oneOf(name: string, allowed: string[]) {
  return (v: string) => {
    const lower = v.toLowerCase();
    if (!allowed.includes(lower)) {
      throw new SqlError(SqlState.InvalidParameterValue, `invalid value for parameter "${name}": "${v}"`, { hint: `Available values: ${allowed.join(", ")}.` });
    }
    return lower;
  };
}

function boolSetting(name: string) {
  return (v: string) => {
    const l = v.toLowerCase();
    if (["on", "true", "yes", "1", "t"].includes(l)) return "on";
    if (["off", "false", "no", "0", "f"].includes(l)) return "off";
    throw new SqlError(SqlState.InvalidParameterValue, `parameter "${name}" requires a Boolean value`);
  };
}

function timeZone(v: string): string {
  const upper = v.toUpperCase();
  if (upper === "UTC" || upper === "GMT" || upper === "Z") return "UTC";
  if (/^[+-]?\d{1,2}(:\d{2})?$/.test(v)) return v;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: v });
    return v;
  } catch {
    throw new SqlError(SqlState.InvalidParameterValue, `invalid value for parameter "TimeZone": "${v}"`);
  }
}

function nonNegativeInt(name: string) {
  return (v: string) => {
    const m = /^\s*(\d+)\s*(ms|s|min)?\s*$/.exec(v);
    if (!m) throw new SqlError(SqlState.InvalidParameterValue, `invalid value for parameter "${name}": "${v}"`);
    const n = Number(m[1]) * (m[2] === "s" ? 1000 : m[2] === "min" ? 60000 : 1);
    return String(n);
  };
}

const MEMORY_UNITS: Record<string, number> = { "": 1024, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };

/** The bytes of a memory setting as Postgres writes them ('256MB', '1GB', '64kB'; a bare number is kB); undefined when malformed. */
export function memoryBytes(v: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v);
  const unit = m ? MEMORY_UNITS[m[2].toLowerCase()] : undefined;
  return m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : undefined;
}

/** A memory size setting, shown as Postgres shows one: in the largest unit that divides it ('256MB'). */
function memorySize(name: string) {
  return (v: string) => {
    const bytes = memoryBytes(v);
    if (bytes === undefined) {
      throw new SqlError(SqlState.InvalidParameterValue, `invalid value for parameter "${name}": "${v}"`, { hint: 'Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".' });
    }
    for (const [unit, size] of [["TB", 1024 ** 4], ["GB", 1024 ** 3], ["MB", 1024 ** 2], ["kB", 1024]] as const) {
      if (bytes > 0 && bytes % size === 0) return `${bytes / size}${unit}`;
    }
    return bytes === 0 ? "0" : `${bytes}B`;
  };
}

function nonNegativeCount(name: string) {
  return (v: string) => {
    if (!/^\s*\d+\s*$/.test(v)) throw new SqlError(SqlState.InvalidParameterValue, `invalid value for parameter "${name}": "${v}"`, { hint: "Give a whole number (0 = no limit)." });
    return String(Number(v));
  };
}

export const SETTINGS: Record<string, SettingDef> = {
  server_version: { default: "15.0", description: "Shows the server version (Postgres-compatible)." },
  server_version_num: { default: "150000", description: "Shows the server version as an integer." },
  server_encoding: { default: "UTF8", description: "Shows the server (database) character set encoding." },
  client_encoding: { default: "UTF8", description: "Sets the client's character set encoding.", check: oneOf("client_encoding", ["utf8", "unicode", "sql_ascii"]) },
  datestyle: { default: "ISO, MDY", description: "Sets the display format for date and time values." },
  intervalstyle: { default: "postgres", description: "Sets the display format for interval values.", check: oneOf("IntervalStyle", ["postgres"]) },
  timezone: { default: "UTC", description: "Sets the time zone for displaying and interpreting time stamps.", check: timeZone },
  integer_datetimes: { default: "on", description: "Shows whether datetimes are integer based." },
  standard_conforming_strings: { default: "on", description: "Causes '...' strings to treat backslashes literally." },
  application_name: { default: "", description: "Sets the application name to be reported in statistics and logs." },
  search_path: { default: '"$user", public', description: "Sets the schema search order for names that are not schema-qualified." },
  extra_float_digits: { default: "1", description: "Sets the number of digits displayed for floating-point values." },
  statement_timeout: { default: "0", description: "Sets the maximum allowed duration of any statement (ms; 0 = none).", check: nonNegativeInt("statement_timeout") },
  idle_in_transaction_session_timeout: { default: "0", description: "Sets the maximum allowed idle time between queries, when in a transaction (ms; 0 = none).", check: nonNegativeInt("idle_in_transaction_session_timeout") },
  idle_session_timeout: { default: "0", description: "Sets the maximum allowed idle time between queries, when not in a transaction (ms; 0 = none).", check: nonNegativeInt("idle_session_timeout") },
  transaction_isolation: { default: "serializable", description: "Shows the current transaction's isolation level." },
  default_transaction_isolation: { default: "serializable", description: "Sets the transaction isolation level of each new transaction." },
  is_superuser: { default: "on", description: "Shows whether the current user is a superuser." },
  max_identifier_length: { default: "63", description: "Shows the maximum identifier length." },
  lc_collate: { default: "C", description: "Shows the collation order locale." },
  lc_ctype: { default: "C", description: "Shows the character classification and case conversion locale." },
  visibility: { default: "strong", description: "sage-sql: 'strong' gives read-your-writes; 'eventual' reads without waiting.", check: oneOf("visibility", ["strong", "eventual"]) },
  checkpoint_interval: { default: "1000", description: "sage-sql: milliseconds between checkpoints of streaming state.", check: nonNegativeInt("checkpoint_interval") },
  "hnsw.ef_search": { default: "0", description: "sage-sql: candidate list of HNSW index searches (pgvector's hnsw.ef_search); 0 = each index's self-tuned value.", check: efSearch },
  group_commit: { default: "on", description: "sage-sql: concurrent statements share log fsyncs (on) or each fsyncs alone (off); database-wide.", check: boolSetting("group_commit") },
  max_query_memory: { default: "0", description: "sage-sql: the most state a query may hold (hash tables, sorts, results), e.g. '256MB'; 0 = the server's system.max_memory, else none.", check: memorySize("max_query_memory") },
  "ai.max_tokens_per_day": { default: "0", description: "sage-sql: model tokens this role may use per UTC day (0 = no limit); a session may lower, never raise, its role's limit.", check: nonNegativeCount("ai.max_tokens_per_day") },
  "ai.max_calls_per_minute": { default: "0", description: "sage-sql: model calls this role may make per minute (0 = no limit); a session may lower, never raise, its role's limit.", check: nonNegativeCount("ai.max_calls_per_minute") },
  streaming_parallelism: { default: "1", description: "sage-sql: partitions each fragment of a new materialized view runs as, unless it says WITH (parallelism = n); 1 .. 256.", check: streamingParallelism },
  enable_hashjoin: { default: "on", description: "Enables the planner's use of hash join plans.", check: boolSetting("enable_hashjoin") },
};

function streamingParallelism(value: string): string {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new SqlError(SqlState.InvalidParameterValue, `invalid value for parameter "streaming_parallelism": "${value}"`, { hint: "Give a whole number from 1 to 256." });
  }
  return String(n);
}

function efSearch(value: string): string {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n > 10000) {
    throw new SqlError(SqlState.InvalidParameterValue, `invalid value for parameter "hnsw.ef_search": "${value}"`, { hint: "Give 1 .. 10000, or 0 for each index's self-tuned value." });
  }
  return String(n);
}

/** Postgres spells some names in mixed case; SHOW prints the canonical spelling. */
const DISPLAY_NAMES: Record<string, string> = { datestyle: "DateStyle", intervalstyle: "IntervalStyle", timezone: "TimeZone" };

export function displayName(name: string): string {
  return DISPLAY_NAMES[name] ?? name;
}

export class SessionSettings {
  private values = new Map<string, string>();
  /** the server's own defaults (e.g. config runtime.default_parallelism), in place of SETTINGS' */
  private readonly defaults = new Map<string, string>();

  /** bumped by every change (a session's kept plans depend on the settings binding read) */
  version = 0;

  /** a server-wide default for a setting (validated as SET would); RESET returns to it */
  setDefault(name: string, value: string): void {
    this.version++;
    const n = SessionSettings.normalizeName(name);
    const def = SETTINGS[n];
    this.defaults.set(n, def?.check ? def.check(value) : value);
  }

  static normalizeName(name: string): string {
    const n = name.toLowerCase();
    if (n === "time zone" || n === "time_zone") return "timezone";
    if (n === "transaction isolation level") return "transaction_isolation";
    return n;
  }

  get(name: string): string {
    const v = this.find(name);
    // custom dotted settings (ai.on_error, hnsw.ef_search) exist once set
    if (v === undefined) throw new SqlError(SqlState.UndefinedObject, `unrecognized configuration parameter "${name}"`);
    return v;
  }

  /** The setting's value, or undefined for a name that is neither known nor set (no error: read on every statement). */
  find(name: string): string | undefined {
    const n = SessionSettings.normalizeName(name);
    const v = this.values.get(n);
    if (v !== undefined) return v;
    const serverDefault = this.defaults.get(n);
    if (serverDefault !== undefined) return serverDefault;
    return SETTINGS[n]?.default;
  }

  set(name: string, value: string | null): void {
    this.version++;
    const n = SessionSettings.normalizeName(name);
    const def = SETTINGS[n];
    if (!def && !n.includes(".")) throw new SqlError(SqlState.UndefinedObject, `unrecognized configuration parameter "${name}"`);
    if (value === null) {
      this.values.delete(n);
      return;
    }
    this.values.set(n, def?.check ? def.check(value) : value);
  }

  all(): { name: string; setting: string; description: string }[] {
    const names = new Set([...Object.keys(SETTINGS), ...this.values.keys()]);
    return [...names].sort().map((n) => ({ name: displayName(n), setting: this.get(n), description: SETTINGS[n]?.description ?? "" }));
  }
}
