// The shell's input handling and output, on a fake session (the engine is not needed): statements
// collected across lines, prompts, meta-commands, psql-style results and errors.
import { describe, expect, it } from "vitest";
import type { DataType, StatementResult } from "../src/index.js";
import { InputBuffer, type SplitStatement } from "./input-buffer.js";
import { Shell, type ShellSession } from "./shell.js";
import { complete, mentionedRelations } from "./completion.js";
import { isBlankSql, skipNoise } from "./sql-text.js";

/**
 * A small stand-in for the engine's splitStatements, with its conventions: `pos` is the 1-based
 * character offset of the first token, `text` runs to the last token (no comments, no `;`).
 */
function split(sql: string): SplitStatement[] {
  const out: SplitStatement[] = [];
  let start = -1;
  let end = -1;
  let i = 0;
  const emit = (complete: boolean) => {
    if (start >= 0) out.push({ text: sql.slice(start, end), pos: [...sql.slice(0, start)].length + 1, complete });
    start = end = -1;
  };
  const token = (s: number, e: number) => {
    if (start < 0) start = s;
    end = e;
  };
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) i++;
    else if (c === "-" && sql[i + 1] === "-") {
      const e = sql.indexOf("\n", i);
      i = e < 0 ? sql.length : e + 1;
    } else if (c === "/" && sql[i + 1] === "*") {
      const e = sql.indexOf("*/", i + 2);
      if (e < 0) token(i, sql.length);
      i = e < 0 ? sql.length : e + 2;
    } else if (c === "'") {
      const e = sql.indexOf("'", i + 1);
      token(i, e < 0 ? sql.length : e + 1);
      i = e < 0 ? sql.length : e + 1;
    } else if (c === ";") {
      emit(true);
      i++;
    } else {
      token(i, i + 1);
      i++;
    }
  }
  emit(false);
  return out;
}

const int: DataType = { id: "integer" };
const text: DataType = { id: "text" };
const result = (r: Partial<StatementResult>): StatementResult => ({
  command: "SELECT",
  rowCount: r.rows?.length ?? 0,
  columns: [],
  rows: [],
  notices: [],
  ...r,
});

