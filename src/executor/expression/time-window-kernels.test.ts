import { describe, expect, it } from "vitest";
import type { BoundExpr } from "../../planner/physical-plan.js";
import { Chunk, getFunction, Interval, resolveFunction, resolveOperator, Types } from "../../types/index.js";
import { col, testContext } from "../testing.js";
import { compileExpr } from "./compile.js";
import { timeWindowKernel } from "./time-window-kernels.js";

const ctx = testContext({}, []);
const TS = Types.timestamp;
const TZ = Types.timestamptz;

// timestamps in µs: around 1970, negative (before 1970), exact bin edges, far future (slow path), infinities
const SAMPLES = [0, 1, -1, 1_999_999, 2_000_000, -2_000_000, -2_000_001, 1_700_000_123_456_789, -62_135_596_800_000_000, 9_000_000_000_000_000, 9_200_000_000_000_000_000, Infinity, -Infinity, null];

const iv = (us: number): BoundExpr => ({ kind: "const", type: Types.interval, value: new Interval(0, 0, us) });

function run(expr: BoundExpr, type: typeof TS): { kernel: unknown[]; registry: unknown[] } {
  const chunk = Chunk.fromRows([type], SAMPLES.map((v) => [v]));
  const out = compileExpr(expr)(chunk, ctx);
  const call = expr as Extract<BoundExpr, { kind: "call" }>;
  // the shape is one the kernel takes (else this would compare the registry with itself)
  expect(timeWindowKernel(call, [])).not.toBeNull();
  const fn = getFunction(call.fn);
  const registry = SAMPLES.map((v) => {
    if (v === null) return null;
    const args = call.args.map((a) => (a.kind === "const" ? a.value : v));
    try {
      return fn.eval(args, ctx.eval);
    } catch (e) {
      return `error ${(e as Error).message}`;
    }
  });
  return { kernel: SAMPLES.map((_, i) => out.get(i)), registry };
}

describe("time window kernels", () => {
  for (const type of [TS, TZ]) {
    it(`date_bin over ${type.id} equals the registry's date_bin, row for row`, () => {
      const bin = resolveFunction("date_bin", [Types.interval, type, type]);
      for (const [stride, origin] of [[2_000_000, 0], [10_000_000, 3_000_000], [86_400_000_000, -7]]) {
        const expr: BoundExpr = { kind: "call", fn: bin.id, args: [iv(stride), col(0, type), { kind: "const", type, value: origin }], type };
        const { kernel, registry } = run(expr, type);
        expect(kernel).toEqual(registry);
      }
    });

    it(`${type.id} ± interval equals the registry's operator, row for row`, () => {
      for (const name of ["+", "-"]) {
        const op = resolveOperator(name, type, Types.interval);
        for (const us of [0, 10_000_000, 7_777]) {
          const expr: BoundExpr = { kind: "call", fn: op.id, args: [col(0, type), iv(us)], type };
          const { kernel, registry } = run(expr, type);
          expect(kernel).toEqual(registry);
        }
      }
    });
  }

  it("raises the registry's error for a result out of range", () => {
    const op = resolveOperator("+", TS, Types.interval);
    const expr: BoundExpr = { kind: "call", fn: op.id, args: [col(0, TS), iv(9_000_000_000_000_000_000)], type: TS };
    const chunk = Chunk.fromRows([TS], [[0], [9_200_000_000_000_000_000]]);
    expect(() => compileExpr(expr)(chunk, ctx)).toThrow(/timestamp out of range/);
  });
});
