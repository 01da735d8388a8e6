import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Chunk, Decimal, Interval, Types } from "../types/index.js";
import { partitionOfVnode, relationVnodes, VNODE_COUNT, vnodeOf, vnodeRange, vnodesOfColumns } from "./vnode.js";

const SAMPLES: { types: (typeof Types.integer)[]; values: unknown[] }[] = [
  { types: [Types.integer], values: [1] },
  { types: [Types.integer], values: [-7] },
  { types: [Types.bigint], values: [9007199254740993n] },
  { types: [Types.text], values: ["hello"] },
  { types: [Types.text, Types.integer], values: ["a", 2] },
  { types: [Types.double], values: [0.5] },
  { types: [Types.boolean], values: [true] },
  { types: [Types.integer, Types.text], values: [null, "x"] },
  { types: [Types.numeric], values: [Decimal.parse("12.50")] },
  { types: [Types.interval], values: [new Interval(1, 2, 3)] },
];

describe("vnodes", () => {
  it("equal SQL values give equal vnodes, across column types and representations", () => {
    // an integer in an int, bigint or double column, -0 and 0
    const v = vnodeOf([5], [Types.integer]);
    expect(vnodeOf([5n], [Types.bigint])).toBe(v);
    expect(vnodeOf([5], [Types.double])).toBe(v);
    expect(vnodeOf([-0], [Types.double])).toBe(vnodeOf([0], [Types.integer]));
    expect(vnodeOf([NaN], [Types.double])).toBe(vnodeOf([Number.NaN], [Types.double]));
    // numeric 1.0 and 1.00, intervals of one day and 24 hours are one group
    expect(vnodeOf([Decimal.parse("1.0")], [Types.numeric])).toBe(vnodeOf([Decimal.parse("1.00")], [Types.numeric]));
    expect(vnodeOf([Interval.parse("1 day")], [Types.interval])).toBe(vnodeOf([Interval.parse("24 hours")], [Types.interval]));
    // char(n) ignores trailing blanks
    expect(vnodeOf(["ab  "], [{ id: "char", length: 4 }])).toBe(vnodeOf(["ab"], [{ id: "char", length: 4 }]));
    // without types, values key by their JS form
    expect(vnodeOf([Decimal.parse("2.50")])).toBe(vnodeOf([Decimal.parse("2.5")], [Types.numeric]));
  });

  it("the columnar form agrees with vnodeOf row by row", () => {
    // ints of both signs, bigints inside and beyond ±2^53, doubles integral or not (and -0, NaN)
    const doubles = [0.5, -0, Number.NaN, 3, -2.25, 1e300, -7];
    const rows = Array.from({ length: 300 }, (_, i) => [
      i % 17 === 0 ? null : (i - 150) * 7919,
      `k${i % 13}`,
      i % 11 === 0 ? null : (BigInt(i) - 150n) * (i % 3 === 0 ? 1000000007n : 123456789012345n),
      i % 7 === 0 ? null : doubles[i % doubles.length],
    ]);
    const types = [Types.integer, Types.text, Types.bigint, Types.double];
    const chunk = Chunk.fromRows(types, rows);
    const got = vnodesOfColumns(chunk.columns, chunk.length);
    rows.forEach((r, i) => expect(got[i]).toBe(vnodeOf(r, types)));
  });

  it("spreads keys over the vnodes", () => {
    const seen = new Set<number>();
    const perVnode = new Array<number>(VNODE_COUNT).fill(0);
    for (let i = 0; i < 25600; i++) {
      const v = vnodeOf([i], [Types.integer]);
      seen.add(v);
      perVnode[v]++;
    }
    expect(seen.size).toBe(VNODE_COUNT);
    expect(Math.max(...perVnode)).toBeLessThan(200); // 100 expected per vnode
  });

  it("partition p owns [floor(p*256/P), floor((p+1)*256/P))", () => {
    for (const parts of [1, 2, 3, 4, 5, 7, 100, 255, 256]) {
      for (let v = 0; v < VNODE_COUNT; v++) {
        const p = partitionOfVnode(v, parts);
        const { first, end } = vnodeRange(p, parts);
        expect(v >= first && v < end, `vnode ${v} of ${parts}`).toBe(true);
        expect(first).toBe(Math.floor((p * 256) / parts));
      }
    }
  });

  it("is the same in another process", () => {
    const here = SAMPLES.map((s) => vnodeOf(s.values, s.types));
    // the compiled modules (npx tsc builds dist/, as for the tests that spawn the CLI)
    const vnodeModule = fileURLToPath(new URL("../../dist/src/executor/vnode.js", import.meta.url));
    const typesModule = fileURLToPath(new URL("../../dist/src/types/index.js", import.meta.url));
    // the samples again, built in the child from their text
    const script = `
      const { vnodeOf } = await import(${JSON.stringify(vnodeModule)});
      const { Decimal, Interval, Types } = await import(${JSON.stringify(typesModule)});
      const samples = [
        [[Types.integer], [1]], [[Types.integer], [-7]], [[Types.bigint], [9007199254740993n]], [[Types.text], ["hello"]],
        [[Types.text, Types.integer], ["a", 2]], [[Types.double], [0.5]], [[Types.boolean], [true]],
        [[Types.integer, Types.text], [null, "x"]], [[Types.numeric], [Decimal.parse("12.50")]], [[Types.interval], [new Interval(1, 2, 3)]],
      ];
      console.log(JSON.stringify(samples.map(([t, v]) => vnodeOf(v, t))));
    `;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(out.trim())).toEqual(here);
  });
});

describe("relationVnodes", () => {
  it("places a relation's rows by its key, else by its fixed-width columns", () => {
    const types = [Types.integer, Types.text, Types.bigint];
    const rows = [[1, "a long text", 10n], [1, "another", 10n], [2, "a long text", 10n]];
    const changes = Chunk.fromRows(types, rows);
    const byKey = relationVnodes(changes, [2, 0]);
    rows.forEach((r, i) => expect(byKey[i]).toBe(vnodeOf([r[2], r[0]], [Types.bigint, Types.integer])));
    const noKey = relationVnodes(changes, null);
    expect(noKey[0]).toBe(noKey[1]); // the texts are not hashed
    rows.forEach((r, i) => expect(noKey[i]).toBe(vnodeOf([r[0], r[2]], [Types.integer, Types.bigint])));
    const texts = Chunk.fromRows([Types.text], [["x"], ["y"]]);
    expect([...relationVnodes(texts, null)]).toEqual([vnodeOf(["x"], [Types.text]), vnodeOf(["y"], [Types.text])]);
  });
});
