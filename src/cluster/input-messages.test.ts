// The input log's messages as workers read them: a write's computed rows become the changes of its
// relation (insert +1, delete -1 of the old rows, update -1 old and +1 new), barrier markers and
// term markers are recognized, and writes to relations no instance reads are passed over.
import { describe, expect, it } from "vitest";
import { Chunk, Types } from "../types/index.js";
import { MARKER_SUBJECT, TERM_SUBJECT, encodeInputMessage, replicaInputScheme, writeSubject, type InputHeader } from "./input-messages.js";

const types = [Types.integer, Types.text];

function write(op: "insert" | "update" | "delete", chunks: Chunk[], oldChunks: Chunk[] = []): InputHeader & { kind: "write" } {
  return { kind: "write", term: 3, id: "n.1", database: "sage", relation: ["public", "t"], relationId: "r7", op, skipConflicts: false, chunks: chunks.length, oldChunks: oldChunks.length };
}

function decode(header: InputHeader, chunks: Chunk[], relations = new Set(["r7"])) {
  const data = encodeInputMessage(header, chunks);
  return replicaInputScheme.decode({ seq: 5, subject: header.kind === "write" ? writeSubject("public", "t") : TERM_SUBJECT, data }, relations);
}

function changes(c: Chunk[]): [number, unknown[]][] {
  return c.flatMap((chunk) => chunk.rows().map((r, i) => [chunk.op(i), r] as [number, unknown[]]));
}

describe("input log messages as changes", () => {
  it("an insert's rows are +1 changes of the relation", () => {
    const rows = Chunk.fromRows(types, [[1, "a"], [2, "b"]]);
    const e = decode(write("insert", [rows]), [rows]);
    expect(e?.kind).toBe("changes");
    if (e?.kind !== "changes") return;
    expect(e.relation).toBe("r7");
    expect(e.term).toBe(3);
    expect(changes(e.changes)).toEqual([[1, [1, "a"]], [1, [2, "b"]]]);
  });

  it("a delete's (row id, old row) are -1 changes; a row id matched twice counts once", () => {
    const rows = Chunk.fromRows([Types.bigint, ...types], [[10n, 1, "a"], [11n, 2, "b"], [10n, 1, "a"]]);
    const e = decode(write("delete", [rows]), [rows]);
    if (e?.kind !== "changes") throw new Error("not changes");
    expect(changes(e.changes)).toEqual([[-1, [1, "a"]], [-1, [2, "b"]]]);
  });

  it("an update's old rows go out and its new rows come in", () => {
    const after = Chunk.fromRows([Types.bigint, ...types], [[10n, 1, "A"]]);
    const before = Chunk.fromRows(types, [[1, "a"]]);
    const e = decode(write("update", [after], [before]), [after, before]);
    if (e?.kind !== "changes") throw new Error("not changes");
    expect(changes(e.changes)).toEqual([[-1, [1, "a"]], [1, [1, "A"]]]);
  });

  it("passes over writes to relations no instance reads", () => {
    const rows = Chunk.fromRows(types, [[1, "a"]]);
    expect(decode(write("insert", [rows]), [rows], new Set(["r8"]))).toBeNull();
  });

  it("reads barrier and term markers", () => {
    const marker = replicaInputScheme.decode({ seq: 9, subject: MARKER_SUBJECT, data: new TextEncoder().encode(JSON.stringify({ epoch: 42 })) }, new Set());
    expect(marker).toEqual({ kind: "marker", epoch: 42 });
    expect(decode({ kind: "term", term: 12, id: "x" }, [])).toEqual({ kind: "term", term: 12 });
  });
});

describe("a large write stored in the object store (a blob message)", () => {
  it("decodes to a fetch of its object, and its fetched body to the exact changes a replica applies", () => {
    const rows = Chunk.fromRows(types, [[1, "a"], [2, "b"]]);
    const body = encodeInputMessage(write("insert", [rows]), [rows]);
    const blob = encodeInputMessage({ kind: "blob", term: 3, id: "n.1", object: "replica/n.1" }, []);
    const m = { seq: 6, subject: writeSubject("public", "t"), data: blob };
    const e = replicaInputScheme.decode(m, new Set(["r7"]));
    expect(e).toEqual({ kind: "fetch", object: "replica/n.1" });
    const fetched = replicaInputScheme.decode({ ...m, data: body }, new Set(["r7"]));
    expect(fetched?.kind).toBe("changes");
    if (fetched?.kind !== "changes") return;
    expect(changes(fetched.changes)).toEqual([
      [1, [1, "a"]],
      [1, [2, "b"]],
    ]);
  });
});
