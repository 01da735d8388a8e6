// The keys of ~/.sage/config.yaml (as in SAGE), each with its default and how a value is read and
// checked. A value comes as YAML (typed), or as text from a SAGE_* variable or a flag; `read`
// accepts both and throws a message naming what was expected.

import { tmpdir } from "node:os";

export type ConfigValue = string | number | boolean | null | ConfigValue[] | { [key: string]: ConfigValue };

export interface ConfigKey {
  /** dotted path, e.g. system.log_level */
  key: string;
  description: string;
  default: ConfigValue;
  /** reads and checks a value; throws Error with the reason */
  read(v: unknown): ConfigValue;
  /** settable from SAGE_* (scalars only) */
  fromEnv: boolean;
}

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];
const AUTH_METHODS = ["trust", "password", "md5", "scram-sha-256", "reject"];

function text(v: unknown): string {
  if (typeof v === "string" && v !== "") return v;
  if (typeof v === "number") return String(v);
  throw new Error("expected a non-empty string");
}

function oneOf(values: string[]) {
  return (v: unknown): string => {
    const s = typeof v === "string" ? v.toLowerCase() : "";
    if (!values.includes(s)) throw new Error(`expected one of ${values.join(", ")}`);
    return s;
  };
}

function integer(min: number, max: number) {
  return (v: unknown): number => {
    const n = typeof v === "number" ? v : typeof v === "string" && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

/** a port, or "off" (false) to disable the listener */
function portOrOff(v: unknown): number | string {
  if (v === false || (typeof v === "string" && /^(off|false|none)$/i.test(v))) return "off";
  return integer(0, 65535)(v);
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };

/** bytes: an integer, or "512MB", "4GB"... */
function bytes(v: unknown): number {
  if (typeof v === "number" && Number.isInteger(v) && v > 0) return v;
  const m = typeof v === "string" ? /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?b)\s*$/i.exec(v) : null;
  if (!m) throw new Error('expected a size such as 4GB, 512MB or a number of bytes');
  return Math.round(Number(m[1]) * UNITS[m[2].toLowerCase()]);
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** milliseconds: an integer (0 = off where a key allows it), or "500ms", "10s", "1m"; a bare number is ms */
function duration(v: unknown): number {
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
  const m = typeof v === "string" ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(v) : null;
  if (!m) throw new Error("expected a duration such as 500ms, 10s or 1m");
  return Math.round(Number(m[1]) * DURATION_UNITS[(m[2] ?? "ms").toLowerCase()]);
}

/** a duration above zero */
function positiveDuration(v: unknown): number {
  const ms = duration(v);
  if (ms <= 0) throw new Error("expected a duration above zero, such as 500ms, 10s or 1m");
  return ms;
}

function list<T extends ConfigValue>(item: (v: unknown, i: number) => T) {
  return (v: unknown): T[] => {
    if (!Array.isArray(v)) throw new Error("expected a list");
    return v.map((x, i) => item(x, i));
  };
}

function record(v: unknown, i: number, fields: Record<string, (x: unknown) => ConfigValue>, required: string[]): { [key: string]: ConfigValue } {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`item ${i + 1}: expected a mapping`);
  const out: { [key: string]: ConfigValue } = {};
  for (const [k, x] of Object.entries(v)) {
    const read = fields[k];
    if (!read) throw new Error(`item ${i + 1}: unknown key "${k}" (known: ${Object.keys(fields).join(", ")})`);
    try {
      out[k] = read(x);
    } catch (e) {
      throw new Error(`item ${i + 1}, ${k}: ${(e as Error).message}`);
    }
  }
  for (const k of required) if (!(k in out)) throw new Error(`item ${i + 1}: "${k}" is required`);
  return out;
}

function models(v: unknown): ConfigValue {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("expected a mapping of model name to its options");
  for (const [name, opts] of Object.entries(v)) {
    if (typeof opts !== "object" || opts === null || Array.isArray(opts)) throw new Error(`model "${name}": expected a mapping of options (provider, model, ...)`);
    if (typeof (opts as Record<string, unknown>).provider !== "string") throw new Error(`model "${name}": "provider" is required`);
  }
  return v as ConfigValue;
}

export const CONFIG_KEYS: readonly ConfigKey[] = [
  { key: "system.log_level", description: "log level (stderr, JSON lines)", default: "warn", read: oneOf(LOG_LEVELS), fromEnv: true },
  { key: "system.temp_dir", description: "directory for spill and temporary files", default: tmpdir(), read: text, fromEnv: true },
  { key: "system.max_memory", description: "memory budget in bytes (null: unlimited)", default: null, read: bytes, fromEnv: true },
  { key: "system.data_dir", description: "data directory", default: "./sage-data", read: text, fromEnv: true },
  { key: "runtime.default_parallelism", description: "partitions each fragment of a new materialized view runs as on a cluster's workers (the sessions' default streaming_parallelism; WITH (parallelism = n) overrides)", default: 1, read: integer(1, 256), fromEnv: true },
  { key: "runtime.checkpoint_interval", description: "checkpoint interval in ms (0: only on CHECKPOINT)", default: 1000, read: duration, fromEnv: true },
  { key: "server.host", description: "address pgwire and HTTP listen on", default: "127.0.0.1", read: text, fromEnv: true },
  { key: "server.port", description: "pgwire port (0: any free port)", default: 5433, read: integer(0, 65535), fromEnv: true },
  { key: "server.http_port", description: 'HTTP port for /metrics and the API (0: any free port, "off": none)', default: 5480, read: portOrOff, fromEnv: true },
  { key: "server.max_connections", description: "pgwire sessions at once", default: 100, read: integer(1, 100_000), fromEnv: true },
  { key: "server.user", description: "the default user (shown in the connection URL)", default: "sage", read: text, fromEnv: true },
  { key: "server.ssl", description: 'TLS for pgwire: "prefer" (offered when a key is set) or "require" (connections without TLS are refused)', default: "prefer", read: oneOf(["prefer", "require"]), fromEnv: true },
  { key: "auth.max_failed_logins", description: "failed password checks from one address (within auth.failed_login_window) that lock it out", default: 10, read: integer(1, 1_000_000), fromEnv: true },
  { key: "auth.failed_login_window", description: "time over which failed logins are counted", default: 60_000, read: positiveDuration, fromEnv: true },
  { key: "auth.lockout", description: "the first lock-out of an address; each later one doubles (up to auth.max_lockout)", default: 1000, read: positiveDuration, fromEnv: true },
  { key: "auth.max_lockout", description: "the longest lock-out of an address", default: 300_000, read: positiveDuration, fromEnv: true },
  {
    key: "auth.users",
    description: "users with passwords (name, password)",
    default: [],
    read: list((v, i) => record(v, i, { name: text, password: text, superuser: (x) => Boolean(x) }, ["name", "password"])),
    fromEnv: false,
  },
  {
    key: "auth.rules",
    description: "HBA rules, first match wins (host, user, method, database, ssl: true = TLS connections only, false = plain only)",
    default: [],
    read: list((v, i) => record(v, i, { host: text, user: text, database: text, method: oneOf(AUTH_METHODS), ssl: (x) => Boolean(x) }, ["host", "method"])),
    fromEnv: false,
  },
  { key: "models", description: "models to register at start (name: {provider, ...})", default: {}, read: models, fromEnv: false },
  { key: "plugins", description: "plugin modules to load at start", default: [], read: list((v) => text(v)), fromEnv: false },
];

export const CONFIG_KEY_BY_NAME = new Map(CONFIG_KEYS.map((k) => [k.key, k]));

/** SAGE_SYSTEM_LOG_LEVEL for system.log_level */
export function envName(key: string): string {
  return "SAGE_" + key.replace(/\./g, "_").toUpperCase();
}
