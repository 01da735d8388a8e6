import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expandGlob, findTestFiles, globToRegExp } from "./files.js";

const dir = mkdtempSync(join(tmpdir(), "slt-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const f of ["a.slt", "b.test", "notes.md", "sub/c.slt", "sub/d.slt.part", "sub/deeper/e.slt"]) {
  mkdirSync(join(dir, f, ".."), { recursive: true });
  writeFileSync(join(dir, f), "");
}

describe("test file discovery", () => {
  it("finds .slt and .test files under a directory, sorted", () => {
    expect(findTestFiles(dir).map((f) => f.slice(dir.length + 1))).toEqual(["a.slt", "b.test", "sub/c.slt", "sub/deeper/e.slt"]);
    expect(findTestFiles(dir, /\.slt$/).map((f) => f.slice(dir.length + 1))).toEqual(["a.slt", "sub/c.slt", "sub/deeper/e.slt"]);
  });

  it("expands globs relative to a directory", () => {
    expect(expandGlob("sub/*.slt.part", dir).map((f) => f.slice(dir.length + 1))).toEqual(["sub/d.slt.part"]);
    expect(expandGlob("**/*.slt", dir).map((f) => f.slice(dir.length + 1))).toEqual(["a.slt", "sub/c.slt", "sub/deeper/e.slt"]);
    expect(expandGlob("sub/c.slt", dir)).toEqual([join(dir, "sub/c.slt")]);
    expect(expandGlob("nothing/*.slt", dir)).toEqual([]);
  });

  it("translates glob syntax", () => {
    expect(globToRegExp("a?[bc]*.slt").test("axcz.slt")).toBe(true);
    expect(globToRegExp("*.slt").test("sub/x.slt")).toBe(false);
    expect(globToRegExp("**/x.slt").test("x.slt")).toBe(true);
  });
});
