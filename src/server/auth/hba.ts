// pg_hba.conf-like rules: the first rule whose address and user match a connection decides how
// it authenticates. `host` is 'all', 'local' (loopback addresses: 127.0.0.0/8 and ::1) or a
// CIDR range ('10.0.0.0/8', '::1/128', a bare address meaning a single host).

import { isIP } from "node:net";

export type AuthMethod = "trust" | "password" | "md5" | "scram-sha-256" | "reject";

export interface HbaRule {
  host: string;
  /** a user name or 'all' */
  user: string;
  method: AuthMethod;
  /** a database name or 'all' (default 'all') */
  database?: string;
  /** true: the rule matches only TLS connections (Postgres's `hostssl`); false: only plain ones (`hostnossl`) */
  ssl?: boolean;
}

/** Loopback connections are trusted; everything else must use SCRAM-SHA-256 with a configured user. */
export const DEFAULT_HBA_RULES: readonly HbaRule[] = [
  { host: "local", user: "all", method: "trust" },
  { host: "all", user: "all", method: "scram-sha-256" },
];

/** Rejects rules that cannot match anything (a bad CIDR or method) when the server starts. */
export function validateHbaRules(rules: readonly HbaRule[]): void {
  const methods = new Set(["trust", "password", "md5", "scram-sha-256", "reject"]);
  for (const r of rules) {
    if (!methods.has(r.method)) throw new Error(`invalid authentication method "${r.method}"`);
    if (r.host !== "all" && r.host !== "local" && parseCidr(r.host) === null) throw new Error(`invalid host "${r.host}" in authentication rule`);
  }
}

/** An address as 16 bytes (IPv4 as IPv4-mapped IPv6), or null. */
function addressBytes(address: string): Uint8Array | null {
  let a = address;
  const zone = a.indexOf("%");
  if (zone >= 0) a = a.slice(0, zone);
  const kind = isIP(a);
  if (kind === 4) {
    const out = new Uint8Array(16);
    out[10] = 0xff;
    out[11] = 0xff;
    a.split(".").forEach((p, i) => (out[12 + i] = Number(p)));
    return out;
  }
  if (kind !== 6) return null;
  // expand ::, handle a trailing dotted quad
  let tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted) {
    tail = dotted[1].split(".").map(Number);
    a = a.slice(0, -dotted[1].length) + "0:0";
  }
  const [head, rest] = a.includes("::") ? a.split("::") : [a, undefined];
  const hs = head ? head.split(":") : [];
  const rs = rest !== undefined && rest !== "" ? rest.split(":") : [];
  const groups = rest === undefined ? hs : [...hs, ...Array(8 - hs.length - rs.length).fill("0"), ...rs];
  if (groups.length !== 8) return null;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  if (dotted) tail.forEach((v, i) => (out[12 + i] = v));
  return out;
}

function parseCidr(cidr: string): { bytes: Uint8Array; bits: number } | null {
  const slash = cidr.indexOf("/");
  const addr = slash < 0 ? cidr : cidr.slice(0, slash);
  const bytes = addressBytes(addr);
  if (!bytes) return null;
  const v4 = isIP(addr) === 4;
  const max = v4 ? 32 : 128;
  const bits = slash < 0 ? max : Number(cidr.slice(slash + 1));
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return null;
  return { bytes, bits: v4 ? bits + 96 : bits };
}

export function addressInCidr(address: string, cidr: string): boolean {
  const a = addressBytes(address);
  const range = parseCidr(cidr);
  if (!a || !range) return false;
  for (let bit = 0; bit < range.bits; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((a[byte] & mask) !== (range.bytes[byte] & mask)) return false;
  }
  return true;
}

export function isLoopback(address: string): boolean {
  return addressInCidr(address, "127.0.0.0/8") || addressInCidr(address, "::1/128");
}

/** The first matching rule, or undefined (the connection is refused). */
export function matchHbaRule(rules: readonly HbaRule[], conn: { address: string; user: string; database: string; ssl?: boolean }): HbaRule | undefined {
  return rules.find((r) => {
    if (r.ssl !== undefined && r.ssl !== (conn.ssl ?? false)) return false;
    if (r.user !== "all" && r.user !== conn.user) return false;
    if (r.database !== undefined && r.database !== "all" && r.database !== conn.database) return false;
    if (r.host === "all") return true;
    if (r.host === "local") return isLoopback(conn.address);
    return addressInCidr(conn.address, r.host);
  });
}
