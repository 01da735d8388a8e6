// The embedded sentence embedder on the real GloVe vectors: quality on a hand-written labelled set,
// SIF against a plain mean, determinism, NULL for text with no known word, and the tokenizer.

import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { testDataDir } from "../testing/test-data-dir.js";
import { loadGloveModel } from "./glove-cache.js";
import type { GloveModel } from "./glove-cache.js";
import { SentenceEmbedder } from "./sentence-embedder.js";
import type { SentenceEmbedderOptions } from "./sentence-embedder.js";
import { tokenizeWords } from "./word-tokenizer.js";

interface Triplet {
  anchor: string;
  related: string;
  unrelated: string;
  unrelatedHard: string;
}
const triplets = (JSON.parse(readFileSync(new URL("../fixtures/sentence-triplets.json", import.meta.url), "utf8")) as { triplets: Triplet[] }).triplets;

let model: GloveModel;
beforeAll(async () => {
  model = (await loadGloveModel({ dataDir: testDataDir() })).model;
}, 120_000);

function dot(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i] * b[i];
  return d;
}

/** Share of comparisons where anchor·related beats anchor·unrelated (easy, hard, both). */
function score(options: SentenceEmbedderOptions) {
  const e = new SentenceEmbedder(model, options);
  let easy = 0;
  let hard = 0;
  for (const t of triplets) {
    const [a, r, u, h] = [t.anchor, t.related, t.unrelated, t.unrelatedHard].map((s) => e.embed(s)!);
    const rel = dot(a, r);
    if (rel > dot(a, u)) easy++;
    if (rel > dot(a, h)) hard++;
  }
  const n = triplets.length;
  return { easy: easy / n, hard: hard / n, both: (easy + hard) / (2 * n) };
}

describe("SentenceEmbedder on GloVe 100-d", () => {
  it("has a labelled set of at least 100 pairs of each kind", () => {
    expect(triplets.length).toBeGreaterThanOrEqual(100);
  });

  it("scores related pairs above unrelated ones in at least 85% of comparisons, and SIF beats a plain mean", () => {
    const sif = score({});
    const mean = score({ weighting: "mean" });
    console.info(
      `embedded model quality over ${triplets.length} triplets: SIF ${(sif.both * 100).toFixed(1)}% (hard ${(sif.hard * 100).toFixed(1)}%), ` +
        `plain mean ${(mean.both * 100).toFixed(1)}% (hard ${(mean.hard * 100).toFixed(1)}%)`,
    );
    expect(sif.both).toBeGreaterThanOrEqual(0.85);
    expect(sif.hard).toBeGreaterThanOrEqual(0.85);
    expect(sif.easy).toBeGreaterThanOrEqual(0.95);
    expect(sif.hard).toBeGreaterThan(mean.hard + 0.05);
  });

  it("returns deterministic unit vectors of 100 dimensions", () => {
    const a = new SentenceEmbedder(model).embed("Streaming databases keep views up to date.")!;
    const b = new SentenceEmbedder(model).embed("Streaming databases keep views up to date.")!;
    expect(a.length).toBe(100);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Math.sqrt(dot(a, a))).toBeCloseTo(1, 5);
  });

  it("ignores case, punctuation and accents", () => {
    const e = new SentenceEmbedder(model);
    expect(Array.from(e.embed("The CAFÉ, naïvely!")!)).toEqual(Array.from(e.embed("the cafe naively")!));
  });

  it("gives null for text with no known word", () => {
    const e = new SentenceEmbedder(model);
    expect(e.embed("")).toBeNull();
    expect(e.embed("   ")).toBeNull();
    expect(e.embed("12345 !!! 2024")).toBeNull();
    expect(e.embed("qwzxvbn plorfek")).toBeNull();
    expect(e.embedWithStats("qwzxvbn cat")).toMatchObject({ tokens: 2, known: 1 });
  });

  it("tokenizes contractions, possessives, hyphens and apostrophes as the vocabulary spells them", () => {
    const known = (w: string) => model.index.has(w);
    expect(tokenizeWords("Don't you think John's cross-country ski-trip won't fail?", known)).toEqual([
      "do", "not", "you", "think", "john", "cross-country", "ski", "trip", "will", "not", "fail",
    ]);
    expect(tokenizeWords("O’Neill they're I'd", known)).toEqual(["oneill", "they", "are", "i", "would"]);
  });
});
