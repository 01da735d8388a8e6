// Reading a connector's WITH options: typed getters that fail with SQLSTATE 22023 (invalid
// parameter value) naming the option and what it accepts, and a check that no option in the
// connector's own namespace went unread (a misspelt option is an error, not silently ignored).
//
// Option names are matched case-insensitively, and within a namespace '.' and '_' are the same
// character: RisingWave spells `nexmark.table.type` and `datagen.rows.per.second`, our docs
// `nexmark.table` and `nexmark.events_per_second`; both spellings work.

import { SqlError, SqlState } from "../types/index.js";

/** The canonical form of an option name: lower case, '_' for '.' after the namespace prefix. */
export function canonicalOptionName(name: string): string {
  const lower = name.trim().toLowerCase();
  const dot = lower.indexOf(".");
  if (dot < 0) return lower;
  return lower.slice(0, dot + 1) + lower.slice(dot + 1).replace(/\./g, "_");
}

export function invalidOption(name: string, value: string, expected: string): SqlError {
  return new SqlError(SqlState.InvalidParameterValue, `invalid value for option "${name}": "${value}"`, {
    hint: `Expected ${expected}.`,
  });
}

export class ConnectorOptions {
  /** canonical name → [name as written, value] */
  private readonly entries = new Map<string, [string, string]>();
  private readonly used = new Set<string>();

  constructor(options: Record<string, string>) {
    for (const [k, v] of Object.entries(options)) this.entries.set(canonicalOptionName(k), [k, String(v)]);
  }

  /** The option's value under any of the given names (canonical spelling), or undefined. */
  raw(...names: string[]): { name: string; value: string } | undefined {
    for (const n of names) {
      const c = canonicalOptionName(n);
      const e = this.entries.get(c);
      if (e !== undefined) {
        this.used.add(c);
        return { name: e[0], value: e[1] };
      }
    }
    return undefined;
  }

  string(names: string | string[], fallback: string): string {
    const r = this.raw(...(Array.isArray(names) ? names : [names]));
    return r === undefined ? fallback : r.value;
  }

  choice<T extends string>(names: string | string[], allowed: readonly T[], fallback: T | undefined): T {
    const list = Array.isArray(names) ? names : [names];
    const r = this.raw(...list);
    const shown = allowed.map((a) => `'${a}'`).join(", ");
    if (r === undefined) {
      if (fallback !== undefined) return fallback;
      throw new SqlError(SqlState.InvalidParameterValue, `option "${list[0]}" is required`, {
        hint: `Set ${list[0]} to one of ${shown}.`,
      });
    }
    const v = r.value.trim().toLowerCase();
    const hit = allowed.find((a) => a === v);
    if (hit === undefined) throw invalidOption(r.name, r.value, `one of ${shown}`);
    return hit;
  }

  /** A number (integer unless `integer: false`) within [min, max]. */
  number(
    names: string | string[],
    fallback: number,
    opts: { min?: number; max?: number; integer?: boolean } = {},
  ): number {
    const r = this.raw(...(Array.isArray(names) ? names : [names]));
    if (r === undefined) return fallback;
    return parseNumberOption(r.name, r.value, opts);
  }

  /** An optional number; undefined when absent. */
  optionalNumber(
    names: string | string[],
    opts: { min?: number; max?: number; integer?: boolean } = {},
  ): number | undefined {
    const r = this.raw(...(Array.isArray(names) ? names : [names]));
    return r === undefined ? undefined : parseNumberOption(r.name, r.value, opts);
  }

  /** A 64-bit integer seed (any integer; taken modulo 2^64). */
  seed(names: string | string[], fallback: bigint): bigint {
    const r = this.raw(...(Array.isArray(names) ? names : [names]));
    if (r === undefined) return fallback;
    const t = r.value.trim();
    if (!/^[+-]?\d+$/.test(t)) throw invalidOption(r.name, r.value, "an integer");
    return BigInt(t);
  }

  /** Names (as written) of options under `prefix` (e.g. "nexmark.") that nobody read. */
  unused(prefix: string): string[] {
    const p = canonicalOptionName(prefix);
    const out: string[] = [];
    for (const [c, [name]] of this.entries) if (c.startsWith(p) && !this.used.has(c)) out.push(name);
    return out;
  }

  /** All options (canonical name → [name as written, value]) under a prefix. */
  withPrefix(prefix: string): [string, string, string][] {
    const p = canonicalOptionName(prefix);
    const out: [string, string, string][] = [];
    for (const [c, [name, value]] of this.entries) if (c.startsWith(p)) out.push([c, name, value]);
    return out;
  }

  markUsed(canonical: string): void {
    this.used.add(canonical);
  }
}

export function parseNumberOption(
  name: string,
  value: string,
  opts: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const integer = opts.integer !== false;
  const t = value.trim();
  const ok = integer ? /^[+-]?\d+$/.test(t) : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t);
  const v = Number(t);
  const range =
    opts.min !== undefined && opts.max !== undefined
      ? ` between ${opts.min} and ${opts.max}`
      : opts.min !== undefined
        ? ` of at least ${opts.min}`
        : opts.max !== undefined
          ? ` of at most ${opts.max}`
          : "";
  const what = `${integer ? "an integer" : "a number"}${range}`;
  if (!ok || !Number.isFinite(v) || (integer && !Number.isSafeInteger(v))) throw invalidOption(name, value, what);
  if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
    throw invalidOption(name, value, what);
  }
  return v;
}
