// What a model provider does for the ModelCaller: one request, no retries, no caching. The caller
// owns batching, retries, timeouts (through `signal`), caching and metering; a provider turns one
// micro-batch of embedding inputs, or one generation prompt, into one request and its answer, and
// reports failures as ProviderError (which says whether trying again may help).

import { AiState, excerpt, redact } from "../ai-errors.js";

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface EmbeddingResponse {
  /** one per input, in input order; null where the model has nothing to say (embedded model, no known word) */
  vectors: (Float32Array | null)[];
  usage?: TokenUsage;
}

/** Per-call options of GENERATE (the options jsonb). */
export interface GenerateOptions {
  temperature?: number;
  maxTokens?: number;
  /** a system prompt sent before the user's prompt */
  system?: string;
  /** JSON Schema for structured output; the answer is then parsed JSON instead of text */
  jsonSchema?: Record<string, unknown>;
}

export interface GenerationResponse {
  text: string;
  usage?: TokenUsage;
}

export interface ProviderContext {
  /** aborts on the request's timeout and on the statement's cancellation */
  signal: AbortSignal;
}

export interface ModelProvider {
  /** remote providers get timeouts and retries; the embedded one does not need them */
  readonly remote: boolean;
  embed(inputs: readonly string[], ctx: ProviderContext): Promise<EmbeddingResponse>;
  generate(prompt: string, options: GenerateOptions, ctx: ProviderContext): Promise<GenerationResponse>;
}

/** A failed request, classified. Its message is safe to show (no secrets, no input text). */
export class ProviderError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** trying the same request again may succeed (429, 5xx, timeouts, network errors) */
    readonly retryable: boolean,
    /** what the server asked us to wait (Retry-After / retry-after-ms), in milliseconds */
    readonly retryAfterMs?: number,
    readonly status?: number,
  ) {
    super(message);
    this.name = "ProviderError";
  }

  /** the server rejected the input itself (400/413/422): a smaller batch may isolate the bad row */
  get inputRejected(): boolean {
    return this.status === 400 || this.status === 413 || this.status === 422;
  }
}

/** Parses Retry-After (seconds or an HTTP date) and the non-standard retry-after-ms, in ms. */
export function parseRetryAfter(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers.get("retry-after");
  if (ra === null || ra.trim() === "") return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.max(0, Number(ra) * 1000);
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Classifies an HTTP error status into a ProviderError with a safe message. */
export function httpError(
  status: number,
  serverMessage: string,
  headers: Headers | undefined,
  secrets: readonly (string | undefined)[],
  inputs: readonly string[],
): ProviderError {
  const said = serverMessage ? `: ${excerpt(redact(serverMessage, secrets, inputs))}` : "";
  const text = `model server answered HTTP ${status}${said}`;
  const retryAfter = parseRetryAfter(headers);
  if (status === 401 || status === 403) return new ProviderError(AiState.InvalidAuthorization, text, false, undefined, status);
  if (status === 404) return new ProviderError(AiState.UndefinedObject, text, false, undefined, status);
  if (status === 408) return new ProviderError(AiState.QueryCanceled, text, true, retryAfter, status);
  if (status === 429) return new ProviderError(AiState.InsufficientResources, text, true, retryAfter, status);
  if (status === 400 || status === 413 || status === 422) {
    return new ProviderError(AiState.InvalidParameterValue, text, false, undefined, status);
  }
  if (status >= 500 && status !== 501 && status !== 505) {
    return new ProviderError(AiState.SystemError, text, true, retryAfter, status);
  }
  return new ProviderError(AiState.SystemError, text, false, undefined, status);
}

/** Classifies a thrown fetch failure (network error, abort). `timedOut` tells a timeout from a cancel. */
export function fetchFailure(e: unknown, timedOut: boolean, timeoutMs: number | undefined): ProviderError {
  if (timedOut) {
    return new ProviderError(AiState.QueryCanceled, `model call timed out after ${timeoutMs ?? "?"} ms`, true);
  }
  if (e instanceof ProviderError) return e;
  const cause = (e as { cause?: { code?: string } } | undefined)?.cause;
  const code = cause && typeof cause.code === "string" ? ` (${cause.code})` : "";
  if ((e as { name?: string } | undefined)?.name === "AbortError") {
    return new ProviderError(AiState.QueryCanceled, "model call canceled", false);
  }
  return new ProviderError(AiState.ConnectionFailure, `could not reach the model server${code}`, true);
}

export function protocolError(what: string): ProviderError {
  return new ProviderError(AiState.ProtocolViolation, `model server sent a malformed response: ${what}`, false);
}

/** Turns a JSON number array (or base64 float32, as OpenAI's encoding_format=base64 sends) into a vector. */
export function toFloat32(value: unknown): Float32Array | undefined {
  if (typeof value === "string") {
    const bytes = Buffer.from(value, "base64");
    if (bytes.length % 4 !== 0) return undefined;
    const out = new Float32Array(bytes.length / 4);
    for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
    return out;
  }
  if (!Array.isArray(value)) return undefined;
  const out = new Float32Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const x = value[i];
    if (typeof x !== "number" || !Number.isFinite(x)) return undefined;
    out[i] = x;
  }
  return out;
}
