import { describe, expect, it } from "vitest";
import { Chunk } from "../../types/index.js";
import { barrier, I32, recorder, TEXT, testEnv } from "../testing.js";
import { Scan } from "./scan.js";

describe("Scan", () => {
  it("reads the chosen columns chunk by chunk, splitting chunks above 4096 rows, then forwards barriers", () => {
    const big = Chunk.fromRows([I32, TEXT], Array.from({ length: 5000 }, (_, i) => [i, `r${i}`]));
    const small = Chunk.fromRows([I32, TEXT], [[-1, "x"]], [-1]);
    const env = testEnv({ t: [big, Chunk.empty([I32, TEXT]), small] });
    const lengths: number[] = [];
    const r = recorder();
    const s = new Scan({ kind: "scan", types: [TEXT], relation: "t", name: "t", columns: [1] }, env, (m) => {
      if (m.kind === "chunk") lengths.push(m.chunk.length);
      r.emit(m);
    });
    let calls = 0;
    while (s.next()) calls++;
    s.push(0, barrier(1, true));
    expect(calls).toBe(2);
    expect(lengths).toEqual([4096, 904, 1]);
    const rows = r.rows();
    expect(rows[0]).toEqual([1, "r0"]);
    expect(rows[rows.length - 1]).toEqual([-1, "x"]);
    expect(r.out[r.out.length - 1]).toEqual({ barrier: 1, final: true });
  });
});
