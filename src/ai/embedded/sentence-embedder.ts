// Sentence vectors from the embedded GloVe word vectors, the SIF way (Arora, Liang & Ma, "A Simple
// but Tough-to-Beat Baseline for Sentence Embeddings", ICLR 2017):
//   v(s) = Σ_w  a / (a + p(w)) · v(w)      over the known words of s (repeats count)
//   v(s) ← v(s) − (v(s)·u) u               u = the common component (see glove-cache.ts)
//   v(s) ← v(s) / ‖v(s)‖
// p(w) is estimated from the word's frequency rank by Zipf's law (the vocabulary is ordered by
// frequency), a = 1e-3. Frequent words ("the", "of") get weights near 0.01, rare ones near 1.
// Deterministic: the same text always gives the same bits.
//
// Text with no known word (empty, only numbers or punctuation, or unknown words) has no meaning
// to embed: embed() returns null, which SQL shows as NULL — as Postgres functions do for an
// undefined result — rather than a zero vector whose cosine distance to everything is NaN.

import type { GloveModel } from "./glove-cache.js";
import { zipfProbability } from "./glove-cache.js";
import { tokenizeWords } from "./word-tokenizer.js";

export interface SentenceEmbedderOptions {
  /** "sif" (default) weights words by a/(a+p(w)); "mean" averages them plainly */
  weighting?: "sif" | "mean";
  /** SIF's a (default 1e-3) */
  sifA?: number;
  /** remove the common component (default true with "sif", false with "mean") */
  removeCommonComponent?: boolean;
}

export interface SentenceEmbedding {
  /** unit-length vector, or null when no word of the text is known */
  vector: Float32Array | null;
  /** words found by the tokenizer */
  tokens: number;
  /** of which the vocabulary knows */
  known: number;
}

export class SentenceEmbedder {
  readonly dims: number;
  private readonly rowWeight: Float32Array;
  private readonly removeCommon: boolean;
  private readonly acc: Float64Array;
  private readonly known: (w: string) => boolean;

  constructor(
    private readonly model: GloveModel,
    options: SentenceEmbedderOptions = {},
  ) {
    this.dims = model.dims;
    const weighting = options.weighting ?? "sif";
    const a = options.sifA ?? 1e-3;
    this.removeCommon = options.removeCommonComponent ?? weighting === "sif";
    // fold the quantization scale and the word's weight into one multiplier per row
    this.rowWeight = new Float32Array(model.count);
    for (let r = 0; r < model.count; r++) {
      const w = weighting === "sif" ? a / (a + zipfProbability(model.ranks[r], model.count)) : 1;
      this.rowWeight[r] = w * model.scales[r];
    }
    this.acc = new Float64Array(this.dims);
    const index = model.index;
    this.known = (w) => index.has(w);
  }

  /** The sentence vector of `text` (unit length), or null when it has no known word. */
  embed(text: string): Float32Array | null {
    return this.embedWithStats(text).vector;
  }

  embedWithStats(text: string): SentenceEmbedding {
    const { dims, acc, model, rowWeight } = this;
    acc.fill(0);
    const words = tokenizeWords(text, this.known);
    let known = 0;
    for (const word of words) {
      const row = model.index.get(word);
      if (row === undefined) continue;
      known++;
      const mul = rowWeight[row];
      const base = row * dims;
      for (let i = 0; i < dims; i++) acc[i] += model.matrix[base + i] * mul;
    }
    if (known === 0) return { vector: null, tokens: words.length, known };
    if (this.removeCommon) {
      const u = model.commonComponent;
      let dot = 0;
      for (let i = 0; i < dims; i++) dot += acc[i] * u[i];
      for (let i = 0; i < dims; i++) acc[i] -= dot * u[i];
    }
    let norm = 0;
    for (let i = 0; i < dims; i++) norm += acc[i] * acc[i];
    norm = Math.sqrt(norm);
    if (!(norm > 0)) return { vector: null, tokens: words.length, known };
    const out = new Float32Array(dims);
    for (let i = 0; i < dims; i++) out[i] = acc[i] / norm;
    return { vector: out, tokens: words.length, known };
  }
}
