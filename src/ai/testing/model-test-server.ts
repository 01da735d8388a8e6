// Real HTTP model servers for the tests (node:http on 127.0.0.1, port 0): one speaking the OpenAI
// embeddings and chat completions APIs, one speaking Hugging Face TEI's feature extraction (POST /
// and /embed) and TGI's OpenAI-style chat. They record every request, and misbehave on demand:
//   - server.script(...) queues replies for the next requests (status, headers, body, delay, or a
//     dropped connection), consumed one per request before the normal handler runs;
//   - markers inside an input change that request: "[400]" → HTTP 400 that echoes the input and
//     the Authorization header back (to test redaction), "[slow]" → slowMs (600 ms) delay, "[dims]" → that
//     row's vector is one dimension short, "[malformed]" → a body that is not JSON, "[nojson]" →
//     chat answer that is not JSON although a schema was asked.
// Embeddings are deterministic functions of the text; OpenAI answers list them in reverse order
// (with their index) so that callers must reorder.

import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  receivedAt: number;
}

export type ScriptedReply =
  | { status: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  | { delayMs: number; then: "normal" }
  | { drop: true };

export type ApiFlavour = "openai" | "tei";

/** The test server's vector for a text: deterministic, `dims` long, unit length. */
export function testVector(text: string, dims: number): number[] {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  const v: number[] = [];
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0;
    const x = (h / 4294967296) * 2 - 1;
    v.push(x);
    norm += x * x;
  }
  return v.map((x) => x / Math.sqrt(norm));
}

