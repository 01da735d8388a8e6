import { describe, expect, it } from "vitest";
import type { AiMapNode } from "../../planner/physical-plan.js";
import { SqlError, SqlState } from "../../types/index.js";
import type { AsyncModelCalls } from "../message.js";
import { barrier, chunk, col, I32, recorder, TEXT, testEnv } from "../testing.js";
import { AsyncAiMap } from "./async-ai-map.js";

/** A model whose answers the test releases by hand, in any order. */
function heldModel(batch = 100) {
  const calls: { inputs: readonly (string | null)[]; options: readonly (string | null)[]; resolve: (v: unknown[]) => void; reject: (e: Error) => void; signal: AbortSignal }[] = [];
  const models: AsyncModelCalls = {
    call: (_kind, _model, inputs, options, signal) =>
      new Promise((resolve, reject) => {
        calls.push({ inputs, options, resolve, reject, signal });
        signal.addEventListener("abort", () => reject(new SqlError(SqlState.QueryCanceled, "canceled")));
      }),
    batchSize: () => batch,
  };
  const answer = (i: number) => calls[i].resolve(calls[i].inputs.map((t) => (t === null ? null : `re: ${t}`)));
  return { models, calls, answer };
}

const node: AiMapNode = {
  kind: "ai_map",
  types: [I32, TEXT, TEXT],
  input: { kind: "empty", types: [I32, TEXT] },
  calls: [{ kind: "generate", model: "llm", input: col(1, TEXT), options: null, type: TEXT }],
  retractable: false,
};

const tick = () => new Promise((r) => setTimeout(r, 15));

describe("AsyncAiMap", () => {
  it("appends the answers in arrival order, holding barriers and watermarks behind unanswered rows", async () => {
    const m = heldModel(2);
    const r = recorder();
    const env = testEnv();
    const op = new AsyncAiMap(node, { ...env, ctx: { ...env.ctx, models: m.models } }, r.emit);
    op.push(0, barrier(1)); // nothing pending: passes at once
    expect(r.out).toEqual([{ barrier: 1, final: false }]);
    op.push(0, chunk([I32, TEXT], [[1, "a"], [2, null]], [1, 1])); // a full batch: sent now
    op.push(0, chunk([I32, TEXT], [[3, "c"]], [-1]));
    op.push(0, { kind: "watermark", column: 0, value: 3 });
    op.push(0, barrier(2)); // sends the partial batch without waiting for the delay
    expect(m.calls.map((c) => c.inputs)).toEqual([["a", null], ["c"]]);
    expect(op.pendingRows).toBe(3);
    m.answer(1); // the second batch answers first: nothing may overtake the first
    await tick();
    expect(r.out).toHaveLength(1);
    m.answer(0);
    await op.progress();
    expect(r.out.slice(1)).toEqual([
      { rows: [[1, 1, "a", "re: a"], [1, 2, null, null], [-1, 3, "c", "re: c"]] },
      { watermark: 0, value: 3 },
      { barrier: 2, final: false },
    ]);
    expect(op.pendingRows).toBe(0);
  });

  it("micro-batches small chunks that arrive within the delay into one call", async () => {
    const m = heldModel(100);
    const r = recorder();
    const env = testEnv();
    const op = new AsyncAiMap(node, { ...env, ctx: { ...env.ctx, models: m.models } }, r.emit);
    for (let i = 0; i < 5; i++) op.push(0, chunk([I32, TEXT], [[i, `t${i}`]], [1]));
    expect(m.calls).toHaveLength(0);
    await tick();
    expect(m.calls.map((c) => c.inputs)).toEqual([["t0", "t1", "t2", "t3", "t4"]]);
    m.answer(0);
    await op.progress();
    expect(r.rows().map((row) => row[3])).toEqual(["re: t0", "re: t1", "re: t2", "re: t3", "re: t4"]);
  });

  it("retractable input: a delete carries its insert's answer and asks the model nothing", async () => {
    const m = heldModel(100);
    const r = recorder();
    const env = testEnv();
    const op = new AsyncAiMap({ ...node, retractable: true }, { ...env, ctx: { ...env.ctx, models: m.models } }, r.emit);
    op.push(0, chunk([I32, TEXT], [[1, "a"], [1, "a"], [2, "b"]], [1, 1, 1]));
    op.push(0, barrier(1));
    m.calls[0].resolve(["first", "second", "B"]); // a model that answers the same input differently
    await op.progress();
    expect(op.stateRows).toBe(2);
    op.push(0, chunk([I32, TEXT], [[1, "a"], [2, "b"], [2, "b"]], [-1, -1, 1]));
    op.push(0, barrier(2));
    expect(m.calls[1].inputs).toEqual([null, null, "b"]);
    m.calls[1].resolve([null, null, "B again"]);
    await op.progress();
    expect(r.out).toEqual([
      { rows: [[1, 1, "a", "first"], [1, 1, "a", "second"], [1, 2, "b", "B"]] },
      { barrier: 1, final: false },
      { rows: [[-1, 1, "a", "second"], [-1, 2, "b", "B"], [1, 2, "b", "B again"]] },
      { barrier: 2, final: false },
    ]);
    expect(op.stateRows).toBe(2); // one copy of (1, a) and the new (2, b) are live
  });

  it("a failed call (on_error = 'fail') stops it; close() aborts calls in flight", async () => {
    const m = heldModel(1);
    const r = recorder();
    const env = testEnv();
    const op = new AsyncAiMap(node, { ...env, ctx: { ...env.ctx, models: m.models } }, r.emit);
    op.push(0, chunk([I32, TEXT], [[1, "a"]], [1]));
    op.push(0, barrier(5));
    m.calls[0].reject(new SqlError(SqlState.InvalidParameterValue, "bad input"));
    await op.progress();
    expect(op.failure).toMatchObject({ code: "22023" });
    op.push(0, chunk([I32, TEXT], [[2, "b"]], [1]));
    op.push(0, barrier(6));
    expect(r.out).toEqual([]); // a failed view emits nothing more, not even barriers
    const m2 = heldModel(1);
    const op2 = new AsyncAiMap(node, { ...env, ctx: { ...env.ctx, models: m2.models } }, recorder().emit);
    op2.push(0, chunk([I32, TEXT], [[1, "a"]], [1]));
    op2.close();
    expect(m2.calls[0].signal.aborted).toBe(true);
    expect(op2.pendingRows).toBe(0);
  });
});
