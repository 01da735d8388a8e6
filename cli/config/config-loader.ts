// The effective configuration: defaults, then ~/.sage/config.yaml (or --config / SAGE_CONFIG),
// then SAGE_* environment variables, then command-line flags, each overriding the one before.
// Every value remembers where it came from (for `sage-sql config show`). An unknown key or a bad
// value is a ConfigError naming the key and where it was given (file and line, variable, flag).

import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { LineCounter, isMap, isPair, isScalar, parseDocument, type Node } from "yaml";
import { CONFIG_KEYS, CONFIG_KEY_BY_NAME, envName, type ConfigValue } from "./config-schema.js";

export class ConfigError extends Error {}

export interface ConfigSetting {
  value: ConfigValue;
  /** "default", "<file>:<line>", "env SAGE_...", "flag --..." */
  source: string;
}

export interface EffectiveConfig {
  /** the file read (null: none) */
  file: string | null;
  settings: Map<string, ConfigSetting>;
}

export interface ConfigInputs {
  /** --config PATH */
  configPath?: string;
  env: Record<string, string | undefined>;
  /** flag values by config key, with the flag's name for messages: { "server.port": { flag: "--port", value: "5434" } } */
  flags?: Record<string, { flag: string; value: unknown } | undefined>;
}

/** Where the config file is: --config, else $SAGE_CONFIG, else ~/.sage/config.yaml if it exists. */
export function configFilePath(inputs: ConfigInputs): { path: string; explicit: boolean } | null {
  if (inputs.configPath) return { path: inputs.configPath, explicit: true };
  if (inputs.env.SAGE_CONFIG) return { path: inputs.env.SAGE_CONFIG, explicit: true };
  const home = join(homedir(), ".sage", "config.yaml");
  return existsSync(home) ? { path: home, explicit: false } : null;
}

export function loadConfig(inputs: ConfigInputs): EffectiveConfig {
  const settings = new Map<string, ConfigSetting>();
  for (const k of CONFIG_KEYS) settings.set(k.key, { value: k.default, source: "default" });
  const file = configFilePath(inputs);
  if (file) {
    if (!existsSync(file.path)) throw new ConfigError(`config file ${file.path} does not exist`);
    readFile(file.path, settings);
  }
  for (const k of CONFIG_KEYS) {
    if (!k.fromEnv) continue;
    const name = envName(k.key);
    const raw = inputs.env[name];
    if (raw === undefined || raw === "") continue;
    settings.set(k.key, { value: check(k.key, raw, `environment variable ${name}`), source: `env ${name}` });
  }
  for (const [key, given] of Object.entries(inputs.flags ?? {})) {
    if (given === undefined || given.value === undefined) continue;
    settings.set(key, { value: check(key, given.value, `flag ${given.flag}`), source: `flag ${given.flag}` });
  }
  return { file: file?.path ?? null, settings };
}

function check(key: string, value: unknown, where: string): ConfigValue {
  const k = CONFIG_KEY_BY_NAME.get(key);
  if (!k) throw new ConfigError(`unknown configuration key "${key}" (${where})`);
  try {
    return k.read(value);
  } catch (e) {
    throw new ConfigError(`invalid value for ${key} (${where}): ${(e as Error).message}`);
  }
}

function readFile(path: string, settings: Map<string, ConfigSetting>): void {
  const text = readFileSync(path, "utf8");
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const lineOf = (n: Node | null | undefined) => (n?.range ? lines.linePos(n.range[0]).line : 1);
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new ConfigError(`${path} line ${lines.linePos(e.pos[0]).line}: not valid YAML: ${e.message.split("\n")[0]}`);
  }
  if (doc.contents === null) return; // an empty file
  if (!isMap(doc.contents)) throw new ConfigError(`${path} line ${lineOf(doc.contents as Node)}: expected a mapping of sections (system, runtime, server, auth, models, plugins)`);
  const walk = (map: Node, prefix: string): void => {
    if (!isMap(map)) return;
    for (const item of map.items) {
      if (!isPair(item)) continue;
      const keyNode = item.key as Node;
      const name = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const key = prefix ? `${prefix}.${name}` : name;
      const line = lineOf(keyNode);
      const known = CONFIG_KEY_BY_NAME.get(key);
      if (known) {
        const valueNode = item.value as Node | null;
        const value = valueNode === null ? null : (valueNode as { toJS(doc: unknown): unknown }).toJS(doc);
        if (value === null) throw new ConfigError(`${path} line ${line}: ${key} has no value`);
        settings.set(key, { value: check(key, value, `${path} line ${line}`), source: `${path}:${line}` });
      } else if (CONFIG_KEYS.some((k) => k.key.startsWith(key + "."))) {
        if (!isMap(item.value)) throw new ConfigError(`${path} line ${line}: ${key} must be a mapping`);
        walk(item.value as Node, key);
      } else {
        const section = prefix ? CONFIG_KEYS.filter((k) => k.key.startsWith(prefix + ".")).map((k) => k.key.slice(prefix.length + 1)) : [...new Set(CONFIG_KEYS.map((k) => k.key.split(".")[0]))];
        throw new ConfigError(`${path} line ${line}: unknown configuration key "${key}" (known${prefix ? ` in ${prefix}` : ""}: ${section.join(", ")})`);
      }
    }
  };
  walk(doc.contents as Node, "");
}

/** The effective configuration as text: one line per key, with where its value came from. */
export function formatConfig(config: EffectiveConfig): string {
  const out = [`# config file: ${config.file ?? "(none)"}`];
  for (const [key, s] of config.settings) out.push(`${key} = ${JSON.stringify(redact(key, s.value))}    # ${s.source}`);
  return out.join("\n") + "\n";
}

/** passwords never reach the terminal */
function redact(key: string, value: ConfigValue): ConfigValue {
  if (key !== "auth.users" || !Array.isArray(value)) return value;
  return value.map((u) => (typeof u === "object" && u !== null && !Array.isArray(u) ? { ...u, password: "********" } : u));
}
