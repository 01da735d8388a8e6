// The runner on a scripted fake engine: which records run, pass, fail or are skipped, and what a
// failure reports.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSltFileWith, type SltRunOptions } from "./runner.js";
import { SltEngineError, type SltEngine, type SltResult } from "./engine.js";
import { formatFailure } from "./report.js";

const dir = mkdtempSync(join(tmpdir(), "slt-runner-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCounter = 0;
function file(text: string, name = `t${fileCounter++}.slt`): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

type Handler = (sql: string, connection: number) => SltResult[] | Promise<SltResult[]>;

const rows = (kinds: ("integer" | "text")[], values: (string | null)[][]): SltResult[] => [
  { command: "SELECT", rowCount: values.length, columns: kinds.map((kind, i) => ({ name: `c${i}`, kind })), rows: values },
];
const ok = (command = "CREATE TABLE", rowCount = 0): SltResult[] => [{ command, rowCount, columns: [], rows: [] }];

/** A fake engine: SELECT n returns n; statements succeed unless they mention "fail". */
const defaultHandler: Handler = (sql) => {
  const select = /^SELECT (\d+)$/i.exec(sql.trim());
  if (select) return rows(["integer"], [[select[1]]]);
  if (/fail/.test(sql)) throw new SltEngineError(`relation "fail" does not exist`, "42P01");
  if (/crash/.test(sql)) throw new SltEngineError("internal error: boom", "XX000", true);
  const insert = /^INSERT (\d+)/.exec(sql);
  if (insert) return ok("INSERT", Number(insert[1]));
  return ok();
};

function engine(handler: Handler = defaultHandler): SltEngine & { opened: number } {
  const e = {
    name: "fake",
    opened: 0,
    async open() {
      e.opened++;
      let connections = 0;
      return {
        async connect() {
          const id = connections++;
          return { run: async (sql: string) => handler(sql, id) };
        },
        async close() {},
      };
    },
  };
  return e;
}

const run = (path: string, options: Partial<SltRunOptions> = {}) =>
  runSltFileWith(path, { engine: engine(), watchdog: false, displayRoot: dir, ...options });

describe("sqllogictest runner", () => {
  it("counts passing, failing and skipped records and names file:line", async () => {
    const path = file(`statement ok
CREATE TABLE t(a INT)

query I
SELECT 1
----
1

query I
SELECT 2
----
3

statement ok
SELECT fail

skipif postgresql
statement ok
SELECT fail

onlyif sqlite
statement ok
SELECT fail

onlyif postgresql
query I
SELECT 4
----
4

skipif mysql
query I
SELECT 5
----
5
`);
    const report = await run(path);
    expect({ passed: report.passed, failed: report.failed, skipped: report.skipped }).toEqual({ passed: 4, failed: 2, skipped: 2 });
    expect(report.failures.map((f) => `${f.file}:${f.line}`)).toEqual([`${report.file}:9`, `${report.file}:14`]);
    expect(report.failures[0]).toMatchObject({ message: "results differ", expected: ["3"], actual: ["2"], sql: "SELECT 2" });
    expect(report.failures[1].message).toBe('statement failed: relation "fail" does not exist (SQLSTATE 42P01)');
    expect(formatFailure(report.failures[0])).toBe(`${report.file}:9: results differ\n    SELECT 2\n  expected:\n    3\n  actual:\n    2\n`);
  });

  it("matches expected errors by regex, by message, and rejects internal errors", async () => {
    const path = file(`statement error relation "\\w+" does not exist
SELECT fail

statement error
SELECT fail

statement error does not exist
CREATE TABLE ok

statement error table .* missing
SELECT fail

query error
SELECT crash

statement error boom
SELECT crash

statement error
SELECT fail
----
relation "fail" does not exist
`);
    const report = await run(path);
    expect(report.failures.map((f) => [f.line, f.message])).toEqual([
      [7, "statement succeeded, but an error was expected matching /does not exist/"],
      [10, "error message does not match /table .* missing/"],
      [13, "failed with an internal error, not an SQL error: internal error: boom"],
    ]);
    expect(report.passed).toBe(4);
  });

  it("checks statement count", async () => {
    const report = await run(file(`statement count 3
INSERT 3

statement count 2
INSERT 3
`));
    expect(report.passed).toBe(1);
    expect(report.failures[0].message).toBe("expected 2 rows affected, got 3");
  });

  it("stops at halt when it applies to us", async () => {
    const report = await run(file(`onlyif mysql
halt

statement ok
CREATE TABLE a

skipif sqlite
halt

statement ok
SELECT fail
`));
    expect(report).toMatchObject({ passed: 1, failed: 0, halted: true });
  });

  it("runs included files on the same database", async () => {
    mkdirSync(join(dir, "parts"), { recursive: true });
    writeFileSync(join(dir, "parts", "a.slt.part"), "query I\nSELECT 1\n----\n1\n");
    writeFileSync(join(dir, "parts", "b.slt.part"), "query I\nSELECT 2\n----\n1\n");
    const e = engine();
    const report = await runSltFileWith(file("include parts/*.slt.part\n\ninclude nothing/*.slt\n"), {
      engine: e,
      watchdog: false,
      displayRoot: dir,
    });
    expect(e.opened).toBe(1);
    expect(report.passed).toBe(1);
    expect(report.failures.map((f) => `${f.file}:${f.line}`)).toEqual(["parts/b.slt.part:1", expect.stringMatching(/:3$/)]);
  });

  it("fails a record that takes longer than the timeout and goes on", async () => {
    const slow = engine((sql) => (sql === "SLOW" ? new Promise<SltResult[]>(() => {}) : defaultHandler(sql, 0)));
    const report = await runSltFileWith(file("statement ok\nSLOW\n\nquery I\nSELECT 1\n----\n1\n"), {
      engine: slow,
      timeoutMs: 50,
      watchdog: false,
    });
    expect(report.failures[0].message).toBe("timed out after 0.05 s");
    expect(report.passed).toBe(1);
  });

  it("retries a record with retry N backoff D", async () => {
    let calls = 0;
    const flaky = engine((sql) => {
      if (sql === "SELECT 7") return rows(["integer"], [[String(++calls >= 3 ? 7 : 0)]]);
      return defaultHandler(sql, 0);
    });
    const report = await runSltFileWith(file("query I retry 3 backoff 1ms\nSELECT 7\n----\n7\n"), { engine: flaky, watchdog: false });
    expect(report.passed).toBe(1);
    expect(calls).toBe(3);
  });

  it("stops at the first failure with failFast", async () => {
    const report = await run(file("statement ok\nSELECT fail\n\nstatement ok\nSELECT fail\n"), { failFast: true });
    expect(report.failed).toBe(1);
  });

  it("gives each named connection its own session", async () => {
    const seen: number[] = [];
    const conns = engine((sql, id) => {
      seen.push(id);
      return ok();
    });
    await runSltFileWith(file("statement ok\nA\n\nconnection other\nstatement ok\nB\n\nstatement ok\nC\n\nconnection other\nstatement ok\nD\n"), {
      engine: conns,
      watchdog: false,
    });
    expect(seen).toEqual([0, 1, 0, 1]);
  });

  it("applies control sortmode and checks labels", async () => {
    const unordered = engine((sql) => {
      if (sql === "SELECT x") return rows(["integer"], [["2"], ["1"]]);
      if (sql === "SELECT y") return rows(["integer"], [["3"], ["1"]]);
      return defaultHandler(sql, 0);
    });
    const report = await runSltFileWith(
      file(`control sortmode rowsort

query I label-a
SELECT x
----
1
2

query I label-a
SELECT y
----
1
3
`),
      { engine: unordered, watchdog: false },
    );
    expect(report.passed).toBe(1);
    expect(report.failures[0].message).toBe("result differs from the earlier query labelled label-a");
  });

  it("reports records it cannot parse as failures", async () => {
    const report = await run(file("statement perhaps\nSELECT 1\n\nquery I\nSELECT 1\n----\n1\n"));
    expect(report.failures[0]).toMatchObject({ line: 1, message: "cannot parse the record: unknown statement mode: statement perhaps" });
    expect(report.passed).toBe(1);
  });
});
