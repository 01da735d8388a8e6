// `sage-sql simulate`: the CLI runs seeds, exits 0 when all pass, 1 with the failing seeds when a
// (deliberately broken) protocol fails some, 2 on bad arguments.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, "simulate", ...args], { encoding: "utf8", timeout: 120_000 });

describe("sage-sql simulate", () => {
  it("runs seeds of the SQL views and summarizes", () => {
    const r = run("--seeds", "2", "--from", "5", "--verbose");
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^seed 5 ok \(\d+ faults, \d+ generations, \d+ commits, \d+ steps\)$/m);
    expect(r.stdout).toMatch(/^2 seeds from 5, 0 failed, [\d.]+ s$/m);
    expect(r.status).toBe(0);
  }, 120_000);

  it("runs the SQL views over Arrow IPC frames, production's codec", () => {
    const r = run("--seeds", "2", "--codec", "arrow");
    expect(r.stdout).toMatch(/^2 seeds from 1, 0 failed, [\d.]+ s$/m);
    expect(r.status).toBe(0);
  }, 120_000);

  it("prints the failing seeds of a broken protocol and exits 1", () => {
    const r = run("--seeds", "20", "--views", "keyed-sum", "--broken", "stale-frames");
    expect(r.stdout).toMatch(/^seed \d+ FAILED: /m);
    expect(r.stdout).toMatch(/20 seeds from 1, [1-9]\d* failed, .*failing seeds: \d+/);
    expect(r.status).toBe(1);
  }, 120_000);

  it("refuses bad arguments with exit 2", () => {
    const r = run("--seeds", "0");
    expect(r.stderr).toContain("sage-sql simulate: --seeds must be an integer >= 1, not 0");
    expect(r.status).toBe(2);
    expect(run("--views", "everything").status).toBe(2);
    const codec = run("--codec", "json");
    expect(codec.stderr).toContain("--codec must be arrow or state, not json");
    expect(codec.status).toBe(2);
  }, 60_000);
});
