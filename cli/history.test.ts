import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { holdsSecret, loadHistory, saveHistory } from "./history.js";

describe("REPL history", () => {
  it("recognises statements carrying a secret value, which the REPL never saves", () => {
    expect(holdsSecret("CREATE SECRET k WITH (value = 'sk-1')")).toBe(true);
    expect(holdsSecret("create   or replace\tsecret k as 'x'")).toBe(true);
    expect(holdsSecret("SELECT 'create secret' AS s")).toBe(true); // errs on the safe side
    expect(holdsSecret("CREATE MODEL m WITH (api_key = SECRET k)")).toBe(false);
    expect(holdsSecret("SHOW SECRETS")).toBe(false);
  });

  it("saves newest-first entries oldest-first with mode 0600 and loads them back", () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-hist-"));
    try {
      const p = join(dir, "h");
      saveHistory(p, ["b", "a"]);
      expect(readFileSync(p, "utf8")).toBe("a\nb\n");
      expect(loadHistory(p)).toEqual(["b", "a"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
