// Ctrl-C in the shell (Shell.cancel) stops a running statement on the real engine: a view's
// backfill fails with 57014 and the view does not exist; the next statement runs normally.
import { describe, expect, it } from "vitest";
import { Database, formatValue, splitStatements } from "../src/index.js";
import { Shell } from "./shell.js";

describe("Ctrl-C in the shell", () => {
  it("cancels a running backfill", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE big (id INT, g INT)");
    await db.execute("INSERT INTO big SELECT i, i % 10 FROM generate_series(1, 1000000) AS s(i)");
    let text = "";
    const session = db.connect();
    const shell = new Shell({ session, catalogSession: db.connect(), formatValue, split: splitStatements, output: { out: (s) => void (text += s), err: (s) => void (text += s) } });
    let seen = 0;
    session.reportProgress = (j) => {
      seen = j.rowsDone;
    };
    const running = shell.runCommandString("CREATE MATERIALIZED VIEW v AS SELECT a.g, count(*) FROM big a JOIN big b ON a.id = b.id GROUP BY a.g");
    while (seen === 0) await new Promise((r) => setTimeout(r, 5));
    expect(shell.cancel()).toBe(true);
    expect(await running).toBe(false);
    expect(text).toContain("ERROR:  canceling statement due to user request");
    expect(db.catalog.findRelation(["v"])).toBeUndefined();
    text = "";
    expect(await shell.runCommandString("SELECT count(*) FROM big")).toBe(true);
    expect(text).toContain("1000000");
    expect(shell.cancel()).toBe(false); // nothing running
    await db.close();
  }, 60_000);
});
