import { describe, expect, it } from "vitest";
import { redactQuoted, redactStatement } from "./statement-redaction.js";

describe("redactStatement", () => {
  it("masks every literal of role and secret statements", () => {
    expect(redactStatement("CREATE USER alice PASSWORD 'hunter2'")).toBe("CREATE USER alice PASSWORD '********'");
    expect(redactStatement("alter role bob with encrypted password 'it''s me' valid until '2030-01-01'")).toBe("alter role bob with encrypted password '********' valid until '********'");
    expect(redactStatement("CREATE OR REPLACE SECRET k WITH (value = 'sk-live-123')")).toBe("CREATE OR REPLACE SECRET k WITH (value = '********')");
    expect(redactStatement("CREATE SECRET k WITH (value = $x$sk-live$x$)")).toBe("CREATE SECRET k WITH (value = '********')");
    expect(redactStatement("CREATE SECRET k WITH (encrypted = 'v1:abc')")).toBe("CREATE SECRET k WITH (encrypted = '********')");
  });

  it("masks credential options and PASSWORD elsewhere, and nothing else", () => {
    expect(redactStatement("CREATE MODEL m WITH (provider = 'openai', api_key = 'sk-1', model = 'gpt')")).toBe("CREATE MODEL m WITH (provider = 'openai', api_key = '********', model = 'gpt')");
    expect(redactStatement("CREATE SINK s FROM t WITH (connector = 'postgres', postgres.password = E'p\\'w', host = 'h')")).toBe("CREATE SINK s FROM t WITH (connector = 'postgres', postgres.password = '********', host = 'h')");
    expect(redactStatement("SELECT 'password = x', name FROM t WHERE note = 'token'")).toBe("SELECT 'password = x', name FROM t WHERE note = 'token'");
    expect(redactStatement("-- password 'x'\nSELECT 1")).toBe("-- password 'x'\nSELECT 1");
  });

  it("masks the values in a message about the statement", () => {
    const sql = "CREATE SECRET k WITH (value = 'sk-live-123' oops)";
    expect(redactQuoted('syntax error at or near "\'sk-live-123\'"', sql)).toBe('syntax error at or near "\'********\'"');
    expect(redactQuoted("relation t does not exist", "SELECT 'abc' FROM t")).toBe("relation t does not exist");
  });
});
