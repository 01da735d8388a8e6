import { describe, expect, it } from "vitest";
import { Types, parseValue, type SqlError } from "../../types/index.js";
import { decodeMessage, encodeChange, readMessageFormat, NATS_SINK_FORMATS, NATS_SOURCE_FORMATS } from "./message-format.js";

const cols = [
  { name: "id", type: Types.bigint },
  { name: "name", type: Types.text },
  { name: "at", type: Types.timestamp },
  { name: "tags", type: Types.jsonb },
];

function fails(f: () => unknown): SqlError {
  try {
    f();
  } catch (e) {
    return e as SqlError;
  }
  throw new Error("did not fail");
}

describe("NATS message formats", () => {
  it("decodes JSON objects by column name, missing fields as NULL, strings through the input function", () => {
    const d = decodeMessage("json", cols, '{"ID": 7, "name": "x", "at": "2024-01-02 03:04:05", "tags": {"a": [1]}, "extra": 1}');
    expect(d.ops).toEqual([1]);
    expect(d.rows[0][0]).toBe(7n);
    expect(d.rows[0][1]).toBe("x");
    expect(typeof d.rows[0][2]).toBe("number"); // µs since the epoch
    expect(decodeMessage("json", cols, '[{"id": 1}, {"id": "2"}]').rows.map((r) => r[0])).toEqual([1n, 2n]);
    expect(decodeMessage("json", cols, '{"id": 1}').rows[0].slice(1)).toEqual([null, null, null]);
  });

  it("rejects malformed JSON, non-objects and bad values with a SQLSTATE", () => {
    expect(fails(() => decodeMessage("json", cols, "{oops")).code).toBe("22P04");
    expect(fails(() => decodeMessage("json", cols, "42")).code).toBe("22P04");
    expect(fails(() => decodeMessage("json", cols, '{"id": "seven"}')).code).toBe("22P02");
    expect(fails(() => decodeMessage("json", cols, '{"at": "not a time"}')).code).toMatch(/^22/);
  });

  it("decodes CSV lines by position with quoting, and checks the field count", () => {
    const d = decodeMessage("csv", cols.slice(0, 2), '1,"a ""b"", c"\n2,\r\n');
    expect(d.rows).toEqual([
      [1n, 'a "b", c'],
      [2n, null],
    ]);
    expect(fails(() => decodeMessage("csv", cols.slice(0, 2), "1,2,3")).code).toBe("22P04");
    expect(fails(() => decodeMessage("csv", cols.slice(0, 2), '1,"open')).code).toBe("22P04");
  });

  it("decodes Debezium envelopes into signed changes", () => {
    const c = cols.slice(0, 2);
    expect(decodeMessage("debezium_json", c, '{"payload": {"op": "c", "before": null, "after": {"id": 1, "name": "a"}}}')).toEqual({ rows: [[1n, "a"]], ops: [1] });
    expect(decodeMessage("debezium_json", c, '{"op": "u", "before": {"id": 1, "name": "a"}, "after": {"id": 1, "name": "b"}}')).toEqual({ rows: [[1n, "a"], [1n, "b"]], ops: [-1, 1] });
    expect(decodeMessage("debezium_json", c, '{"op": "d", "before": {"id": 1, "name": "b"}, "after": null}')).toEqual({ rows: [[1n, "b"]], ops: [-1] });
    expect(decodeMessage("debezium_json", c, "null")).toEqual({ rows: [], ops: [] });
    expect(fails(() => decodeMessage("debezium_json", c, '{"op": "d", "before": null}')).message).toMatch(/REPLICA IDENTITY FULL/);
    expect(fails(() => decodeMessage("debezium_json", c, '{"op": "x"}')).code).toBe("22P04");
  });

  it("encodes changes as JSON with __op, Debezium and upsert", () => {
    const row = [9007199254740993n, "n", null, parseValue(Types.jsonb, '{"k": 1}')];
    const jsonRow = { id: "9007199254740993", name: "n", at: null, tags: { k: 1 } };
    expect(JSON.parse(encodeChange("json", cols, row, -1).data)).toEqual({ ...jsonRow, __op: -1 });
    expect(JSON.parse(encodeChange("debezium_json", cols, row, 1).data)).toEqual({ before: null, after: jsonRow, op: "c" });
    expect(encodeChange("upsert", cols, [1n, "a", null, null], -1)).toEqual({ data: '{"id":1,"name":"a","at":null,"tags":null}', deleted: true });
  });

  it("reads FORMAT names and refuses the others", () => {
    expect(readMessageFormat(undefined, NATS_SOURCE_FORMATS, "source")).toBe("json");
    expect(readMessageFormat("DEBEZIUM_JSON", NATS_SOURCE_FORMATS, "source")).toBe("debezium_json");
    expect(readMessageFormat("upsert", NATS_SINK_FORMATS, "sink")).toBe("upsert");
    expect(fails(() => readMessageFormat("PLAIN", NATS_SINK_FORMATS, "sink")).code).toBe("22023");
  });
});
