// Picks the provider implementation for a model definition.

import type { GloveSource } from "../embedded/glove-cache.js";
import type { ModelDefinition } from "../model-registry.js";
import { HuggingFaceProvider } from "./huggingface.js";
import { LocalEmbeddingProvider } from "./local.js";
import { OpenAiProvider } from "./openai.js";
import type { ModelProvider } from "./provider.js";
import { pluginModelProvider } from "./plugin-providers.js";

export interface ProviderEnvironment {
  /** directory for the embedded model's cache (a folder in the database's data directory); required by 'local' */
  dataDir?: string;
  /** the embedded model's JSON (tests); default: the installed npm package */
  embeddedSource?: GloveSource;
  /** called while the embedded model's cache is being built: (words done, words expected) */
  onEmbeddedProgress?: (done: number, total: number) => void;
  /** fetch for remote providers (default: the global fetch) */
  fetch?: typeof fetch;
}

export function createProvider(def: ModelDefinition, env: ProviderEnvironment): ModelProvider {
  switch (def.provider) {
    case "local":
      return new LocalEmbeddingProvider(def, { dataDir: env.dataDir, source: env.embeddedSource, onProgress: env.onEmbeddedProgress });
    case "openai":
      return new OpenAiProvider(def, env.fetch);
    case "huggingface":
      return new HuggingFaceProvider(def, env.fetch);
    default: {
      const factory = pluginModelProvider(def.provider);
      if (!factory) throw new Error(`no model provider "${def.provider}" is registered`);
      return factory(def);
    }
  }
}