class FakeError extends Error {
  constructor(
    message: string,
    readonly position?: number,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Answers a few statements; records what it was asked. */
function fakeSession(log: string[] = []): ShellSession {
  return {
    async *run(sql: string) {
      log.push(sql);
      const s = sql.replace(/;\s*$/, "").trim();
      if (/^select 1$/i.test(s)) yield result({ columns: [{ name: "?column?", type: int }], rows: [[1]] });
      else if (/^select 'a' as x, null as y$/i.test(s)) yield result({ columns: [{ name: "x", type: text }, { name: "y", type: text }], rows: [["a", null]] });
      else if (/^select '[^']*'$/i.test(s)) yield result({ columns: [{ name: "?column?", type: text }], rows: [[s.slice(8, -1)]] });
      else if (/^insert/i.test(s)) yield result({ command: "INSERT", rowCount: 3 });
      else if (/^drop table if exists/i.test(s)) yield result({ command: "DROP TABLE", notices: ['table "nope" does not exist, skipping'] });
      else if (/^create/i.test(s)) yield result({ command: "CREATE TABLE" });
      else if (/^show tables$/i.test(s)) yield result({ command: "SHOW", columns: [{ name: "Name", type: text }], rows: [["orders"], ["users"]] });
      else if (/^show views$/i.test(s)) yield result({ command: "SHOW", columns: [{ name: "Name", type: text }], rows: [["v1"]] });
      else if (/^show columns from users$/i.test(s))
        yield result({ command: "SHOW", columns: [{ name: "Name", type: text }, { name: "Type", type: text }], rows: [["id", "integer"], ["name", "text"]] });
      else if (/^show /i.test(s)) throw new FakeError(`unsupported: ${s}`);
      else {
        const at = sql.search(/form/i);
        if (at < 0) throw new FakeError("unknown statement", undefined, "check it");
        throw new FakeError(`syntax error at or near "${sql.slice(at, at + 4)}"`, at + 1);
      }
    },
  };
}

function makeShell(log: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const session = fakeSession(log);
  const shell = new Shell({
    session,
    catalogSession: fakeSession(),
    formatValue: (_t, v) => String(v),
    split,
    output: { out: (s) => void out.push(s), err: (s) => void err.push(s) },
    readFile: () => "select 1;\nselect 1 form x;\n",
  });
  return { shell, out, err, log, stdout: () => out.join(""), stderr: () => err.join("") };
}

describe("sql text helpers", () => {
  it("skips whitespace and comments", () => {
    expect(skipNoise("  -- c\n /* a /* b */ */ select")).toBe(24);
    expect(skipNoise("/* open")).toBe(0);
    expect(isBlankSql(" ; -- x\n ;")).toBe(true);
    expect(isBlankSql("/* open")).toBe(false);
  });
});

describe("input buffer", () => {
  it("collects lines until a statement ends with ;", () => {
    const b = new InputBuffer(split);
    expect(b.addLine("select")).toEqual([]);
    expect(b.isEmpty).toBe(false);
    expect(b.addLine("1; select 2;")).toEqual([
      { text: "select\n1;", offset: 0 },
      { text: "select 2;", offset: 10 },
    ]);
    expect(b.isEmpty).toBe(true);
  });

  it("keeps an unfinished statement after a finished one", () => {
    const b = new InputBuffer(split);
    expect(b.addLine("select 1; select")).toHaveLength(1);
    expect(b.contents.trim()).toBe("select");
    expect(b.addLine("2;").map((s) => s.text)).toEqual(["select\n2;"]);
  });

  it("does not end a statement at a ; inside quotes or comments", () => {
    const b = new InputBuffer(split);
    expect(b.addLine("select 'a;")).toEqual([]);
    expect(b.addLine("b' -- ;")).toEqual([]);
    expect(b.addLine(";").map((s) => s.text)).toEqual(["select 'a;\nb' -- ;\n;"]);
  });

  it("drops leading comments and blank input", () => {
    const b = new InputBuffer(split);
    expect(b.addLine("-- just a comment")).toEqual([]);
    expect(b.isEmpty).toBe(true);
    expect(b.addLine("/* note */ select 1;")).toEqual([{ text: "select 1;", offset: 11 }]);
    expect(b.addLine(";;")).toEqual([]);
    expect(b.takeAll()).toBeNull();
  });
});

describe("shell", () => {
  it("shows the continuation prompt while a statement is open", async () => {
    const { shell } = makeShell();
    expect(shell.prompt).toBe("sage=> ");
    await shell.feedLine("select");
    expect(shell.prompt).toBe("sage-> ");
    await shell.feedLine("1;");
    expect(shell.prompt).toBe("sage=> ");
  });

  it("prints tables and command tags like psql", async () => {
    const { shell, stdout, stderr } = makeShell();
    await shell.feedLine("select 1; insert into t values (1),(2),(3);");
    await shell.feedLine("select 'a' as x, null as y;");
    await shell.feedLine("drop table if exists nope;");
    expect(stdout()).toBe(" ?column? \n----------\n        1\n(1 row)\n\nINSERT 0 3\n x | y \n---+---\n a | \n(1 row)\n\nDROP TABLE\n");
    expect(stderr()).toBe('NOTICE:  table "nope" does not exist, skipping\n');
  });

  it("prints errors with the statement line and a caret", async () => {
    const { shell, stderr } = makeShell();
    await shell.feedLine("SELECT * FORM t;");
    expect(stderr()).toBe('ERROR:  syntax error at or near "FORM"\nLINE 1: SELECT * FORM t;\n                 ^\n');
    expect(shell.errorCount).toBe(1);
  });

  it("shows -c errors against the whole command string and stops there", async () => {
    const { shell, stderr, stdout, log } = makeShell();
    const ok = await shell.runCommandString("select 1;\nselect * form t; select 1");
    expect(ok).toBe(false);
    expect(stdout()).toBe(" ?column? \n----------\n        1\n(1 row)\n\n");
    expect(stderr()).toBe('ERROR:  syntax error at or near "form"\nLINE 2: select * form t; select 1\n                 ^\n');
    expect(log).toEqual(["select 1;", "select * form t;"]);
  });

  it("counts -c error positions in characters, past characters outside the BMP", async () => {
    const { shell, stderr, log } = makeShell();
    await shell.runCommandString("select '😀😀'; select * form t");
    expect(log[1]).toBe("select * form t");
    expect(stderr()).toBe('ERROR:  syntax error at or near "form"\nLINE 1: select \'😀😀\'; select * form t\n                                ^\n');
  });

  it("runs a script with the file name and line before errors, and the last statement without ;", async () => {
    const { shell, stderr, log } = makeShell();
    const ok = await shell.runScript("select 1;\n\nselect\n  1 form x;\nselect 1", "x.sql");
    expect(ok).toBe(false);
    expect(stderr()).toBe('sage-sql:x.sql:4: ERROR:  syntax error at or near "form"\nLINE 2:   1 form x;\n            ^\n');
    expect(log).toEqual(["select 1;", "select\n  1 form x;", "select 1"]);
  });

  it("stops a script at the first error with onErrorStop", async () => {
    const { shell, log } = makeShell();
    shell.settings.onErrorStop = true;
    await shell.runScript("select 1 form x;\nselect 1;\n", "x.sql");
    expect(log).toEqual(["select 1 form x;"]);
  });

  it("prints the hint of an error", async () => {
    const { shell, stderr } = makeShell();
    await shell.feedLine("bogus;");
    expect(stderr()).toBe("ERROR:  unknown statement\nHINT:  check it\n");
  });

  it("toggles timing and expanded output", async () => {
    const { shell, stdout } = makeShell();
    await shell.feedLine("\\timing");
    await shell.feedLine("select 1;");
    await shell.feedLine("\\timing off");
    await shell.feedLine("\\x on");
    await shell.feedLine("select 1;");
    expect(stdout()).toMatch(/^Timing is on\.\n \?column\? \n----------\n        1\n\(1 row\)\n\nTime: \d+\.\d{3} ms\nTiming is off\.\nExpanded display is on\.\n-\[ RECORD 1 \]\n\?column\? \| 1\n\n$/);
  });

  it("handles \\q, \\r, \\p, \\g, \\i, \\echo and unknown commands", async () => {
    const { shell, stdout, stderr } = makeShell();
    await shell.feedLine("select");
    await shell.feedLine("\\p");
    await shell.feedLine("\\r");
    expect(shell.prompt).toBe("sage=> ");
    await shell.feedLine("select 1");
    await shell.feedLine("\\g");
    await shell.feedLine("\\echo hello 'big world'");
    await shell.feedLine("\\i file.sql");
    await shell.feedLine("\\frob");
    expect(await shell.feedLine("\\q")).toBe("quit");
    expect(stdout()).toBe(
      "select\nQuery buffer reset (cleared).\n ?column? \n----------\n        1\n(1 row)\n\nhello big world\n ?column? \n----------\n        1\n(1 row)\n\n",
    );
    expect(stderr()).toBe(
      'sage-sql:file.sql:2: ERROR:  syntax error at or near "form"\nLINE 1: select 1 form x;\n                 ^\ninvalid command \\frob\nTry \\? for help.\n',
    );
  });

  it("understands quit, exit and help at an empty prompt", async () => {
    const { shell, stdout } = makeShell();
    expect(await shell.feedLine("help")).toBe("continue");
    expect(stdout()).toMatch(/^You are using sage-sql/);
    expect(await shell.feedLine("quit")).toBe("quit");
    expect(await shell.feedLine("exit;")).toBe("quit");
  });

  it("lists relations with \\d and describes one with \\d name", async () => {
    const { shell, stdout, stderr } = makeShell();
    await shell.feedLine("\\d");
    await shell.feedLine("\\dt");
    await shell.feedLine("\\d users");
    await shell.feedLine("\\d nosuch");
    expect(stdout()).toBe(
      [
        "List of relations",
        "  Name  | Type  ",
        "--------+-------",
        " orders | table",
        " users  | table",
        " v1     | view",
        "(3 rows)",
        "",
        "List of relations",
        "  Name  | Type  ",
        "--------+-------",
        " orders | table",
        " users  | table",
        "(2 rows)",
        "",
        ' Table "users"',
        " Name |  Type   ",
        "------+---------",
        " id   | integer",
        " name | text",
        "",
        "",
      ].join("\n"),
    );
    expect(stderr()).toBe('Did not find any relation named "nosuch".\n');
  });
});

describe("tab completion", () => {
  const source = {
    keywords: ["SELECT", "SET", "FROM", "INSERT"],
    metaCommands: ["\\d", "\\dt", "\\q", "\\timing"],
    relations: async () => ["orders", "users"],
    columns: async (r: string) => (r === "users" ? ["id", "name"] : r === "orders" ? ["order_id", "user_id"] : []),
  };

  it("completes keywords in the case typed", async () => {
    expect(await complete("se", "", source)).toEqual([["select", "set"], "se"]);
    expect(await complete("SE", "", source)).toEqual([["SELECT", "SET"], "SE"]);
  });

  it("completes relation names after FROM and in \\d", async () => {
    expect(await complete("select * from u", "", source)).toEqual([["users "], "u"]);
    expect(await complete("\\d o", "", source)).toEqual([["orders "], "o"]);
    expect(await complete("\\ti", "", source)).toEqual([["\\timing "], "\\ti"]);
  });

  it("completes columns after name. and of relations in the statement", async () => {
    expect(await complete("select users.n", "", source)).toEqual([["users.name "], "users.n"]);
    expect(await complete("  where na", "select * from users", source)).toEqual([["name "], "na"]);
    expect(mentionedRelations("select * from users u, orders o join x on", ["users", "orders"]).sort()).toEqual(["orders", "users"]);
  });
});
