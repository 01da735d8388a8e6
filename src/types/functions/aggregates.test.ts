import { describe, it, expect } from "vitest";
import { resolveAggregate, isAggregateName, AGGREGATES, numericVariance, floatVariance } from "./aggregates.js";
import { resolveWindowFunction, isWindowFunctionName } from "./window.js";
import { Types, typeName, DataType } from "../data-type.js";
import { Decimal } from "../numeric.js";
import { SqlError } from "../errors.js";

function agg(name: string, ...args: DataType[]): string {
  try {
    const r = resolveAggregate(name, args, false);
    if (r === null) return "not an aggregate";
    return `${r.id}(${r.argTypes.map(typeName).join(",")}) -> ${typeName(r.returnType)}`;
  } catch (e) {
    return `ERROR ${(e as SqlError).code}: ${(e as SqlError).message}`;
  }
}

const T = Types;

// Result types are what pg_typeof(agg(x)) prints in PostgreSQL 15.
describe("resolveAggregate", () => {
  it("count", () => {
    expect(agg("count")).toBe("count_star() -> bigint");
    expect(agg("COUNT", T.text)).toBe("count(text) -> bigint");
    expect(agg("count", T.unknown)).toBe("count(unknown) -> bigint");
  });
  it("sum follows Postgres's result types", () => {
    expect(agg("sum", T.smallint)).toBe("sum_int(smallint) -> bigint");
    expect(agg("sum", T.integer)).toBe("sum_int(integer) -> bigint");
    expect(agg("sum", T.bigint)).toBe("sum_bigint(bigint) -> numeric");
    expect(agg("sum", T.numeric)).toBe("sum_numeric(numeric) -> numeric");
    expect(agg("sum", T.real)).toBe("sum_real(real) -> real");
    expect(agg("sum", T.double)).toBe("sum_double(double precision) -> double precision");
    expect(agg("sum", T.interval)).toBe("sum_interval(interval) -> interval");
    expect(agg("sum", T.vector(3))).toBe("sum_vector(vector) -> vector");
    expect(agg("sum", T.unknown)).toBe("ERROR 42725: function sum(unknown) is not unique");
    expect(agg("sum", T.text)).toBe("ERROR 42883: function sum(text) does not exist");
  });
  it("avg", () => {
    expect(agg("avg", T.integer)).toBe("avg_int(integer) -> numeric");
    expect(agg("avg", T.bigint)).toBe("avg_bigint(bigint) -> numeric");
    expect(agg("avg", T.numeric)).toBe("avg_numeric(numeric) -> numeric");
    expect(agg("avg", T.real)).toBe("avg_double(double precision) -> double precision");
    expect(agg("avg", T.interval)).toBe("avg_interval(interval) -> interval");
    expect(agg("avg", T.vector())).toBe("avg_vector(vector) -> vector");
  });
  it("min/max keep the input type", () => {
    expect(agg("min", T.date)).toBe("min(date) -> date");
    expect(agg("max", T.varchar)).toBe("max(text) -> text");
    expect(agg("max", T.unknown)).toBe("max(text) -> text");
    expect(agg("max", { id: "char", length: 3 })).toBe("max(character(3)) -> character(3)");
    expect(agg("min", T.array(T.integer))).toBe("min(integer[]) -> integer[]");
    expect(agg("max", T.boolean)).toBe("ERROR 42883: function max(boolean) does not exist");
  });
  it("other aggregates", () => {
    expect(agg("every", T.boolean)).toBe("bool_and(boolean) -> boolean");
    expect(agg("bool_or", T.boolean)).toBe("bool_or(boolean) -> boolean");
    expect(agg("string_agg", T.text, T.unknown)).toBe("string_agg(text,text) -> text");
    expect(agg("string_agg", T.varchar, T.unknown)).toBe("string_agg(text,text) -> text");
    expect(agg("array_agg", T.integer)).toBe("array_agg(integer) -> integer[]");
    expect(agg("array_agg", T.array(T.text))).toBe("array_agg_array(text[]) -> text[]");
    expect(agg("jsonb_agg", T.integer)).toBe("jsonb_agg(integer) -> jsonb");
    expect(agg("jsonb_object_agg", T.unknown, T.integer)).toBe("jsonb_object_agg(unknown,integer) -> jsonb");
    expect(agg("stddev", T.integer)).toBe("stddev_samp_numeric(numeric) -> numeric");
    expect(agg("variance", T.real)).toBe("var_samp_double(double precision) -> double precision");
    expect(agg("var_pop", T.bigint)).toBe("var_pop_numeric(numeric) -> numeric");
    expect(agg("bit_and", T.smallint)).toBe("bit_and(smallint) -> smallint");
    expect(agg("lower", T.text)).toBe("not an aggregate");
  });
  it("every id it returns is documented in AGGREGATES", () => {
    const ids = new Set<string>();
    for (const [name, args] of [
      ["count", []], ["count", [T.text]], ["sum", [T.integer]], ["sum", [T.bigint]], ["sum", [T.numeric]], ["sum", [T.real]],
      ["sum", [T.double]], ["sum", [T.interval]], ["sum", [T.vector()]], ["avg", [T.integer]], ["avg", [T.bigint]],
      ["avg", [T.numeric]], ["avg", [T.double]], ["avg", [T.interval]], ["avg", [T.vector()]], ["min", [T.text]],
      ["max", [T.text]], ["bool_and", [T.boolean]], ["bool_or", [T.boolean]], ["bit_and", [T.integer]], ["bit_or", [T.integer]],
      ["bit_xor", [T.integer]], ["string_agg", [T.text, T.text]], ["string_agg", [T.bytea, T.bytea]], ["array_agg", [T.integer]],
      ["array_agg", [T.array(T.integer)]], ["jsonb_agg", [T.integer]], ["jsonb_object_agg", [T.text, T.integer]],
      ["var_samp", [T.integer]], ["var_pop", [T.integer]], ["stddev_samp", [T.integer]], ["stddev_pop", [T.integer]],
      ["var_samp", [T.double]], ["var_pop", [T.double]], ["stddev_samp", [T.double]], ["stddev_pop", [T.double]],
    ] as [string, DataType[]][]) {
      ids.add(resolveAggregate(name, args)!.id);
    }
    expect([...ids].sort()).toEqual(Object.keys(AGGREGATES).sort());
    expect(isAggregateName("Sum")).toBe(true);
    expect(isAggregateName("upper")).toBe(false);
  });
});

