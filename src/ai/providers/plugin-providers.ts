// Model providers that plugins add (an npm package named in Database.open's `plugins`): a name
// usable as CREATE MODEL ... WITH (provider = '<name>') and a factory that builds the provider
// for a model definition. Built-in names cannot be taken. The registry is per process, like the
// loaded packages themselves.

import type { ModelDefinition } from "../model-registry.js";
import type { ModelProvider } from "./provider.js";

export type ModelProviderFactory = (definition: ModelDefinition) => ModelProvider;

const BUILT_IN = new Set(["local", "huggingface", "openai"]);
const PLUGIN_PROVIDERS = new Map<string, ModelProviderFactory>();

export function registerModelProvider(name: string, factory: ModelProviderFactory): void {
  const key = name.toLowerCase();
  if (BUILT_IN.has(key)) throw new Error(`model provider "${name}" is built in`);
  PLUGIN_PROVIDERS.set(key, factory);
}

export function pluginModelProvider(name: string): ModelProviderFactory | undefined {
  return PLUGIN_PROVIDERS.get(name.toLowerCase());
}

export function pluginModelProviderNames(): string[] {
  return [...PLUGIN_PROVIDERS.keys()];
}
