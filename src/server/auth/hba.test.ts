import { describe, expect, it } from "vitest";
import { addressInCidr, isLoopback, matchHbaRule, validateHbaRules, type HbaRule } from "./hba.js";
import { md5PasswordHash, md5Response } from "./md5.js";

describe("HBA rules", () => {
  it("matches CIDR ranges for IPv4, IPv6 and IPv4-mapped addresses", () => {
    expect(addressInCidr("10.1.2.3", "10.0.0.0/8")).toBe(true);
    expect(addressInCidr("11.1.2.3", "10.0.0.0/8")).toBe(false);
    expect(addressInCidr("::ffff:10.1.2.3", "10.0.0.0/8")).toBe(true);
    expect(addressInCidr("192.168.1.7", "192.168.1.7")).toBe(true);
    expect(addressInCidr("192.168.1.8", "192.168.1.7")).toBe(false);
    expect(addressInCidr("fe80::1", "fe80::/10")).toBe(true);
    expect(addressInCidr("2001:db8::1", "fe80::/10")).toBe(false);
    expect(addressInCidr("garbage", "10.0.0.0/8")).toBe(false);
    expect(isLoopback("127.0.0.1")).toBe(true);
    expect(isLoopback("::1")).toBe(true);
    expect(isLoopback("::ffff:127.0.0.1")).toBe(true);
    expect(isLoopback("10.0.0.1")).toBe(false);
  });

  it("takes the first matching rule", () => {
    const rules: HbaRule[] = [
      { host: "local", user: "admin", method: "trust" },
      { host: "10.0.0.0/8", user: "all", method: "md5" },
      { host: "all", user: "mallory", method: "reject" },
      { host: "all", user: "all", method: "scram-sha-256" },
    ];
    const m = (address: string, user: string) => matchHbaRule(rules, { address, user, database: "sage" })?.method;
    expect(m("127.0.0.1", "admin")).toBe("trust");
    expect(m("127.0.0.1", "bob")).toBe("scram-sha-256");
    expect(m("10.9.9.9", "bob")).toBe("md5");
    expect(m("8.8.8.8", "mallory")).toBe("reject");
    expect(matchHbaRule([{ host: "local", user: "all", method: "trust" }], { address: "8.8.8.8", user: "x", database: "d" })).toBeUndefined();
    expect(matchHbaRule([{ host: "all", user: "all", method: "trust", database: "other" }], { address: "::1", user: "x", database: "d" })).toBeUndefined();
  });

  it("matches ssl rules only to TLS connections (hostssl) or only to plain ones (hostnossl)", () => {
    const rules: HbaRule[] = [
      { host: "all", user: "all", method: "scram-sha-256", ssl: true },
      { host: "local", user: "all", method: "trust", ssl: false },
    ];
    expect(matchHbaRule(rules, { address: "10.0.0.1", user: "u", database: "d", ssl: true })?.method).toBe("scram-sha-256");
    expect(matchHbaRule(rules, { address: "10.0.0.1", user: "u", database: "d", ssl: false })).toBeUndefined();
    expect(matchHbaRule(rules, { address: "10.0.0.1", user: "u", database: "d" })).toBeUndefined();
    expect(matchHbaRule(rules, { address: "127.0.0.1", user: "u", database: "d" })?.method).toBe("trust");
  });

  it("validates rules", () => {
    expect(() => validateHbaRules([{ host: "10.0.0.0/99", user: "all", method: "trust" }])).toThrow();
    expect(() => validateHbaRules([{ host: "all", user: "all", method: "kerberos" as never }])).toThrow();
    expect(() => validateHbaRules([{ host: "::1/128", user: "all", method: "trust" }])).not.toThrow();
  });
});

describe("MD5 passwords", () => {
  it("computes Postgres's stored hash and client response", () => {
    // SELECT 'md5' || md5('secret' || 'alice') in Postgres
    expect(md5PasswordHash("alice", "secret")).toBe("md54a0a68b43b6cd5cf266fa02f196e2371");
    const stored = md5PasswordHash("alice", "secret");
    expect(stored).toMatch(/^md5[0-9a-f]{32}$/);
    const salt = Buffer.from([1, 2, 3, 4]);
    expect(md5Response(stored, salt)).toMatch(/^md5[0-9a-f]{32}$/);
    expect(md5Response(stored, salt)).not.toBe(md5Response(stored, Buffer.from([1, 2, 3, 5])));
  });
});
