// A table's rows in a log snapshot: what goes in comes out, every type and NULL included, and
// empty chunks take no room.
import { describe, expect, it } from "vitest";
import { Chunk, Types } from "../types/index.js";
import { decodeSnapshotRows, encodeSnapshotRows, readSnapshotRows } from "./snapshot-rows.js";
import type { ObjectStore } from "./backbone.js";

const types = [Types.integer, Types.bigint, Types.text, Types.boolean, Types.double];
const rows = [
  [1, 10n, "a", true, 1.5],
  [2, null, "é ☃", false, null],
  [null, -3n, null, null, -0.25],
];

describe("snapshot rows", () => {
  it("round-trips chunks and skips empty ones", () => {
    const bytes = encodeSnapshotRows([Chunk.fromRows(types, rows.slice(0, 2)), Chunk.fromRows(types, []), Chunk.fromRows(types, rows.slice(2))]);
    const back = decodeSnapshotRows(bytes);
    expect(back.length).toBe(2);
    expect(back.flatMap((c) => c.rows())).toEqual(rows);
    expect(decodeSnapshotRows(encodeSnapshotRows([]))).toEqual([]);
  });

  it("reads the objects of the relations asked for, and fails on a missing one", async () => {
    const stored = new Map<string, Uint8Array>([["snapshot/rows/n/7/t1", encodeSnapshotRows([Chunk.fromRows(types, rows)])]]);
    const objects: ObjectStore = { put: async () => {}, get: async (n) => stored.get(n) ?? null, delete: async () => {}, list: async () => [] };
    const read = await readSnapshotRows(objects, { t1: "snapshot/rows/n/7/t1", t2: "snapshot/rows/n/7/t2" }, ["t1", "t3"]);
    expect([...read.keys()]).toEqual(["t1"]);
    expect(read.get("t1")!.flatMap((c) => c.rows())).toEqual(rows);
    await expect(readSnapshotRows(objects, { t2: "snapshot/rows/n/7/t2" }, ["t2"])).rejects.toThrow(/snapshot\/rows\/n\/7\/t2 is missing/);
  });
});
