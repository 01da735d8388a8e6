// Hugging Face models through @huggingface/inference:
//   - embedding: featureExtraction. With an endpoint it posts {inputs: [...]} to that URL exactly,
//     which a self-hosted Text Embeddings Inference server answers at "/" or "/embed" (and a
//     dedicated Inference Endpoint at its root). Without one it goes to Inference Providers with
//     the token (options.provider picks one; default "hf-inference").
//   - generation: chatCompletion. With an endpoint it posts to {endpoint}/v1/chat/completions
//     (TGI, vLLM, Ollama, llama.cpp); without one, to Inference Providers (options.provider, or the
//     Hugging Face router's "auto").
// The client retries a 503 at once and without limit unless told `retry_on_error: false`; we always
// turn that off and retry ourselves (bounded, with backoff, honouring Retry-After). Its errors do
// not carry response headers, so we hand it a fetch that remembers the last response's status and
// headers, and classify from those. Its error objects hold the request (URL, headers with the token
// redacted, body with the inputs): we never pass them on, only a message we build ourselves.

import {
  chatCompletion,
  featureExtraction,
  InferenceClientInputError,
  InferenceClientProviderOutputError,
  InferenceClientRoutingError,
} from "@huggingface/inference";
import { AiState, excerpt, redact } from "../ai-errors.js";
import type { FeatureExtractionArgs } from "@huggingface/inference";
import type { ModelDefinition } from "../model-registry.js";
import { chatAnswer, chatRequestFields } from "./openai.js";
import type { EmbeddingResponse, GenerateOptions, GenerationResponse, ModelProvider, ProviderContext } from "./provider.js";
import { ProviderError, fetchFailure, httpError, protocolError, toFloat32 } from "./provider.js";

type InferenceProviderName = NonNullable<FeatureExtractionArgs["provider"]>;
type ChatArgs = Parameters<typeof chatCompletion>[0];
type ChatOutput = Awaited<ReturnType<typeof chatCompletion>>;

/** A fetch that records the last response it saw, so that errors can be classified by status. */
class RecordingFetch {
  last: { status: number; headers: Headers; body?: string } | undefined;
  constructor(private readonly inner: typeof fetch) {}
  readonly fetch: typeof fetch = async (input, init) => {
    const res = await this.inner(input, init);
    this.last = { status: res.status, headers: res.headers };
    if (!res.ok) {
      // keep the error text for our message; give the client an equivalent response to read
      const body = await res.text();
      this.last.body = body;
      return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    }
    return res;
  };
}

export class HuggingFaceProvider implements ModelProvider {
  readonly remote = true;

  constructor(
    private readonly def: ModelDefinition,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private target(): { endpointUrl?: string; model?: string; provider?: InferenceProviderName } {
    const d = this.def;
    if (d.endpoint) return { endpointUrl: d.endpoint, ...(d.model ? { model: d.model } : {}) };
    const provider = typeof d.options.provider === "string" ? (d.options.provider as InferenceProviderName) : undefined;
    return { model: d.model, ...(provider ? { provider } : {}) };
  }

  async embed(inputs: readonly string[], ctx: ProviderContext): Promise<EmbeddingResponse> {
    const rec = new RecordingFetch(this.fetchImpl);
    const o = this.def.options;
    const target = this.target();
    const args: FeatureExtractionArgs = {
      ...target,
      ...(target.endpointUrl || target.provider ? {} : { provider: "hf-inference" as InferenceProviderName }),
      accessToken: this.def.apiKey,
      inputs: [...inputs],
      ...(typeof o.truncate === "boolean" ? { truncate: o.truncate } : {}),
      ...(typeof o.normalize === "boolean" ? { normalize: o.normalize } : {}),
      ...(typeof o.prompt_name === "string" ? { prompt_name: o.prompt_name } : {}),
    };
    let out: unknown;
    try {
      out = await featureExtraction(args, this.clientOptions(rec, ctx));
    } catch (e) {
      throw this.classify(e, rec, inputs);
    }
    return { vectors: poolRows(out, inputs.length) };
  }

  async generate(prompt: string, options: GenerateOptions, ctx: ProviderContext): Promise<GenerationResponse> {
    const rec = new RecordingFetch(this.fetchImpl);
    const target = this.target();
    const args = {
      ...target,
      ...(target.model ? {} : { model: "tgi" }),
      accessToken: this.def.apiKey,
      ...(chatRequestFields(prompt, options) as unknown as Pick<ChatArgs, "messages">),
    };
    let out: ChatOutput;
    try {
      out = await chatCompletion(args, this.clientOptions(rec, ctx));
    } catch (e) {
      throw this.classify(e, rec, [prompt]);
    }
    return chatAnswer(out);
  }

  private clientOptions(rec: RecordingFetch, ctx: ProviderContext) {
    return {
      retry_on_error: false,
      fetch: rec.fetch,
      signal: ctx.signal,
      ...(typeof this.def.options.bill_to === "string" ? { billTo: this.def.options.bill_to } : {}),
    };
  }

  private classify(e: unknown, rec: RecordingFetch, inputs: readonly string[]): ProviderError {
    if (e instanceof ProviderError) return e;
    const last = rec.last;
    if (last && last.status >= 400) return httpError(last.status, serverMessage(last.body ?? ""), last.headers, [this.def.apiKey], inputs);
    if (e instanceof InferenceClientProviderOutputError || e instanceof SyntaxError) return protocolError("the answer is not what the API describes");
    if (e instanceof InferenceClientInputError || e instanceof InferenceClientRoutingError) {
      return new ProviderError(AiState.InvalidParameterValue, `the Hugging Face client refused the request: ${excerpt(redact(e.message, [this.def.apiKey], inputs))}`, false);
    }
    if (last) return protocolError("the answer could not be read");
    return fetchFailure(e, false, undefined);
  }
}

function serverMessage(text: string): string {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const e = j.error;
    if (typeof e === "string") return e;
    if (e && typeof e === "object" && typeof (e as { message?: unknown }).message === "string") return (e as { message: string }).message;
    if (typeof j.message === "string") return j.message;
    if (typeof j.detail === "string") return j.detail;
  } catch {
    // plain text
  }
  return text;
}

/**
 * Shapes a feature-extraction answer into one vector per input: [[...], ...] is taken as is; a
 * single input may come back as a flat [...]; token-level output [[[...]]] is mean-pooled.
 */
function poolRows(out: unknown, n: number): Float32Array[] {
  if (!Array.isArray(out)) throw protocolError("feature extraction did not return an array");
  let rows: unknown[] = out;
  if (n === 1 && rows.length > 0 && typeof rows[0] === "number") rows = [rows];
  if (rows.length !== n) throw protocolError(`${rows.length} embeddings for ${n} inputs`);
  return rows.map((row, i) => {
    if (Array.isArray(row) && row.length > 0 && Array.isArray(row[0])) return meanPool(row as unknown[], i);
    const v = toFloat32(row);
    if (!v) throw protocolError(`embedding ${i} is not an array of numbers`);
    return v;
  });
}

function meanPool(tokens: unknown[], i: number): Float32Array {
  const vs = tokens.map((t) => toFloat32(t));
  if (vs.some((v) => !v) || vs.length === 0) throw protocolError(`embedding ${i} is not an array of numbers`);
  const dims = vs[0]!.length;
  const acc = new Float64Array(dims);
  for (const v of vs) {
    if (v!.length !== dims) throw protocolError(`embedding ${i} has tokens of different lengths`);
    for (let k = 0; k < dims; k++) acc[k] += v![k];
  }
  return Float32Array.from(acc, (x) => x / vs.length);
}
