// The model answer cache of a database with a data directory: the in-memory LRU in front of a
// KeyValueLog file (`ai/answers.cache`), so answers survive a restart and a warm cache costs no
// calls. Keys are aiCacheKey's (model, definition fingerprint, task, input, options). Values are
// stored tagged: 0 = embedding (float32 bytes), 1 = text, 2 = JSON (structured output). A memory
// hit never touches the file; a file hit is promoted into the LRU.

import { KeyValueLog } from "../storage/index.js";
import { LruAiCache, type AiCache, type AiValue, type LruAiCacheOptions } from "./ai-cache.js";

export const ANSWER_CACHE_FILE = "answers.cache";

function encode(value: AiValue): Buffer {
  if (value instanceof Float32Array) {
    const out = Buffer.alloc(1 + value.byteLength);
    out[0] = 0;
    Buffer.from(value.buffer, value.byteOffset, value.byteLength).copy(out, 1);
    return out;
  }
  if (typeof value === "string") return Buffer.concat([Buffer.from([1]), Buffer.from(value, "utf8")]);
  return Buffer.concat([Buffer.from([2]), Buffer.from(JSON.stringify(value), "utf8")]);
}

function decode(buf: Buffer): AiValue | undefined {
  switch (buf[0]) {
    case 0: {
      const bytes = buf.subarray(1);
      if (bytes.length % 4 !== 0) return undefined;
      const v = new Float32Array(bytes.length / 4);
      new Uint8Array(v.buffer).set(bytes);
      return v;
    }
    case 1:
      return buf.toString("utf8", 1);
    case 2:
      try {
        return JSON.parse(buf.toString("utf8", 1)) as AiValue;
      } catch {
        return undefined;
      }
    default:
      return undefined;
  }
}

export class PersistentAiCache implements AiCache {
  private readonly memory: LruAiCache;
  private opened: KeyValueLog | null = null;
  private closed = false;
  /** answers read back from the file (not from memory) */
  fileHits = 0;

  constructor(
    private readonly path: string,
    private readonly options: LruAiCacheOptions & { maxFileBytes?: number } = {},
  ) {
    this.memory = new LruAiCache(options);
  }

  /** The file, opened on first use (a database that fails to open never touches it). */
  private get file(): KeyValueLog | null {
    if (this.opened === null && !this.closed) this.opened = KeyValueLog.open(this.path, { maxBytes: this.options.maxFileBytes });
    return this.opened;
  }

  /** answers stored in the file */
  get entries(): number {
    return this.file?.entries ?? 0;
  }

  async get(key: string): Promise<AiValue | undefined> {
    const hit = await this.memory.get(key);
    if (hit !== undefined) return hit;
    const raw = this.file?.get(key);
    if (raw === undefined) return undefined;
    const value = decode(raw);
    if (value === undefined) return undefined;
    this.fileHits++;
    await this.memory.set(key, value);
    return value;
  }

  async set(key: string, value: AiValue): Promise<void> {
    await this.memory.set(key, value);
    this.file?.put(key, encode(value));
  }

  close(): void {
    this.closed = true;
    this.opened?.close();
    this.opened = null;
  }
}
