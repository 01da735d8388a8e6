import { describe, expect, it } from "vitest";
import { Decimal } from "../../types/index.js";
import { decodeState, encodeState, HOLE, registerStateClasses, registerStateSymbol, StateEncodeError } from "./state-codec.js";
import { restoreObjects, snapshotObjects } from "./operator-state.js";
import "./state-classes.js";

class Acc {
  n = 0;
  constructor(readonly cmp: (a: number, b: number) => number) {}
}
class Slots {
  accs: Acc[] = [];
  constructor(private readonly make: () => Acc) {}
  stateTemplate(field: string): object | undefined {
    return field === "accs" ? this.make() : undefined;
  }
}
const GONE = Symbol("gone");
class Op {
  readonly name = "Op";
  readonly stateFields = ["slots", "seen", "shared", "alias", "total", "mark", "big"] as const;
  slots = new Slots(() => new Acc((a, b) => a - b));
  seen = new Map<string, number[]>();
  shared: number[] = [];
  alias: { list: number[] } = { list: this.shared };
  big = new BigInt64Array(4);
  view = new Int32Array(this.big.buffer);
  total: Decimal = Decimal.ZERO;
  mark: unknown = null;
  readonly emit = (): void => {};
}
registerStateClasses(Acc, Slots, Op);
registerStateSymbol("test.gone", GONE);

describe("checkpoint state codec", () => {
  it("round-trips maps, bigints, typed arrays, shared references and cycles", () => {
    const shared = { k: 1n };
    const v: Record<string, unknown> = { m: new Map([["a", shared]]), s: new Set([1, 2]), t: new Float64Array([1.5, 2]), again: shared, d: Decimal.parse("12.50") };
    v.self = v;
    const back = decodeState(encodeState(v)) as typeof v;
    expect((back.m as Map<string, unknown>).get("a")).toBe(back.again);
    expect(back.self).toBe(back);
    expect([...(back.t as Float64Array)]).toEqual([1.5, 2]);
    expect((back.d as Decimal).toString()).toBe("12.50");
    expect(back.d).toBeInstanceOf(Decimal);
  });

  it("turns functions into holes and refuses unregistered classes and symbols", () => {
    expect(decodeState(encodeState({ f: () => 1 }))).toEqual({ f: HOLE });
    class Unknown {}
    expect(() => encodeState({ x: new Unknown() })).toThrow(StateEncodeError);
    expect(() => encodeState([Symbol("x")])).toThrow(StateEncodeError);
  });

  it("restores into a rebuilt operator: fresh functions kept, accumulators made by its factory, aliases kept, constants untouched", () => {
    const a = new Op();
    a.slots.accs.push(new Acc((x, y) => x - y), new Acc((x, y) => x - y));
    a.slots.accs[1].n = 7;
    a.seen.set("k", [1, 2]);
    a.shared.push(5);
    a.big[0] = 42n;
    a.total = Decimal.parse("3.25");
    a.mark = GONE;
    const bytes = snapshotObjects([a]);
    const b = new Op();
    const fresh = b.slots;
    restoreObjects([b], bytes);
    expect(b.slots).toBe(fresh);
    expect(b.slots.accs[1].n).toBe(7);
    expect(b.slots.accs[1].cmp(3, 1)).toBe(2); // the function came from the factory
    expect(b.seen.get("k")).toEqual([1, 2]);
    expect(b.alias.list).toBe(b.shared); // fresh aliasing survives
    expect(b.shared).toEqual([5]);
    expect(b.total.toString()).toBe("3.25");
    expect(Decimal.ZERO.toString()).toBe("0"); // a value object is replaced, never merged into a constant
    expect(b.mark).toBe(GONE);
    expect(b.view[0]).toBe(42); // a typed array is copied into the fresh one, which others view

  });

  it("refuses state that does not match the rebuilt operators", () => {
    const bytes = snapshotObjects([new Op()]);
    expect(() => restoreObjects([new Op(), new Op()], bytes)).toThrow(/does not match/);
  });
});
