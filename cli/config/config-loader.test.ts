// The layered configuration: defaults < config.yaml < SAGE_* < flags, each value's source, and
// clear errors for unknown keys and bad values naming the key and the file line.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, formatConfig, loadConfig } from "./index.js";

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "sage-config-"));
  const path = join(dir, "config.yaml");
  writeFileSync(path, text);
  return path;
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration", () => {
  it("layers defaults, file, environment and flags, remembering each source", () => {
    const path = file(["system:", "  log_level: info", "  max_memory: 2GB", "server:", "  port: 6000", "  http_port: 6001", "runtime:", "  checkpoint_interval: 10s", ""].join("\n"));
    const env = { SAGE_SERVER_HTTP_PORT: "7001", SAGE_SYSTEM_LOG_LEVEL: "debug" };
    const c = loadConfig({ configPath: path, env, flags: { "system.log_level": { flag: "--log-level", value: "error" } } });
    const s = (k: string) => c.settings.get(k)!;
    expect(c.file).toBe(path);
    expect(s("server.port")).toEqual({ value: 6000, source: `${path}:5` });
    expect(s("server.http_port")).toEqual({ value: 7001, source: "env SAGE_SERVER_HTTP_PORT" });
    expect(s("system.log_level")).toEqual({ value: "error", source: "flag --log-level" });
    expect(s("system.max_memory")).toEqual({ value: 2 * 1024 ** 3, source: `${path}:3` });
    expect(s("runtime.checkpoint_interval").value).toBe(10_000);
    expect(s("server.host")).toEqual({ value: "127.0.0.1", source: "default" });
    const shown = formatConfig(c);
    expect(shown).toContain(`server.port = 6000    # ${path}:5`);
    expect(shown).toContain('system.log_level = "error"    # flag --log-level');
  });

  it("finds the file through SAGE_CONFIG, and --config wins over it", () => {
    const a = file("server:\n  port: 1111\n");
    const b = file("server:\n  port: 2222\n");
    expect(loadConfig({ env: { SAGE_CONFIG: a } }).settings.get("server.port")!.value).toBe(1111);
    expect(loadConfig({ configPath: b, env: { SAGE_CONFIG: a } }).settings.get("server.port")!.value).toBe(2222);
    expect(errorOf(() => loadConfig({ env: { SAGE_CONFIG: "/nonexistent/sage.yaml" } }))).toMatch(/does not exist/);
  });

  it("names an unknown key and its line", () => {
    const path = file("system:\n  log_level: info\n  log_levle: debug\n");
    expect(errorOf(() => loadConfig({ configPath: path, env: {} }))).toBe(`${path} line 3: unknown configuration key "system.log_levle" (known in system: log_level, temp_dir, max_memory, data_dir)`);
    const top = file("sever:\n  port: 1\n");
    expect(errorOf(() => loadConfig({ configPath: top, env: {} }))).toMatch(new RegExp(`^${top} line 1: unknown configuration key "sever"`));
  });

  it("names a bad value, its key and where it came from", () => {
    const path = file("server:\n  port: 99999\n");
    expect(errorOf(() => loadConfig({ configPath: path, env: {} }))).toBe(`invalid value for server.port (${path} line 2): expected an integer from 0 to 65535`);
    expect(errorOf(() => loadConfig({ env: { SAGE_SYSTEM_LOG_LEVEL: "loud" } }))).toBe("invalid value for system.log_level (environment variable SAGE_SYSTEM_LOG_LEVEL): expected one of trace, debug, info, warn, error, fatal, silent");
    expect(errorOf(() => loadConfig({ env: {}, flags: { "server.port": { flag: "--port", value: "abc" } } }))).toMatch(/server.port \(flag --port\)/);
    const rules = file("auth:\n  rules:\n    - host: all\n      method: maybe\n");
    expect(errorOf(() => loadConfig({ configPath: rules, env: {} }))).toMatch(/auth.rules .*line 2.*item 1, method: expected one of trust/);
    const yaml = file("server: [unclosed\n");
    expect(errorOf(() => loadConfig({ configPath: yaml, env: {} }))).toMatch(/line \d+: not valid YAML/);
  });

  it("reads users, rules, models and plugins, and hides passwords when shown", () => {
    const path = file(
      ["auth:", "  users:", "    - name: alice", "      password: s3cret", "  rules:", "    - { host: local, user: all, method: trust }", "models:", "  small: { provider: openai, model: tiny }", "plugins: [./my-plugin.js]", ""].join("\n"),
    );
    const c = loadConfig({ configPath: path, env: {} });
    expect(c.settings.get("auth.users")!.value).toEqual([{ name: "alice", password: "s3cret" }]);
    expect(c.settings.get("auth.rules")!.value).toEqual([{ host: "local", user: "all", method: "trust" }]);
    expect(c.settings.get("plugins")!.value).toEqual(["./my-plugin.js"]);
    const shown = formatConfig(c);
    expect(shown).not.toContain("s3cret");
    expect(shown).toContain('"password":"********"');
  });
});
