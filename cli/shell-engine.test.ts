// The shell on the real embedded engine, against what psql 15 printed for the same commands on a
// PostgreSQL 15 server (`psql -X -c ... -c ...`, stdout and stderr interleaved as they appeared).
import { describe, expect, it } from "vitest";
import { Database, formatValue, splitStatements } from "../src/index.js";
import { Shell } from "./shell.js";

async function run(commands: string[]): Promise<string> {
  const db = await Database.open({ memory: true });
  let text = "";
  const shell = new Shell({
    session: db.connect(),
    catalogSession: db.connect(),
    formatValue,
    split: splitStatements,
    output: { out: (s) => void (text += s), err: (s) => void (text += s) },
  });
  for (const c of commands) await shell.runCommandString(c);
  await db.close();
  return text;
}

describe("sage-sql -c output, compared with psql", () => {
  it("prints tables, tags and notices as psql does", async () => {
    const out = await run([
      "create table t(a int, b text, c float8, d numeric, e bool)",
      "insert into t values (1,'hello',1.5,2.25,true),(22,null,null,-3,false),(null,'a\nb\nc',1e20,null,null)",
      "select * from t",
      "select * from t where false",
      "update t set a=a+1",
      "delete from t where a=2",
      "select",
      "drop table if exists nope",
    ]);
    expect(out).toBe(
      [
        "CREATE TABLE",
        "INSERT 0 3",
        " a  |   b   |   c   |  d   | e ",
        "----+-------+-------+------+---",
        "  1 | hello |   1.5 | 2.25 | t",
        " 22 |       |       |   -3 | f",
        "    | a    +| 1e+20 |      | ",
        "    | b    +|       |      | ",
        "    | c     |       |      | ",
        "(3 rows)",
        "",
        " a | b | c | d | e ",
        "---+---+---+---+---",
        "(0 rows)",
        "",
        "UPDATE 3",
        "DELETE 1",
        "--",
        "(1 row)",
        "",
        'NOTICE:  table "nope" does not exist, skipping',
        "DROP TABLE",
        "",
      ].join("\n"),
    );
  });

  it("prints errors with the statement excerpt and caret", async () => {
    const out = await run(["select 1;\nselect * from\n  nosuch where x = 1", "select 1/0"]);
    expect(out).toBe(
      [
        " ?column? ",
        "----------",
        "        1",
        "(1 row)",
        "",
        'ERROR:  relation "nosuch" does not exist',
        "LINE 3:   nosuch where x = 1",
        "          ^",
        "ERROR:  division by zero",
        "",
      ].join("\n"),
    );
  });
});
