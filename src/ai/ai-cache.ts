// The cache of model answers, keyed by a hash of (model name, the definition's fingerprint, the
// task, the input, the call's options). Only successful answers are cached; a NULL answer of the
// embedded model (text with no known word) is cached too, as `null`.
//
// The interface is async so that a persistent implementation (in the storage room) can stand in
// for the in-memory LRU below without changing the callers.

import { createHash } from "node:crypto";
import type { JsonValue } from "./model-registry.js";

/** An embedding, a generated text, or the parsed JSON of a structured answer. */
export type AiValue = Float32Array | string | JsonValue;

export interface AiCache {
  get(key: string): Promise<AiValue | undefined>;
  set(key: string, value: AiValue): Promise<void>;
}

/** The cache key: hex SHA-256 over the parts, each length-prefixed so that no two tuples collide. */
export function aiCacheKey(modelName: string, fingerprint: string, task: string, input: string, options?: unknown): string {
  const h = createHash("sha256");
  for (const part of [modelName, fingerprint, task, input, options === undefined ? "" : stableJson(options)]) {
    h.update(String(Buffer.byteLength(part)));
    h.update(":");
    h.update(part);
  }
  return h.digest("hex");
}

/** JSON with object keys sorted, so that {a, b} and {b, a} hash alike. */
export function stableJson(v: unknown): string {
  if (v === undefined) return "null";
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
    .join(",")}}`;
}

function sizeOf(value: AiValue): number {
  if (value instanceof Float32Array) return value.byteLength + 64;
  if (typeof value === "string") return value.length * 2 + 64;
  return JSON.stringify(value).length * 2 + 64;
}

export interface LruAiCacheOptions {
  /** most entries kept (default 100,000) */
  maxEntries?: number;
  /** approximate memory bound in bytes (default 256 MiB) */
  maxBytes?: number;
}

/** In-memory LRU (a Map in recency order). Vectors are copied in and out, so callers may mutate theirs. */
export class LruAiCache implements AiCache {
  private readonly map = new Map<string, { value: AiValue; size: number }>();
  private bytes = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  hits = 0;
  misses = 0;

  constructor(options: LruAiCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    this.maxBytes = options.maxBytes ?? 256 << 20;
  }

  get size(): number {
    return this.map.size;
  }

  get approximateBytes(): number {
    return this.bytes;
  }

  async get(key: string): Promise<AiValue | undefined> {
    const e = this.map.get(key);
    if (!e) {
      this.misses++;
      return undefined;
    }
    this.map.delete(key);
    this.map.set(key, e);
    this.hits++;
    return e.value instanceof Float32Array ? e.value.slice() : e.value;
  }

  async set(key: string, value: AiValue): Promise<void> {
    const old = this.map.get(key);
    if (old) {
      this.bytes -= old.size;
      this.map.delete(key);
    }
    const stored = value instanceof Float32Array ? value.slice() : value;
    const size = sizeOf(stored);
    if (size > this.maxBytes) return;
    this.map.set(key, { value: stored, size });
    this.bytes += size;
    while (this.map.size > this.maxEntries || this.bytes > this.maxBytes) {
      const oldest = this.map.keys().next().value as string;
      const e = this.map.get(oldest)!;
      this.bytes -= e.size;
      this.map.delete(oldest);
    }
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }
}
