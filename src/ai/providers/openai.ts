// A small client for OpenAI-compatible servers (OpenAI, vLLM, Ollama, llama.cpp, LiteLLM, TGI's
// Messages API) on the global fetch: POST {base}/embeddings and POST {base}/chat/completions.
// `base` is the definition's endpoint (default https://api.openai.com/v1); "/v1" is appended when
// the endpoint has no version segment. The secret goes only into the Authorization header.

import { AiState } from "../ai-errors.js";
import type { JsonValue, ModelDefinition } from "../model-registry.js";
import type { EmbeddingResponse, GenerateOptions, GenerationResponse, ModelProvider, ProviderContext, TokenUsage } from "./provider.js";
import { ProviderError, fetchFailure, httpError, protocolError, toFloat32 } from "./provider.js";

export const OPENAI_DEFAULT_ENDPOINT = "https://api.openai.com/v1";

export function openAiBaseUrl(endpoint: string | undefined): string {
  const base = (endpoint ?? OPENAI_DEFAULT_ENDPOINT).replace(/\/+$/, "");
  return /\/v\d+[a-z0-9]*$/i.test(base) ? base : `${base}/v1`;
}

/** Posts JSON and returns the parsed JSON answer, or throws a classified ProviderError. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  ctx: ProviderContext,
  secrets: readonly (string | undefined)[],
  inputs: readonly string[],
  fetchImpl: typeof fetch = fetch,
): Promise<unknown> {
  let res: Response;
  let text: string;
  try {
    res = await fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...headers },
      body: JSON.stringify(body),
      signal: ctx.signal,
    });
    text = await res.text();
  } catch (e) {
    throw fetchFailure(e, false, undefined);
  }
  if (!res.ok) throw httpError(res.status, serverMessage(text), res.headers, secrets, inputs);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw protocolError("the body is not JSON");
  }
}

/** The human part of an error body: OpenAI's {error: {message}}, TGI's {error}, FastAPI's {detail}. */
function serverMessage(text: string): string {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const e = j.error;
    if (e && typeof e === "object" && typeof (e as { message?: unknown }).message === "string") return (e as { message: string }).message;
    for (const k of ["error", "message", "detail"]) if (typeof j[k] === "string") return j[k] as string;
  } catch {
    // not JSON: use the text
  }
  return text;
}

export function usageOf(u: unknown): TokenUsage | undefined {
  if (!u || typeof u !== "object") return undefined;
  const o = u as Record<string, unknown>;
  const prompt = typeof o.prompt_tokens === "number" ? o.prompt_tokens : typeof o.input_tokens === "number" ? o.input_tokens : 0;
  const completion = typeof o.completion_tokens === "number" ? o.completion_tokens : typeof o.output_tokens === "number" ? o.output_tokens : 0;
  return { promptTokens: prompt, completionTokens: completion };
}

/** The chat messages and sampling fields shared by the OpenAI and Hugging Face chat requests. */
export function chatRequestFields(prompt: string, options: GenerateOptions): Record<string, JsonValue> {
  const messages: JsonValue[] = [];
  if (options.system !== undefined) messages.push({ role: "system", content: options.system });
  messages.push({ role: "user", content: prompt });
  const body: Record<string, JsonValue> = { messages };
  if (options.temperature !== undefined) body.temperature = options.temperature;
  if (options.maxTokens !== undefined) body.max_tokens = options.maxTokens;
  if (options.jsonSchema !== undefined) {
    body.response_format = {
      type: "json_schema",
      json_schema: { name: "output", schema: options.jsonSchema as { [k: string]: JsonValue }, strict: true },
    };
  }
  return body;
}

/** Reads choices[0].message.content and usage out of a chat completion. */
export function chatAnswer(json: unknown): GenerationResponse {
  const choices = (json as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices) || choices.length === 0) throw protocolError("no choices in the chat completion");
  const message = (choices[0] as { message?: { content?: unknown } } | null)?.message;
  const content = message?.content;
  if (typeof content !== "string") {
    if (content === null) throw new ProviderError(AiState.DataException, "the model returned no text (refusal or empty answer)", false);
    throw protocolError("choices[0].message.content is not a string");
  }
  return { text: content, usage: usageOf((json as { usage?: unknown }).usage) };
}

export class OpenAiProvider implements ModelProvider {
  readonly remote = true;
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(
    private readonly def: ModelDefinition,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.base = openAiBaseUrl(def.endpoint);
    this.headers = {};
    if (def.apiKey) this.headers.authorization = `Bearer ${def.apiKey}`;
    if (typeof def.options.organization === "string") this.headers["openai-organization"] = def.options.organization;
  }

  async embed(inputs: readonly string[], ctx: ProviderContext): Promise<EmbeddingResponse> {
    const body: Record<string, JsonValue> = { ...this.extraBody(), model: this.def.model, input: [...inputs], encoding_format: "float" };
    if (this.def.options.send_dimensions === true && this.def.dimensions) body.dimensions = this.def.dimensions;
    const json = await postJson(`${this.base}/embeddings`, body, this.headers, ctx, [this.def.apiKey], inputs, this.fetchImpl);
    const data = (json as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) throw protocolError('no "data" array in the embeddings answer');
    if (data.length !== inputs.length) throw protocolError(`${data.length} embeddings for ${inputs.length} inputs`);
    const vectors: (Float32Array | null)[] = new Array<Float32Array | null>(inputs.length).fill(null);
    const seen = new Set<number>();
    data.forEach((item, pos) => {
      const o = item as { index?: unknown; embedding?: unknown } | null;
      const index = typeof o?.index === "number" ? o.index : pos;
      if (!Number.isInteger(index) || index < 0 || index >= inputs.length || seen.has(index)) throw protocolError(`bad embedding index ${String(o?.index)}`);
      seen.add(index);
      const v = toFloat32(o?.embedding);
      if (!v) throw protocolError(`embedding ${index} is not an array of numbers`);
      vectors[index] = v;
    });
    return { vectors, usage: usageOf((json as { usage?: unknown }).usage) };
  }

  async generate(prompt: string, options: GenerateOptions, ctx: ProviderContext): Promise<GenerationResponse> {
    const body: Record<string, JsonValue> = { ...this.extraBody(), model: this.def.model, ...chatRequestFields(prompt, options) };
    const json = await postJson(`${this.base}/chat/completions`, body, this.headers, ctx, [this.def.apiKey], [prompt], this.fetchImpl);
    return chatAnswer(json);
  }

  private extraBody(): Record<string, JsonValue> {
    const extra = this.def.options.extra_body;
    return extra && typeof extra === "object" && !Array.isArray(extra) ? { ...extra } : {};
  }
}
