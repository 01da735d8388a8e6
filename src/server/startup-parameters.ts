// Session parameters at startup: the settings a client sends in its startup packet (directly or
// as `options='-c name=value'`) are applied to the new session, and the GUC_REPORT parameters
// are reported to the client in ParameterStatus messages (again whenever a SET changes them).

import { SqlError } from "../types/index.js";
import type { EngineSession } from "./engine.js";

/** Startup packet keys that are not settings. */
const NOT_SETTINGS = new Set(["user", "database", "options", "replication"]);

/** Splits Postgres's `options` string: `-c a=b --c=d`, with `\ ` escaping a space. */
export function parseOptions(options: string): [string, string][] {
  const words: string[] = [];
  let cur = "";
  let has = false;
  for (let i = 0; i < options.length; i++) {
    const ch = options[i];
    if (ch === "\\" && i + 1 < options.length) {
      cur += options[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has) words.push(cur);
      cur = "";
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has) words.push(cur);
  const out: [string, string][] = [];
  for (let i = 0; i < words.length; i++) {
    let w = words[i];
    if (w === "-c" && i + 1 < words.length) w = words[++i];
    else if (w.startsWith("--")) w = w.slice(2);
    else if (w.startsWith("-c")) w = w.slice(2);
    else throw new SqlError("42601", `invalid command-line argument for server process: ${w}`);
    const eq = w.indexOf("=");
    if (eq <= 0) throw new SqlError("42601", `invalid command-line argument for server process: ${w}`);
    out.push([w.slice(0, eq).replace(/-/g, "_"), w.slice(eq + 1)]);
  }
  return out;
}

/**
 * Applies the startup packet's settings; an invalid value is an error (the connection fails), as
 * in Postgres. Unknown names are ignored, and so is a client_encoding we cannot convert to (we
 * speak UTF8 only; the client learns so from ParameterStatus).
 */
export function applyStartupParameters(session: EngineSession, params: ReadonlyMap<string, string>): void {
  const pairs: [string, string][] = [];
  for (const [k, v] of params) if (!NOT_SETTINGS.has(k) && !k.startsWith("_pq_.")) pairs.push([k, v]);
  const options = params.get("options");
  if (options) pairs.push(...parseOptions(options));
  for (const [name, value] of pairs) {
    try {
      session.settings.set(name, value);
    } catch (e) {
      if (e instanceof SqlError && (e.code === "42704" || name.toLowerCase() === "client_encoding")) continue;
      throw e;
    }
  }
}

/** The parameters Postgres reports with ParameterStatus, with their current values. */
export function reportedParameters(session: EngineSession, user: string): [string, string][] {
  const s = session.settings;
  const get = (name: string, fallback: string): string => {
    try {
      return s.get(name);
    } catch {
      return fallback;
    }
  };
  return [
    ["application_name", get("application_name", "")],
    ["client_encoding", get("client_encoding", "UTF8").toUpperCase()],
    ["DateStyle", get("datestyle", "ISO, MDY")],
    ["default_transaction_read_only", "off"],
    ["in_hot_standby", "off"],
    ["integer_datetimes", get("integer_datetimes", "on")],
    ["IntervalStyle", get("intervalstyle", "postgres")],
    ["is_superuser", get("is_superuser", "on")],
    ["server_encoding", get("server_encoding", "UTF8")],
    ["server_version", get("server_version", "15.0")],
    ["session_authorization", user],
    ["standard_conforming_strings", get("standard_conforming_strings", "on")],
    ["TimeZone", get("timezone", "UTC")],
  ];
}