describe("variance helpers match Postgres", () => {
  const d = (s: string) => Decimal.parse(s);
  it("numeric", () => {
    // values 1,2,3,4: Σx = 10, Σx² = 30
    expect(numericVariance(4n, d("10"), d("30"), true, false)!.toString()).toBe("1.6666666666666667");
    expect(numericVariance(4n, d("10"), d("30"), true, true)!.toString()).toBe("1.2909944487358056");
    expect(numericVariance(4n, d("10"), d("30"), false, false)!.toString()).toBe("1.2500000000000000");
    expect(numericVariance(4n, d("10"), d("30"), false, true)!.toString()).toBe("1.1180339887498948");
    // values 1.5, 2.25, 3.125
    const sx = d("1.5").add(d("2.25")).add(d("3.125"));
    const sxx = d("1.5").mul(d("1.5")).add(d("2.25").mul(d("2.25"))).add(d("3.125").mul(d("3.125")));
    expect(numericVariance(3n, sx, sxx, true, true)!.toString()).toBe("0.81330088733096395985");
    expect(numericVariance(2n, d("2"), d("2"), true, false)!.toString()).toBe("0");
    expect(numericVariance(1n, d("2"), d("4"), true, false)).toBe(null);
  });
  it("double", () => {
    expect(floatVariance(4, 10, 30, true, false)).toBeCloseTo(1.6666666666666667, 15);
    expect(floatVariance(4, 10, 30, true, true)).toBeCloseTo(1.2909944487358056, 15);
    expect(floatVariance(1, 1, 1, true, true)).toBe(null);
    expect(floatVariance(1, 1, 1, false, true)).toBe(0);
  });
});

describe("window functions", () => {
  it("resolve with Postgres's result types", () => {
    const w = (name: string, ...args: DataType[]) => {
      const r = resolveWindowFunction(name, args);
      return r === null ? null : `${r.id}(${r.argTypes.map(typeName).join(",")}) -> ${typeName(r.returnType)}`;
    };
    expect(w("row_number")).toBe("row_number() -> bigint");
    expect(w("rank")).toBe("rank() -> bigint");
    expect(w("dense_rank")).toBe("dense_rank() -> bigint");
    expect(w("percent_rank")).toBe("percent_rank() -> double precision");
    expect(w("cume_dist")).toBe("cume_dist() -> double precision");
    expect(w("ntile", T.integer)).toBe("ntile(integer) -> integer");
    expect(w("lag", T.text)).toBe("lag(text) -> text");
    expect(w("lead", T.integer, T.integer)).toBe("lead(integer,integer) -> integer");
    expect(w("lag", T.integer, T.integer, T.unknown)).toBe("lag(integer,integer,integer) -> integer");
    expect(w("lag", T.integer, T.integer, T.numeric)).toBe("lag(numeric,integer,numeric) -> numeric");
    expect(w("first_value", T.date)).toBe("first_value(date) -> date");
    expect(w("nth_value", T.text, T.integer)).toBe("nth_value(text,integer) -> text");
    expect(w("sum", T.integer)).toBe(null);
    expect(isWindowFunctionName("ROW_NUMBER")).toBe(true);
    expect(isWindowFunctionName("count")).toBe(false);
    expect(() => w("ntile", T.text)).toThrow("function ntile(text) does not exist");
  });
});
