// AsyncAiMap: EMBED/GENERATE with a remote model inside a continuous query. Each input chunk's
// model inputs are computed, and the chunk waits here while the model answers; the output is the
// chunk with one column appended per call, in arrival order. Small chunks are micro-batched: rows
// collect until a model's batch size is reached, a short delay passes, or a barrier/watermark
// arrives, then go out as one call per model call site (the model layer dedups, looks up the
// cache, splits into requests, bounds concurrency and retries). Barriers and watermarks wait
// behind the chunks before them, so an epoch closes only once its rows are answered.
// When the input can delete rows (node.retractable), a delete is not sent to the model: it carries
// the answer its insert got, kept per input row — a model (an LLM at temperature > 0, a cache that
// forgot) need not answer the same twice, and the view must delete exactly the row it holds.
// State: the chunks waiting for answers (bounded: the runtime stops feeding writes while
// `pendingRows` is over its limit); for retractable input, the answers emitted per live input row;
// after an on_error = 'fail' failure, that failure.

import { setMaxListeners } from "node:events";
import type { AiMapNode } from "../../planner/physical-plan.js";
import { Chunk, Column, Jsonb, SqlError, SqlState } from "../../types/index.js";
import { compileExpr, type CompiledExpr } from "../expression/compile.js";
import { exactRowKeys, type KeyPrimitive } from "../row-key.js";
import type { AsyncModelCalls, AsyncOperator, Emit, Message, OperatorEnv } from "../message.js";

/** How long rows wait for more rows to fill a batch before they are sent anyway. */
export const MICRO_BATCH_DELAY_MS = 5;

interface Waiting {
  chunk: Chunk;
  /** per call site: the text sent for each row (null: no call, the answer is NULL) */
  inputs: (string | null)[][];
  options: (string | null)[][];
  /** per call site: the answers, once they came */
  answers: unknown[][] | null;
}

type Entry = { kind: "chunk"; waiting: Waiting } | { kind: "message"; msg: Message };

/** Structured output (json_schema) arrives as JSON text. */
function toJsonb(v: unknown): unknown {
  return typeof v === "string" ? Jsonb.parse(v) : v;
}

function textColumn(col: Column, n: number): (string | null)[] {
  const out = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const v = col.get(i);
    out[i] = v === null ? null : String(v);
  }
  return out;
}

export class AsyncAiMap implements AsyncOperator {
  readonly name = "AsyncAiMap";
  readonly stateFields = ["emitted", "rowsOut"] as const;
  private readonly inputs: CompiledExpr[];
  private readonly options: (CompiledExpr | null)[];
  private readonly models: AsyncModelCalls;
  private readonly batchRows: number;
  /** everything accepted and not yet emitted, in arrival order */
  private queue: Entry[] = [];
  /** chunks not yet sent to the model (the micro-batch being filled) */
  private collecting: Waiting[] = [];
  private collectingRows = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly abort = new AbortController();
  private waiters: (() => void)[] = [];
  /** retractable input: per input row (by value), the answer tuples emitted with its live copies */
  private readonly emitted = new Map<KeyPrimitive, unknown[][]>();
  pendingRows = 0;
  failure: Error | null = null;

  /** Rows waiting for answers are only in the log: no checkpoint may be taken past them. */
  checkpointBlocker(): string | null {
    // a view stopped by a failure (on_error = 'fail') keeps the log, so that a restart meets the failure again
    if (this.failure) return `a view stopped: ${this.failure.message}`;
    return this.pendingRows > 0 ? `${this.pendingRows} rows are waiting for model answers` : null;
  }
  /** rows answered and emitted so far */
  rowsOut = 0;