export class ModelTestServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: ScriptedReply[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly sockets = new Set<import("node:net").Socket>();
  /** requests whose client went away before the answer */
  aborted = 0;
  /** how long a "[slow]" input is held (a test telling "held" from "at once" on a loaded machine raises it) */
  slowMs = 600;

  private constructor(
    private readonly server: Server,
    readonly flavour: ApiFlavour,
    readonly dims: number,
  ) {}

  static async start(flavour: ApiFlavour, dims = 8): Promise<ModelTestServer> {
    let self: ModelTestServer | undefined;
    const server = createServer((req, res) => void self!.handle(req, res));
    self = new ModelTestServer(server, flavour, dims);
    server.on("connection", (s) => {
      self!.sockets.add(s);
      s.on("close", () => self!.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return self;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Queues replies for the next requests, in order. */
  script(...replies: ScriptedReply[]): void {
    this.queue.push(...replies);
  }

  /** Forgets the recorded requests, the queued replies and the counters; "[slow]" is 600 ms again. */
  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.maxInFlight = 0;
    this.aborted = 0;
    this.slowMs = 600;
  }

  /** Inputs of each embedding request, in the order the requests arrived. */
  embeddingBatches(): string[][] {
    return this.requests
      .filter((r) => r.path.endsWith("/embeddings") || r.path === "/" || r.path === "/embed")
      .map((r) => {
        const b = r.body as { input?: string[]; inputs?: string[] | string };
        const x = b.input ?? b.inputs ?? [];
        return Array.isArray(x) ? x : [x];
      });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text
    }
    const rec: RecordedRequest = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, receivedAt: Date.now() };
    this.requests.push(rec);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let closed = false;
    res.on("close", () => {
      if (!res.writableFinished) {
        closed = true;
        this.aborted++;
      }
    });
    try {
      const scripted = this.queue.shift();
      if (scripted) {
        if ("drop" in scripted) {
          req.socket.destroy();
          return;
        }
        if (scripted.delayMs) await delay(scripted.delayMs);
        if (closed) return;
        if ("status" in scripted) {
          res.writeHead(scripted.status, { "content-type": "application/json", ...scripted.headers });
          res.end(scripted.body ?? JSON.stringify({ error: { message: `scripted ${scripted.status}` } }));
          return;
        }
      }
      const reply = this.flavour === "openai" ? this.openAi(rec) : this.tei(rec);
      if (reply.delayMs) await delay(reply.delayMs);
      if (closed) return;
      res.writeHead(reply.status, { "content-type": reply.contentType ?? "application/json" });
      res.end(reply.body);
    } finally {
      this.inFlight--;
    }
  }

  private inputsOf(rec: RecordedRequest): string[] {
    const b = rec.body as { input?: unknown; inputs?: unknown };
    const x = b?.input ?? b?.inputs;
    return Array.isArray(x) ? x.map(String) : typeof x === "string" ? [x] : [];
  }

  private common(rec: RecordedRequest, inputs: string[]): Reply | undefined {
    const all = inputs.join(" ");
    if (all.includes("[400]")) {
      const auth = String(rec.headers.authorization ?? "");
      return { status: 400, body: JSON.stringify({ error: { message: `rejected input "${inputs.find((i) => i.includes("[400]"))}" (auth was ${auth})` } }) };
    }
    if (all.includes("[malformed]")) return { status: 200, body: "{not json" };
    if (all.includes("[slow]")) return { status: 200, body: "", delayMs: this.slowMs, slowThen: true };
    return undefined;
  }

  private openAi(rec: RecordedRequest): Reply {
    if (rec.path === "/v1/embeddings") {
      const inputs = this.inputsOf(rec);
      const special = this.common(rec, inputs);
      if (special && !special.slowThen) return special;
      const data = inputs.map((t, index) => ({ object: "embedding", index, embedding: testVector(t, t.includes("[dims]") ? this.dims - 1 : this.dims) })).reverse();
      const tokens = inputs.reduce((n, t) => n + t.split(/\s+/).filter(Boolean).length, 0);
      return { status: 200, delayMs: special?.delayMs, body: JSON.stringify({ object: "list", data, model: (rec.body as { model?: string }).model, usage: { prompt_tokens: tokens, total_tokens: tokens } }) };
    }
    if (rec.path === "/v1/chat/completions") return this.chat(rec);
    return { status: 404, body: JSON.stringify({ error: { message: `no route ${rec.path}` } }) };
  }

  private chat(rec: RecordedRequest): Reply {
    const b = rec.body as { messages?: { role: string; content: string }[]; response_format?: { type: string }; temperature?: number; max_tokens?: number };
    const messages = b.messages ?? [];
    const user = messages.filter((m) => m.role === "user").map((m) => m.content).join("\n");
    const special = this.common(rec, [user]);
    if (special && !special.slowThen) return special;
    const system = messages.find((m) => m.role === "system")?.content;
    let content: string;
    if (b.response_format?.type === "json_schema") {
      content = user.includes("[nojson]") ? "Sure! Here is your JSON: {" : JSON.stringify({ answer: user, words: user.split(/\s+/).length });
    } else {
      content = `echo: ${user}${system ? ` (system: ${system})` : ""}${b.temperature !== undefined ? ` (t=${b.temperature})` : ""}`;
    }
    const prompt = messages.reduce((n, m) => n + m.content.split(/\s+/).filter(Boolean).length, 0);
    const completion = content.split(/\s+/).length;
    return {
      status: 200,
      delayMs: special?.delayMs,
      body: JSON.stringify({
        id: "chatcmpl-test",
        object: "chat.completion",
        created: 0,
        model: "test",
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
        usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
      }),
    };
  }

  private tei(rec: RecordedRequest): Reply {
    if (rec.path === "/" || rec.path === "/embed") {
      const inputs = this.inputsOf(rec);
      const special = this.common(rec, inputs);
      if (special && !special.slowThen) {
        // TEI's error shape: {"error": "...", "error_type": "..."}
        if (special.status === 400) return { status: 413, body: JSON.stringify({ error: JSON.parse(special.body).error.message, error_type: "Validation" }) };
        return special;
      }
      const rows = inputs.map((t) => testVector(t, t.includes("[dims]") ? this.dims - 1 : this.dims));
      return { status: 200, delayMs: special?.delayMs, body: JSON.stringify(rows) };
    }
    if (rec.path === "/v1/chat/completions") return this.chat(rec);
    return { status: 404, body: JSON.stringify({ error: "Not Found", error_type: "not_found" }) };
  }
}

interface Reply {
  status: number;
  body: string;
  delayMs?: number;
  contentType?: string;
  slowThen?: boolean;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
