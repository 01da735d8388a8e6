// A data directory sage-sql cannot use: a garbage or damaged log, another program's folder, a
// newer format, a place it cannot write. `sage-sql serve` says what and where (the path), exits
// non-zero, prints no stack trace, and leaves the files as they were; a torn tail still recovers.

import { execFile } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../src/index.js";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const MARKER = "sage-sql data directory, format 1\n";

function serve(dataDir: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, "serve", "--port", "0", "--data-dir", dataDir], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr });
    });
    // a server that did start would run forever: stop it so the test sees the wrong outcome
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("listening") && child.kill("SIGTERM"));
  });
}

let root: string;

/** A real data directory with a few acknowledged writes. */
async function populated(name: string): Promise<string> {
  const dir = join(root, name);
  // no checkpoints: these cases damage the log itself (a checkpoint would have truncated it)
  const db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
  await db.execute("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
  for (let i = 1; i <= 5; i++) await db.execute(`INSERT INTO t VALUES (${i}, 'row ${i}')`);
  await db.close();
  return dir;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "sage-baddir-"));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("unusable data directories", () => {
  it("serve refuses each with a clear error naming the path, exit 2, no stack trace, files untouched", { timeout: 120_000 }, async () => {
    // a log of garbage (seeded bytes)
    const garbage = join(root, "garbage");
    mkdirSync(garbage);
    writeFileSync(join(garbage, "SAGE_VERSION"), MARKER);
    let x = 12345;
    writeFileSync(join(garbage, "wal.log"), Buffer.from(Array.from({ length: 4096 }, () => ((x = (x * 1103515245 + 12345) >>> 0), x >>> 24))));
    // a good log damaged in the middle: cutting it there would drop acknowledged rows after it
    const damaged = await populated("damaged");
    const log = readFileSync(join(damaged, "wal.log"));
    const flipped = Buffer.from(log);
    flipped[Math.floor(log.length / 2)] ^= 0x5a;
    writeFileSync(join(damaged, "wal.log"), flipped);
    // another program's folder
    const foreign = join(root, "foreign");
    mkdirSync(foreign);
    writeFileSync(join(foreign, "postgresql.conf"), "port = 5432\n");
    // a newer sage-sql's directory
    const newer = join(root, "newer");
    mkdirSync(newer);
    writeFileSync(join(newer, "SAGE_VERSION"), "sage-sql data directory, format 2\n");
    // places it cannot write: under a regular file, and a log that is a directory
    const file = join(root, "a-file");
    writeFileSync(file, "x");
    const logIsDir = join(root, "log-is-dir");
    mkdirSync(join(logIsDir, "wal.log"), { recursive: true });
    writeFileSync(join(logIsDir, "SAGE_VERSION"), MARKER);

    const cases: [string, RegExp][] = [
      [garbage, /the log ".*garbage\/wal\.log" is damaged at byte 0 of 4096/],
      [damaged, /the log ".*damaged\/wal\.log" is damaged at byte \d+ of \d+ \(\d+ good records before it\)/],
      [foreign, /".*foreign" is not a sage-sql data directory \(it holds other files: postgresql\.conf\)/],
      [newer, /data directory ".*newer" was written by a newer sage-sql \(format 2; this one reads format 1\)/],
      [join(file, "data"), /could not create data directory ".*a-file\/data"/],
      [logIsDir, /could not open the log ".*log-is-dir\/wal\.log"/],
    ];
    const results = await Promise.all(cases.map(([dir]) => serve(dir)));
    results.forEach((r, i) => {
      const [dir, message] = cases[i];
      expect(r.stderr, dir).toMatch(message);
      expect(r.stderr, dir).toMatch(/^sage-sql serve: cannot open the database: /);
      expect(r.stderr, dir).not.toMatch(/\n\s+at /);
      expect(r.code, dir).toBe(2);
    });
    // nothing was cut off or rewritten
    expect(readFileSync(join(damaged, "wal.log")).equals(flipped)).toBe(true);
    expect(statSync(join(garbage, "wal.log")).size).toBe(4096);
    expect(readFileSync(join(newer, "SAGE_VERSION"), "utf8")).toBe("sage-sql data directory, format 2\n");
  });

  it("still cuts off a torn tail (a crash mid-append, or a zero-filled end) and keeps every whole record", async () => {
    const dir = await populated("torn");
    const logPath = join(dir, "wal.log");
    const whole = readFileSync(logPath);
    // half of a record like the ones before it
    const last = Buffer.from(JSON.stringify({ t: "write", rel: "t1", at: ["public", "t"], del: [], ins: [["6", "row 6"]] }));
    const header = Buffer.alloc(8);
    header.writeUInt32LE(last.length, 0);
    appendFileSync(logPath, Buffer.concat([header, last.subarray(0, 10)]));
    let db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
    expect((await db.execute("SELECT count(*)::int AS n FROM t"))[0].rows).toEqual([[5]]);
    await db.execute("INSERT INTO t VALUES (7, 'after')");
    await db.close();
    expect(readFileSync(logPath).subarray(0, whole.length).equals(whole)).toBe(true);
    appendFileSync(logPath, Buffer.alloc(300));
    db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
    expect((await db.execute("SELECT id FROM t ORDER BY id"))[0].rows).toEqual([[1], [2], [3], [4], [5], [7]]);
    await db.close();
  });

  it("opens a new directory where a crash left only the marker's temporary file", async () => {
    const dir = join(root, "half-created");
    mkdirSync(dir);
    writeFileSync(join(dir, ".SAGE_VERSION.tmp"), "sage-sql data dir");
    const db = await Database.open({ dataDir: dir });
    await db.execute("CREATE TABLE ok (a INT)");
    await db.close();
    expect(readFileSync(join(dir, "SAGE_VERSION"), "utf8")).toBe(MARKER);
  });
});
