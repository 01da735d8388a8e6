// pgvector semantics (values worked out from pgvector 0.8 src/vector.c: float32 accumulation,
// distances returned as double precision); the reference server has no pgvector installed.
import { describe, it, expect } from "vitest";
import { callFn, callOp, i4, lit, vec } from "../testing.js";
import * as S from "../index.js";

describe("pgvector operators and functions", () => {
  it("select '[1,2,3]'::vector <-> '[4,5,6]'", () => {
    expect(callOp("<->", vec("[1,2,3]"), lit("[4,5,6]"))).toBe("5.196152422706632");
  });
  it("select '[1,2,3]'::vector <=> '[4,5,6]'", () => {
    expect(callOp("<=>", vec("[1,2,3]"), lit("[4,5,6]"))).toBe("0.025368153802923787");
  });
  it("select '[1,2,3]'::vector <#> '[4,5,6]'", () => {
    expect(callOp("<#>", vec("[1,2,3]"), lit("[4,5,6]"))).toBe("-32");
  });
  it("select '[1,2,3]'::vector <+> '[4,5,6]'", () => {
    expect(callOp("<+>", vec("[1,2,3]"), lit("[4,5,6]"))).toBe("9");
  });
  it("select '[1,2,3]'::vector <-> '[1,2]'", () => {
    expect(callOp("<->", vec("[1,2,3]"), lit("[1,2]"))).toBe("ERROR 22000: different vector dimensions 3 and 2");
  });
  it("select '[0,0]'::vector <=> '[1,1]'", () => {
    expect(callOp("<=>", vec("[0,0]"), lit("[1,1]"))).toBe("NaN");
  });
  it("select '[1,2]'::vector + '[3,4.5]'", () => {
    expect(callOp("+", vec("[1,2]"), lit("[3,4.5]"))).toBe("[4,6.5]");
  });
  it("select '[1,2]'::vector - '[3,4.5]'", () => {
    expect(callOp("-", vec("[1,2]"), lit("[3,4.5]"))).toBe("[-2,-2.5]");
  });
  it("select '[1,2]'::vector * '[3,4.5]'", () => {
    expect(callOp("*", vec("[1,2]"), lit("[3,4.5]"))).toBe("[3,9]");
  });
  it("select '[1,2]'::vector || '[3]'", () => {
    expect(callOp("||", vec("[1,2]"), lit("[3]"))).toBe("[1,2,3]");
  });
  it("select '[1,2]'::vector < '[1,3]'", () => {
    expect(callOp("<", vec("[1,2]"), lit("[1,3]"))).toBe("t");
  });
  it("select '[1,2]'::vector = '[1,2]'", () => {
    expect(callOp("=", vec("[1,2]"), lit("[1,2]"))).toBe("t");
  });
  it("select l2_distance('[1,2]', '[3,4]')", () => {
    expect(callFn("l2_distance", vec("[1,2]"), lit("[3,4]"))).toBe("2.8284271247461903");
  });
  it("select inner_product('[1,2]'::vector, '[3,4]')", () => {
    expect(callFn("inner_product", vec("[1,2]"), lit("[3,4]"))).toBe("11");
  });
  it("select cosine_distance('[1,0]'::vector, '[0,1]')", () => {
    expect(callFn("cosine_distance", vec("[1,0]"), lit("[0,1]"))).toBe("1");
  });
  it("select l1_distance('[1,2]'::vector, '[3,5]')", () => {
    expect(callFn("l1_distance", vec("[1,2]"), lit("[3,5]"))).toBe("5");
  });
  it("select vector_dims('[1,2,3]'::vector)", () => {
    expect(callFn("vector_dims", vec("[1,2,3]"))).toBe("3");
  });
  it("select vector_norm('[3,4]'::vector)", () => {
    expect(callFn("vector_norm", vec("[3,4]"))).toBe("5");
  });
  it("select l2_normalize('[3,4]'::vector)", () => {
    expect(callFn("l2_normalize", vec("[3,4]"))).toBe("[0.6,0.8]");
  });
  it("select subvector('[1,2,3,4,5]'::vector, 2, 3)", () => {
    expect(callFn("subvector", vec("[1,2,3,4,5]"), i4(2), i4(3))).toBe("[2,3,4]");
  });
  it("select '[1.5,-0.1,1e-7,123456789]'::vector", () => {
    expect(S.formatValue(S.Types.vector(), S.parseValue(S.Types.vector(), "[1.5,-0.1,1e-7,123456789]"))).toBe("[1.5,-0.1,1e-07,1.2345679e+08]");
  });
});
