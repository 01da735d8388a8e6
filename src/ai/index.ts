// The public surface of src/ai: the model registry and its validation, the ModelCaller (batching,
// dedup, caching, bounded concurrency, retries, timeouts, cancellation, metering) and the AiRuntime
// that holds one per model, the embedded offline embedding model, the remote providers, pgvector's
// vector math, and the HNSW VectorIndex. See each file's header for the details.

export { AiRuntime, type AiRuntimeOptions } from "./ai-runtime.js";
export {
  ModelCaller,
  applyErrorPolicy,
  canceledError,
  type CallOptions,
  type CallBudget,
  type CallResult,
  type GeneratedValue,
  type ModelCallerDeps,
  type RowError,
} from "./model-caller.js";
export {
  ModelRegistry,
  defineModel,
  modelFromSqlOptions,
  modelFingerprint,
  describeModel,
  noGenerationModelError,
  unknownModelError,
  EMBEDDED_MODEL,
  EMBEDDED_MODEL_NAME,
  EMBEDDED_MODEL_ID,
  EMBEDDED_DIMENSIONS,
  MAX_VECTOR_DIMENSIONS,
  PROVIDER_OPTIONS,
  type ModelDefinition,
  type ModelDefinitionInput,
  type ModelDescription,
  type ModelProviderKind,
  type ModelTask,
  type OnErrorPolicy,
  type JsonValue,
  type SecretSources,
} from "./model-registry.js";
export { parseGenerateOptions } from "./generate-options.js";
export { PersistentAiCache, ANSWER_CACHE_FILE } from "./persistent-ai-cache.js";
export { LruAiCache, aiCacheKey, stableJson, type AiCache, type AiValue, type LruAiCacheOptions } from "./ai-cache.js";
export { ModelMeter, ModelErrorLog, inputHash, percentile, type ModelMetricsSnapshot, type ModelErrorRecord } from "./metering.js";
export { AiState, redact, type AiError } from "./ai-errors.js";
export { DEFAULT_RETRY_TIMING, backoffDelay, type RetryTiming } from "./retry-policy.js";
export type { GenerateOptions, TokenUsage, ModelProvider, EmbeddingResponse, GenerationResponse, ProviderContext } from "./providers/provider.js";
export { ProviderError, parseRetryAfter } from "./providers/provider.js";
export { createProvider, type ProviderEnvironment } from "./providers/create-provider.js";
export { OpenAiProvider, openAiBaseUrl, OPENAI_DEFAULT_ENDPOINT } from "./providers/openai.js";
export { HuggingFaceProvider } from "./providers/huggingface.js";
export { LocalEmbeddingProvider } from "./providers/local.js";
export {
  loadGloveModel,
  buildGloveCache,
  findWinkSource,
  forgetGloveModel,
  GLOVE_CACHE_FILE,
  type GloveModel,
  type GloveSource,
  type GloveLoadOptions,
  type GloveLoadResult,
  type GloveBuildStats,
} from "./embedded/glove-cache.js";
export { SentenceEmbedder, type SentenceEmbedderOptions, type SentenceEmbedding } from "./embedded/sentence-embedder.js";
export { tokenizeWords, normalizeText } from "./embedded/word-tokenizer.js";
export {
  l2Distance,
  l2SquaredDistance,
  cosineDistance,
  innerProduct,
  negativeInnerProduct,
  l1Distance,
  vectorNorm,
  isZeroVector,
  l2Normalize,
  vectorDims,
  checkDims,
  distanceFunction,
  type VectorOperator,
} from "./vector-math.js";
export {
  VectorIndex,
  DEFAULT_M,
  DEFAULT_EF_CONSTRUCTION,
  UNTUNED_EF_SEARCH,
  MAX_EF_SEARCH,
  type VectorIndexOptions,
  type VectorMetric,
  type VectorMatch,
  type AddBatchOptions,
} from "./vector-index.js";
export { registerModelProvider, pluginModelProvider, type ModelProviderFactory } from "./providers/plugin-providers.js";
