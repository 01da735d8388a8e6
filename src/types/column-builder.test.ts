import { describe, expect, it } from "vitest";
import { Column, ColumnBuilder } from "./column.js";
import { Types } from "./index.js";

function values(c: Column): unknown[] {
  return Array.from({ length: c.length }, (_, i) => c.get(i));
}

describe("ColumnBuilder.pushRange", () => {
  it("copies a slice of typed columns, nulls included, after earlier pushes", () => {
    const src = Column.fromValues(Types.bigint, [1n, null, 3n, 4n, null, 6n]);
    const b = new ColumnBuilder(Types.bigint, 2);
    b.push(9n);
    b.pushRange(src, 1, 4);
    b.push(7n);
    expect(values(b.build())).toEqual([9n, null, 3n, 4n, null, 7n]);
  });

  it("copies object (text) columns and grows past its capacity", () => {
    const words = Array.from({ length: 100 }, (_, i) => (i % 7 === 0 ? null : `w${i}`));
    const src = Column.fromValues(Types.text, words);
    const b = new ColumnBuilder(Types.text, 1);
    b.pushRange(src, 0, 50);
    b.pushRange(src, 50, 50);
    expect(values(b.build())).toEqual(words);
  });

  it("keeps earlier nulls when a later slice has none", () => {
    const b = new ColumnBuilder(Types.integer, 1);
    b.pushNull();
    b.pushRange(Column.fromValues(Types.integer, [1, 2, 3]), 0, 3);
    b.pushNull();
    expect(values(b.build())).toEqual([null, 1, 2, 3, null]);
  });

  it("copies booleans", () => {
    const b = new ColumnBuilder(Types.boolean, 1);
    b.pushRange(Column.fromValues(Types.boolean, [true, false, null, true]), 0, 4);
    expect(values(b.build())).toEqual([true, false, null, true]);
  });
});