  constructor(
    private readonly node: AiMapNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {
    const models = env.ctx.models;
    if (!models) throw new SqlError(SqlState.FeatureNotSupported, "remote model calls are not available here");
    this.models = models;
    this.inputs = node.calls.map((c) => compileExpr(c.input));
    this.options = node.calls.map((c) => (c.options ? compileExpr(c.options) : null));
    // every request in flight listens on the one signal (cancellation on DROP): no leak warning
    setMaxListeners(0, this.abort.signal);
    this.batchRows = Math.max(1, Math.min(...node.calls.map((c) => models.batchSize(c.model))));
  }

  push(_port: number, msg: Message): void {
    if (this.failure) return; // a failed view takes nothing more
    if (msg.kind === "chunk") {
      this.accept(msg.chunk);
      return;
    }
    if (this.queue.length === 0) {
      this.emit(msg); // nothing is waiting: barriers and watermarks pass straight through
      return;
    }
    this.queue.push({ kind: "message", msg });
    this.dispatch(); // an epoch is closing: do not sit on its rows for the batching delay
  }

  private accept(chunk: Chunk): void {
    const n = chunk.length;
    if (n === 0) return;
    const { ctx } = this.env;
    const outer = this.env.outer;
    const inputs = this.inputs.map((e) => textColumn(e(chunk, ctx, outer), n));
    if (this.node.retractable) {
      // deletes take their insert's answer when emitted (drain): nothing to ask
      for (let i = 0; i < n; i++) if (chunk.op(i) < 0) for (const col of inputs) col[i] = null;
    }
    const options = this.options.map((e) => (e ? textColumn(e(chunk, ctx, outer), n) : new Array<string | null>(n).fill(null)));
    const waiting: Waiting = { chunk, inputs, options, answers: null };
    this.queue.push({ kind: "chunk", waiting });
    this.pendingRows += n;
    this.collecting.push(waiting);
    this.collectingRows += n;
    if (this.collectingRows >= this.batchRows) this.dispatch();
    else if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.dispatch();
      }, MICRO_BATCH_DELAY_MS);
    }
  }

  /** Sends the rows collected so far: one call per call site over all their chunks. */
  private dispatch(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.collecting;
    if (batch.length === 0) return;
    this.collecting = [];
    this.collectingRows = 0;
    const calls = this.node.calls.map((call, c) =>
      this.models.call(
        call.kind,
        call.model,
        batch.flatMap((w) => w.inputs[c]),
        batch.flatMap((w) => w.options[c]),
        this.abort.signal,
      ),
    );
    Promise.all(calls).then(
      (answers) => {
        let offset = 0;
        for (const w of batch) {
          const n = w.chunk.length;
          w.answers = answers.map((a) => a.slice(offset, offset + n));
          offset += n;
        }
        this.drain();
      },
      (e: unknown) => this.fail(e instanceof Error ? e : new Error(String(e))),
    );
  }

  /** Emits the head of the queue while it is answered (order is arrival order). */
  private drain(): void {
    if (this.failure) return;
    let emitted = false;
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (head.kind === "chunk") {
        const w = head.waiting;
        if (w.answers === null) break;
        this.queue.shift();
        if (this.node.retractable) this.pairRetractions(w);
        const cols = this.node.calls.map((call, c) => Column.fromValues(call.type, call.type.id === "jsonb" ? w.answers![c].map(toJsonb) : w.answers![c]));
        this.pendingRows -= w.chunk.length;
        this.rowsOut += w.chunk.length;
        this.emit({ kind: "chunk", chunk: w.chunk.withColumns([...w.chunk.columns, ...cols]) });
      } else {
        this.queue.shift();
        this.emit(head.msg);
      }
      emitted = true;
    }
    if (emitted) {
      this.wake();
      this.env.ctx.asyncEmitted?.();
    }
  }

  /** In row order: an insert records its answers, a delete takes those of a live copy of its row. */
  private pairRetractions(w: Waiting): void {
    const chunk = w.chunk;
    const answers = w.answers!;
    const keys = exactRowKeys(chunk.columns, chunk.length);
    for (let i = 0; i < chunk.length; i++) {
      const k = keys[i];
      if (chunk.op(i) > 0) {
        const tuple = answers.map((a) => a[i]);
        const list = this.emitted.get(k);
        if (list) list.push(tuple);
        else this.emitted.set(k, [tuple]);
        continue;
      }
      const list = this.emitted.get(k);
      const tuple = list?.pop();
      if (list !== undefined && list.length === 0) this.emitted.delete(k);
      if (tuple !== undefined) answers.forEach((a, c) => (a[i] = tuple[c]));
    }
  }

  /** Rows waiting for model answers: this operator's backpressure (OperatorStats.queuedRows). */
  get queuedRows(): number {
    return this.pendingRows;
  }

  /** Distinct input rows whose answers are kept for their deletes. */
  get stateRows(): number {
    return this.emitted.size;
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    this.queue = [];
    this.collecting = [];
    this.pendingRows = 0;
    this.abort.abort();
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  progress(): Promise<void> {
    if (this.pendingRows === 0 || this.failure) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    this.queue = [];
    this.collecting = [];
    this.pendingRows = 0;
    this.wake();
  }
}
