import { appendFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { KeyValueLog } from "./key-value-log.js";

const dirs: string[] = [];
function path(): string {
  const d = mkdtempSync(join(tmpdir(), "sage-kv-"));
  dirs.push(d);
  return join(d, "sub", "kv.log");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("KeyValueLog", () => {
  it("keeps the latest value of each key across a reopen", () => {
    const p = path();
    const log = KeyValueLog.open(p);
    log.put("a", Buffer.from("one"));
    log.put("b", Buffer.from([0, 1, 2, 255]));
    log.put("a", Buffer.from("two"));
    expect(log.get("a")!.toString()).toBe("two");
    log.close();
    const again = KeyValueLog.open(p);
    expect(again.entries).toBe(2);
    expect(again.get("a")!.toString()).toBe("two");
    expect([...again.get("b")!]).toEqual([0, 1, 2, 255]);
    expect(again.get("c")).toBeUndefined();
    again.close();
  });

  it("cuts a torn or damaged tail off at the last good record, and appends after it", () => {
    const p = path();
    const log = KeyValueLog.open(p);
    log.put("k1", Buffer.from("v1"));
    log.close();
    const good = statSync(p).size;
    appendFileSync(p, Buffer.from([5, 0, 0, 0, 9, 0, 0, 0, 1, 2, 3, 4, 65])); // a header, then the crash
    const reopened = KeyValueLog.open(p);
    expect(reopened.truncatedBytes).toBe(13);
    expect(statSync(p).size).toBe(good);
    reopened.put("k2", Buffer.from("v2"));
    reopened.close();
    const last = KeyValueLog.open(p);
    expect(last.get("k1")!.toString()).toBe("v1");
    expect(last.get("k2")!.toString()).toBe("v2");
    last.close();
  });

  it("drops puts once the file is full", () => {
    const log = KeyValueLog.open(path(), { maxBytes: 40 });
    expect(log.put("a", Buffer.alloc(10))).toBe(true); // 12 + 1 + 10 = 23 bytes
    expect(log.put("b", Buffer.alloc(10))).toBe(false);
    expect(log.get("b")).toBeUndefined();
    log.close();
  });
});
