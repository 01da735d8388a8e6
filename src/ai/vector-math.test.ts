// pgvector's operators and functions, with the values psql prints for pgvector 0.8.

import { describe, expect, it } from "vitest";
import {
  cosineDistance,
  distanceFunction,
  innerProduct,
  l1Distance,
  l2Distance,
  l2Normalize,
  l2SquaredDistance,
  negativeInnerProduct,
  vectorDims,
  vectorNorm,
} from "./vector-math.js";

const v = (...xs: number[]) => Float32Array.from(xs);

describe("vector math (pgvector semantics)", () => {
  it("computes the distances", () => {
    // SELECT '[1,2,3]'::vector <-> '[4,5,6]'  → 5.196152422706632
    expect(l2Distance(v(1, 2, 3), v(4, 5, 6))).toBe(5.196152422706632);
    expect(l2SquaredDistance(v(1, 2, 3), v(4, 5, 6))).toBe(27);
    // <#> → -32
    expect(negativeInnerProduct(v(1, 2, 3), v(4, 5, 6))).toBe(-32);
    expect(innerProduct(v(1, 2, 3), v(4, 5, 6))).toBe(32);
    // <=> → 0.025368153802923787
    expect(cosineDistance(v(1, 2, 3), v(4, 5, 6))).toBeCloseTo(0.025368153802923787, 7);
    // <+> → 9
    expect(l1Distance(v(1, 2, 3), v(4, 5, 6))).toBe(9);
    expect(cosineDistance(v(1, 0), v(-1, 0))).toBe(2);
    expect(cosineDistance(v(1, 1), v(1, 1))).toBe(0);
  });

  it("accumulates in single precision as pgvector does", () => {
    const a = v(0.1, 0.2, 0.3);
    const b = v(0.4, 0.5, 0.6);
    let acc = 0;
    for (let i = 0; i < 3; i++) acc = Math.fround(acc + Math.fround(a[i] * b[i]));
    expect(innerProduct(a, b)).toBe(acc);
  });

  it("gives NaN for the cosine distance of a zero vector", () => {
    expect(cosineDistance(v(0, 0), v(1, 2))).toBeNaN();
  });

  it("raises 22000 for different dimensions", () => {
    for (const f of [l2Distance, cosineDistance, negativeInnerProduct, l1Distance, innerProduct]) {
      expect(() => f(v(1, 2, 3), v(1, 2))).toThrowError("different vector dimensions 3 and 2");
      try {
        f(v(1, 2, 3), v(1, 2));
      } catch (e) {
        expect((e as { code: string }).code).toBe("22000");
      }
    }
  });

  it("norm, normalize, dims", () => {
    expect(vectorNorm(v(3, 4))).toBe(5);
    expect(Array.from(l2Normalize(v(3, 4)))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(l2Normalize(v(0, 0)))).toEqual([0, 0]);
    expect(vectorDims(v(1, 2, 3))).toBe(3);
  });

  it("maps operators to functions", () => {
    expect(distanceFunction("<->")).toBe(l2Distance);
    expect(distanceFunction("<=>")).toBe(cosineDistance);
    expect(distanceFunction("<#>")).toBe(negativeInnerProduct);
    expect(distanceFunction("<+>")).toBe(l1Distance);
  });
});
