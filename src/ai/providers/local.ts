// The embedded embedding model as a provider: SIF sentence vectors over GloVe 100-d, loaded from the
// binary cache in the data directory (converted from the npm package on first use). No network.

import { AiState } from "../ai-errors.js";
import { loadGloveModel } from "../embedded/glove-cache.js";
import type { GloveLoadOptions } from "../embedded/glove-cache.js";
import { SentenceEmbedder } from "../embedded/sentence-embedder.js";
import type { SentenceEmbedderOptions } from "../embedded/sentence-embedder.js";
import type { ModelDefinition } from "../model-registry.js";
import type { EmbeddingResponse, GenerationResponse, ModelProvider, ProviderContext } from "./provider.js";
import { ProviderError } from "./provider.js";

/** How many sentences to embed before yielding to the event loop. */
const SLICE = 256;

export function embedderOptionsOf(def: ModelDefinition): SentenceEmbedderOptions {
  const o = def.options;
  return {
    ...(o.weighting === "sif" || o.weighting === "mean" ? { weighting: o.weighting } : {}),
    ...(typeof o.sif_a === "number" ? { sifA: o.sif_a } : {}),
    ...(typeof o.remove_common_component === "boolean" ? { removeCommonComponent: o.remove_common_component } : {}),
  };
}

export class LocalEmbeddingProvider implements ModelProvider {
  readonly remote = false;
  private embedder: Promise<SentenceEmbedder> | undefined;

  constructor(
    private readonly def: ModelDefinition,
    private readonly load: Partial<Pick<GloveLoadOptions, "dataDir" | "source" | "onProgress">>,
  ) {}

  /** Loads (converting on first use) the word vectors; later calls share the result. */
  ready(): Promise<SentenceEmbedder> {
    if (!this.embedder) {
      const { dataDir } = this.load;
      if (!dataDir) return Promise.reject(new Error("no data directory was given for its cache"));
      const p = loadGloveModel({ ...this.load, dataDir }).then((r) => new SentenceEmbedder(r.model, embedderOptionsOf(this.def)));
      p.catch(() => {
        if (this.embedder === p) this.embedder = undefined;
      });
      this.embedder = p;
    }
    return this.embedder;
  }

  async embed(inputs: readonly string[], ctx: ProviderContext): Promise<EmbeddingResponse> {
    let embedder: SentenceEmbedder;
    try {
      embedder = await this.ready();
    } catch (e) {
      throw new ProviderError(AiState.ObjectNotInPrerequisiteState, `the embedded model could not be loaded: ${(e as Error).message}`, false);
    }
    const vectors: (Float32Array | null)[] = [];
    let tokens = 0;
    for (let i = 0; i < inputs.length; i++) {
      if (i > 0 && i % SLICE === 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (ctx.signal.aborted) throw new ProviderError(AiState.QueryCanceled, "model call canceled", false);
      }
      const r = embedder.embedWithStats(inputs[i]);
      tokens += r.tokens;
      vectors.push(r.vector);
    }
    return { vectors, usage: { promptTokens: tokens, completionTokens: 0 } };
  }

  generate(): Promise<GenerationResponse> {
    return Promise.reject(new ProviderError(AiState.ObjectNotInPrerequisiteState, "the embedded model does not generate text", false));
  }
}
