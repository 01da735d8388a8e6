import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aiCacheKey } from "./ai-cache.js";
import { PersistentAiCache } from "./persistent-ai-cache.js";

describe("PersistentAiCache", () => {
  it("answers embeddings, texts and JSON from the file after a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-aicache-"));
    try {
      const path = join(dir, "answers.cache");
      const k = (input: string) => aiCacheKey("m", "fp", "generation", input);
      const first = new PersistentAiCache(path);
      await first.set(k("v"), new Float32Array([0.5, -1.25, 3]));
      await first.set(k("t"), "héllo");
      await first.set(k("j"), { answer: "x", n: [1, 2] });
      await first.set(k("null"), null);
      first.close();
      const second = new PersistentAiCache(path);
      expect(second.entries).toBe(4);
      expect(await second.get(k("v"))).toEqual(new Float32Array([0.5, -1.25, 3]));
      expect(await second.get(k("t"))).toBe("héllo");
      expect(await second.get(k("j"))).toEqual({ answer: "x", n: [1, 2] });
      expect(await second.get(k("null"))).toBeNull();
      expect(await second.get(k("missing"))).toBeUndefined();
      expect(second.fileHits).toBe(4);
      await second.get(k("t")); // now from memory
      expect(second.fileHits).toBe(4);
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
